"""Questionnaire definitions checked and stored, and written out: RAAK's own tables —
JSON, XLSX (sheets questionnaire, sections, questions, choices) or a folder of CSV
files. A genuine XLSForm (sheet `survey`) goes through raak.questionnaires.xlsform into
the same checks here (`save`); exchange.py is the front door that takes either.

Importing a questionnaire that exists adds a new version when the latest one is
published (published versions never change), or replaces the draft."""

import json
import re

from django.conf import settings
from django.db import transaction

from raak.lib.cleaning import SLUG
from raak.programmes import expressions, flat
from raak.programmes.history import Recorder
from raak.programmes.tables import FormatError, Problem
from raak.questionnaires import rounds as asked_rounds
from raak.questionnaires.models import Choice, Question, Questionnaire, Section, Version

SPEC = ("raak-questionnaire/1", {
    "questionnaire": [("slug", "str:50"), ("name", "str:200"), ("description", "str"), ("fictional", "bool")],
    "sections": [("key", "str:50"), ("title", "str:300"), ("translations", "str")],
    "questions": [
        ("section", "str:50"), ("key", "str:50"), ("type", "str:10"), ("label", "str"), ("help", "str"),
        ("required", "bool"), ("choice_list", "str:50"), ("minimum", "str:30"), ("maximum", "str:30"),
        ("max_length", "int"), ("show_if", "str:1000"), ("maps_to", "str:50"), ("indicator", "str:50"),
        ("constraint_message", "str:300"), ("translations", "str"),
    ],
    "choices": [
        ("list_name", "str:50"), ("key", "str:50"), ("label", "str:300"), ("score", "str:30"),
        ("translations", "str"),
    ],
})  # fmt: skip
CHOICE_TYPES = (Question.SINGLE, Question.MULTIPLE, Question.SCALE, Question.YESNO)
NUMBER_TYPES = (Question.NUMBER, Question.INTEGER)
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")  # a slug, or an XLSForm name (XML name)
CHOICE_KEY = re.compile(r"^[A-Za-z0-9_.-]+$")
YESNO = [("yes", "Ja", 1), ("no", "Nee", 0), ("unknown", "Onbekend", None)]


def _number(problems, f, w, col, text):
    if text in ("", None):
        return None
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        problems.append(Problem(f, w, col, f"“{text}” is geen getal"))
        return None


def _translations(problems, f, w, text):
    """Other languages as JSON text ({"English (en)": {"label": ...}}) in a cell."""
    if isinstance(text, dict):
        return text
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        problems.append(
            Problem(f, w, "translations", 'verwacht JSON zoals {"English (en)": {"label": "…"}}')
        )
        return {}
    return value


def _choice_keys(lists, question):
    if question["type"] not in CHOICE_TYPES:
        return None
    return set(lists.get(question["choice_list"], {}))


def load_tables(path, programme_slug=None, publish=False):
    """Import a questionnaire from RAAK's own tables (exchange.load takes XLSForm too)."""
    slug, t = flat.read(path, *SPEC, programme_slug)
    programme = flat.programme_for(slug, path)
    return save(t, programme, path, publish)


def save(t, programme, path, publish=False, user=None, actor=""):
    """Check tables ({table: [(file, row, dict)]}) and store them as a new version or
    as the replacement of the draft; FormatError naming every problem, nothing stored."""
    limit = settings.IMPORT_MAX_QUESTIONS
    if len(t["questions"]) > limit:
        # Before any per-row work: a questionnaire of 400,000 questions once took minutes
        # to import and made its builder page unusable.
        raise FormatError([Problem(str(path), "questions", "",
                                   f"{len(t['questions'])} vragen; hoogstens {limit} per "
                                   "vragenlijst (IMPORT_MAX_QUESTIONS)")])  # fmt: skip
    problems = []
    # The same length limits as the columns (SPEC's str:N), also for XLSForm and the
    # builder, which do not pass through flat.read.
    for table, columns in SPEC[1].items():
        limits = {c: int(k.split(":")[1]) for c, k in columns if k.startswith("str:")}
        for f, w, d in t[table]:
            for col, limit in limits.items():
                if isinstance(d.get(col), str) and len(d[col]) > limit:
                    problems.append(Problem(f, w, col, f"langer dan {limit} tekens"))
    if problems:  # once each (an or_other list repeats its source list's rows)
        raise FormatError(list({str(p): p for p in problems}.values()))
    if len(t["questionnaire"]) != 1:
        raise FormatError(
            [Problem(str(path), "questionnaire", "", "precies één rij met slug en naam")]
        )
    qf, qw, qd = t["questionnaire"][0]
    if not SLUG.match(qd["slug"]) or not qd["name"]:
        problems.append(
            Problem(qf, qw, "slug", "slug en name zijn verplicht; slug in kleine letters")
        )
    questionnaire = Questionnaire.objects.filter(programme=programme, slug=qd["slug"]).first()
    latest = questionnaire.versions.order_by("-number").first() if questionnaire else None
    previous = latest if latest and latest.published else (latest.previous if latest else None)
    previous_keys = set(previous.questions.values_list("key", flat=True)) if previous else set()

    sections = {d["key"] for _f, _w, d in t["sections"]}
    for f, w, d in t["sections"]:
        if not KEY.match(d["key"]) or not d["title"]:
            problems.append(Problem(f, w, "key", "key en title zijn verplicht"))
        d["translations"] = _translations(problems, f, w, d.get("translations"))
    lists = {}
    for f, w, d in t["choices"]:
        if not KEY.match(d["list_name"]) or not CHOICE_KEY.match(d["key"]) or not d["label"]:
            problems.append(Problem(f, w, "key", "list_name, key en label zijn verplicht"))
        d["translations"] = _translations(problems, f, w, d.get("translations"))
        if d["key"] in lists.setdefault(d["list_name"], {}):
            problems.append(
                Problem(f, w, "key", f"“{d['key']}” staat al in lijst {d['list_name']}")
            )
        d["score"] = _number(problems, f, w, "score", d["score"])
        lists[d["list_name"]][d["key"]] = d
    if "yesno" not in lists:
        lists["yesno"] = {
            k: {"list_name": "yesno", "key": k, "label": label, "score": s, "translations": {}}
            for k, label, s in YESNO
        }
        t["choices"] += [("", "", v) for v in lists["yesno"].values()]
    indicators = {i.key: i for i in programme.indicators.prefetch_related("categories")}
    seen, types = {}, dict(Question.TYPES)
    for f, w, d in t["questions"]:
        if not KEY.match(d["key"]) or d["key"] in seen:
            problems.append(Problem(f, w, "key", "ontbreekt, is ongeldig of staat er dubbel in"))
        if d["section"] not in sections:
            problems.append(Problem(f, w, "section", f"onbekende sectie “{d['section']}”"))
        if d["type"] not in types:
            problems.append(Problem(f, w, "type", f"kies {', '.join(types)}"))
        if not d["label"]:
            problems.append(Problem(f, w, "label", "is verplicht"))
        d["translations"] = _translations(problems, f, w, d.get("translations"))
        d["constraint_message"] = d.get("constraint_message") or ""
        if d["type"] == Question.YESNO and not d["choice_list"]:
            d["choice_list"] = "yesno"
        if d["type"] in CHOICE_TYPES and d["choice_list"] not in lists:
            problems.append(
                Problem(f, w, "choice_list", f"onbekende keuzelijst “{d['choice_list']}”")
            )
        if d["type"] not in CHOICE_TYPES and d["choice_list"]:
            problems.append(Problem(f, w, "choice_list", "alleen bij een keuzevraag"))
        d["minimum"] = _number(problems, f, w, "minimum", d["minimum"])
        d["maximum"] = _number(problems, f, w, "maximum", d["maximum"])
        if d.get("max_length") is not None and not 1 <= d["max_length"] <= 1_000_000:
            # The column holds a positive number; a negative one was a database error.
            problems.append(
                Problem(f, w, "max_length", "verwacht een aantal tekens van 1 tot 1000000")
            )
        if d["minimum"] is not None and d["maximum"] is not None and d["minimum"] > d["maximum"]:
            problems.append(Problem(f, w, "maximum", "ligt onder minimum"))
        if (d["minimum"] is not None or d["maximum"] is not None) and d["type"] not in NUMBER_TYPES:
            problems.append(Problem(f, w, "minimum", "alleen bij een getal"))
        if d["show_if"]:
            earlier = {k: _choice_keys(lists, q) for k, q in seen.items()}
            try:
                expressions.check(d["show_if"], earlier)
            except expressions.ExpressionError as e:
                problems.append(Problem(f, w, "show_if", str(e)))
        if d["maps_to"] and d["maps_to"] not in previous_keys:
            problems.append(
                Problem(f, w, "maps_to", f"de vorige versie heeft geen vraag “{d['maps_to']}”")
            )
        if d["indicator"]:
            indicator = indicators.get(d["indicator"])
            categories = {c.key for c in indicator.categories.all()} if indicator else set()
            if indicator is None:
                problems.append(
                    Problem(f, w, "indicator", f"onbekende indicator “{d['indicator']}”")
                )
            elif d["type"] in ("date", "text"):
                # The date or note of the indicator's value; its category comes from the
                # choice question linked to the same indicator.
                if not any(o["indicator"] == d["indicator"] and o["type"] not in ("date", "text")
                           for _f, _w, o in t["questions"]):  # fmt: skip
                    problems.append(Problem(f, w, "indicator", "een datum- of tekstvraag vult de datum of "
                                            "toelichting van een indicator; de vragenlijst heeft ook "
                                            "een keuzevraag voor die indicator nodig"))  # fmt: skip
            elif set(lists.get(d["choice_list"], {})) != categories:
                problems.append(Problem(f, w, "indicator", "de keuzes moeten de antwoordcategorieën van de indicator zijn: "
                                        + ", ".join(sorted(categories))))  # fmt: skip
        seen[d["key"]] = d
    if not t["questions"]:
        problems.append(Problem(str(path), "questions", "", "een vragenlijst heeft vragen nodig"))
    if problems:
        raise FormatError(problems)

    with transaction.atomic():
        if questionnaire is None:
            questionnaire = Questionnaire.objects.create(programme=programme, **qd)
        else:
            for k in ("name", "description", "fictional"):
                setattr(questionnaire, k, qd[k])
            questionnaire.save()
        if latest and not latest.published:
            if latest.responses.exists():  # never happens: drafts take no responses
                raise FormatError(
                    [Problem(str(path), "", "", "deze conceptversie heeft al antwoorden")]
                )
            latest.delete()
            number = latest.number
        else:
            number = latest.number + 1 if latest else 1
        version = Version.objects.create(
            questionnaire=questionnaire, number=number, published=publish, previous=previous
        )
        section_objs = {}
        for i, (_f, _w, d) in enumerate(t["sections"]):
            section_objs[d["key"]] = Section.objects.create(version=version, position=i, **d)
        Choice.objects.bulk_create(
            Choice(version=version, position=i, **d) for i, (_f, _w, d) in enumerate(t["choices"])
        )
        Question.objects.bulk_create(
            Question(version=version, position=i, section=section_objs[d["section"]],
                     indicator=indicators.get(d["indicator"]),
                     **{k: v for k, v in d.items() if k not in ("section", "indicator")})
            for i, (_f, _w, d) in enumerate(t["questions"])
        )  # fmt: skip
        recorder = Recorder(user, actor=actor or f"import: {path}", programme=programme)
        recorder.record(subject=f"vragenlijst {questionnaire.slug}", field="versie",
                        new=f"{number} ({'gepubliceerd' if publish else 'concept'})")  # fmt: skip
        if publish:
            asked_rounds.first_published(questionnaire, recorder)
        recorder.flush()
    return version


def tables(version):
    q = version.questionnaire
    return {
        "questionnaire": [{"slug": q.slug, "name": q.name, "description": q.description, "fictional": q.fictional}],
        "sections": [
            {"key": s.key, "title": s.title, "translations": _json(s.translations)}
            for s in version.sections.all()
        ],
        "questions": [
            {"section": x.section.key, "key": x.key, "type": x.type, "label": x.label, "help": x.help,
             "required": x.required, "choice_list": x.choice_list,
             "minimum": _fmt(x.minimum), "maximum": _fmt(x.maximum), "max_length": x.max_length,
             "show_if": x.show_if, "maps_to": x.maps_to, "indicator": x.indicator.key if x.indicator else "",
             "constraint_message": x.constraint_message, "translations": _json(x.translations)}
            for x in version.questions.select_related("section", "indicator").order_by("position")
        ],
        "choices": [
            {"list_name": c.list_name, "key": c.key, "label": c.label, "score": _fmt(c.score),
             "translations": _json(c.translations)}
            for c in version.choices.order_by("position")
        ],
    }  # fmt: skip


def _fmt(number):
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _json(translations):
    return json.dumps(translations, ensure_ascii=False, sort_keys=True) if translations else ""
