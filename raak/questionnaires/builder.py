"""The national office builds a questionnaire in the browser: a draft version's sections,
questions and choice lists, checked with exactly the rules of the import
(exchange.save), a preview as a region sees it, and publishing.

Every change rewrites the draft through exchange.save, so nothing the builder makes
can differ from what an import would accept. The draft's id is the lock: each save
makes a new draft row, so a form posted against an older draft is refused as a
conflict instead of overwriting someone else's change."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from raak.accounts.access import national_only, programme_for
from raak.lib import locking
from raak.lib.cleaning import SLUG
from raak.programmes import expressions
from raak.programmes.history import Recorder
from raak.programmes.tables import FormatError
from raak.questionnaires import exchange
from raak.questionnaires import rounds as asked_rounds
from raak.questionnaires.answers import Form
from raak.questionnaires.models import Question, Questionnaire, Response, Version

FIELDS = ("section", "key", "type", "label", "help", "choice_list", "minimum", "maximum",
          "max_length", "show_if", "maps_to", "indicator", "constraint_message")  # fmt: skip


def _rows(tables):
    """exchange.tables() -> the (file, where, dict) rows exchange.save checks."""
    where = {"questionnaire": lambda d: "", "sections": lambda d: d["key"],
             "questions": lambda d: d["key"], "choices": lambda d: d["list_name"]}  # fmt: skip
    return {t: [("", where[t](d), d) for d in rows] for t, rows in tables.items()}


def _draft(questionnaire):
    latest = questionnaire.versions.order_by("-number").first()
    return latest if latest and not latest.published else None


def _store(request, questionnaire, tables, posted_id):
    """Save changed tables as the draft; returns (version, problems, conflict)."""
    with transaction.atomic():
        try:
            draft = _locked_draft(questionnaire, posted_id)
        except locking.Conflict as e:
            return e.current, [], True
        try:
            version = exchange.save(_rows(tables), questionnaire.programme, _("bouwer"),
                                    user=request.user, actor=request.user.get_username())  # fmt: skip
        except FormatError as e:
            transaction.set_rollback(True)
            return draft, [_problem(p) for p in e.problems], False
    return version, [], False


def _locked_draft(questionnaire, posted_id):
    """The draft a builder form was made from, with the questionnaire locked for the rest
    of the transaction; Conflict(current draft) when the draft moved on. The draft's id
    is the form's version: each save makes a new draft row."""
    locking.lock_row(Questionnaire, questionnaire.pk)
    posted = int(posted_id) if str(posted_id).isdigit() else -1
    return locking.check(_draft(questionnaire), posted, field="pk", must_exist=True)


def _problem(p):
    where = " · ".join(x for x in (p.row, p.column) if x)
    return f"{where}: {p.message}" if where else p.message


@login_required
def new_questionnaire(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    errors, values = [], {"slug": "", "name": "", "description": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        if not SLUG.match(values["slug"]):
            errors.append(_("Korte naam: kleine letters, cijfers en streepjes."))
        elif programme.questionnaires.filter(slug=values["slug"]).exists():
            errors.append(_("Er is al een vragenlijst met deze korte naam."))
        if not values["name"]:
            errors.append(_("Naam: verplicht."))
        if not errors:
            tables = {
                "questionnaire": [{**values, "fictional": False}],
                "sections": [{"key": "deel-1", "title": _("Deel 1"), "translations": ""}],
                "questions": [
                    {
                        "section": "deel-1",
                        "key": "vraag-1",
                        "type": Question.TEXT,
                        "label": _("Eerste vraag"),
                        "help": "",
                        "required": False,
                        "choice_list": "",
                        "minimum": "",
                        "maximum": "",
                        "max_length": None,
                        "show_if": "",
                        "maps_to": "",
                        "indicator": "",
                        "constraint_message": "",
                        "translations": "",
                    }
                ],  # fmt: skip
                "choices": [],
            }
            try:
                exchange.save(_rows(tables), programme, _("bouwer"), user=request.user,
                              actor=request.user.get_username())  # fmt: skip
            except FormatError as e:
                errors = [_problem(p) for p in e.problems]
            else:
                return redirect("builder", programme.slug, values["slug"])
    return render(request, "questionnaires/builder_new.html", {
        "programme": programme, "access": access, "errors": errors, "values": values,
    }, status=400 if errors else 200)  # fmt: skip


@login_required
def builder(request, slug, q_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    draft = _draft(questionnaire)
    problems, conflict, status = [], False, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "new-draft":
            if draft is None:
                published = questionnaire.versions.order_by("-number").first()
                tables = exchange.tables(published)
                for q in tables["questions"]:
                    q["maps_to"] = q["key"]  # the new version continues every question
                exchange.save(_rows(tables), programme, _("bouwer"), user=request.user,
                              actor=request.user.get_username())  # fmt: skip
                messages.success(request, _("Nieuwe conceptversie gemaakt."))
            return redirect(request.path)
        if draft is None:
            raise Http404
        tables = exchange.tables(draft)
        try:
            edited = _apply(action, request.POST, tables)
        except ValueError as e:
            problems = [str(e)]
        else:
            if action == "publish":
                edited = None
                conflict = not _publish(request, questionnaire, draft, request.POST.get("draft"))
                if not conflict:
                    messages.success(request, _("Gepubliceerd; deze versie verandert niet meer."))
                    return redirect(request.path)
            else:
                version, problems, conflict = _store(
                    request, questionnaire, tables, request.POST.get("draft")
                )
                if not problems and not conflict:
                    messages.success(request, _("Opgeslagen."))
                    anchor = f"#q-{edited}" if edited else ""
                    return redirect(request.path + anchor)
        status = 409 if conflict else 400
        draft = _draft(questionnaire)
    version = draft or questionnaire.versions.order_by("-number").first()
    if version is None:
        raise Http404
    form = Form(version)
    sections = [{"section": s, "questions": [q for q in form.questions if q.section_id == s.id]}
                for s in version.sections.all()]  # fmt: skip
    lists = {}
    for c in version.choices.order_by("position"):
        lists.setdefault(c.list_name, []).append(c)
    edit = next((q for q in form.questions if q.key == request.GET.get("vraag")), None)
    return render(request, "questionnaires/builder.html", {
        "programme": programme, "access": access, "questionnaire": questionnaire, "version": version,
        "draft": draft, "sections": sections, "lists": lists, "problems": problems, "conflict": conflict,
        "types": Question.TYPES, "edit": edit, "posted": request.POST if problems else None,
        "indicators": programme.indicators.all(), "list_text": {
            name: "\n".join(f"{c.key} | {c.label}" + (f" | {c.score}" if c.score is not None else "")
                            for c in cs) for name, cs in lists.items()},
        "previous_keys": list(version.previous.questions.values_list("key", flat=True)) if version.previous else [],
    }, status=status)  # fmt: skip


def _apply(action, post, t):
    """Change the tables as the action asks; returns the key to jump back to."""
    questions, sections = t["questions"], t["sections"]
    if action == "question":
        original = post.get("original", "")
        row = {f: post.get(f, "").strip() for f in FIELDS}
        row["required"] = post.get("required") == "on"
        row["max_length"] = _int(row["max_length"], _("maximaal aantal tekens"))
        existing = next((q for q in questions if q["key"] == original), None) if original else None
        if existing:
            existing.update(row)
        else:
            row["translations"] = ""
            questions.append(row)
        return row["key"]
    if action in ("question-up", "question-down", "question-delete"):
        i = next((i for i, q in enumerate(questions) if q["key"] == post.get("key")), None)
        if i is None:
            raise ValueError(_("Deze vraag bestaat niet (meer)."))
        if action == "question-delete":
            questions.pop(i)
            return ""
        # Up/down moves within the section; at its edge the question changes section.
        key = questions[i]["key"]
        order = [s["key"] for s in sections]
        same = [j for j, q in enumerate(questions) if q["section"] == questions[i]["section"]]
        step = -1 if action == "question-up" else 1
        pos = same.index(i)
        if 0 <= pos + step < len(same):
            j = same[pos + step]
            questions[i], questions[j] = questions[j], questions[i]
        else:
            s = order.index(questions[i]["section"]) + step
            if 0 <= s < len(order):
                questions[i]["section"] = order[s]
        return key
    if action == "section":
        original, key, title = (
            post.get("original", ""),
            post.get("key", "").strip(),
            post.get("title", "").strip(),
        )
        existing = next((s for s in sections if s["key"] == original), None) if original else None
        if existing:
            for q in questions:
                if q["section"] == original:
                    q["section"] = key
            existing.update(key=key, title=title)
        else:
            sections.append({"key": key, "title": title, "translations": ""})
        return ""
    if action in ("section-up", "section-down", "section-delete"):
        i = next((i for i, s in enumerate(sections) if s["key"] == post.get("key")), None)
        if i is None:
            raise ValueError(_("Deze sectie bestaat niet (meer)."))
        if action == "section-delete":
            if any(q["section"] == sections[i]["key"] for q in questions):
                raise ValueError(_("Verwijder of verplaats eerst de vragen van deze sectie."))
            sections.pop(i)
            return ""
        j = i + (-1 if action == "section-up" else 1)
        if 0 <= j < len(sections):
            sections[i], sections[j] = sections[j], sections[i]
            # Questions follow their section's order (as an import lists them).
            order = {s["key"]: n for n, s in enumerate(sections)}
            questions.sort(key=lambda q: order.get(q["section"], 0))
        return ""
    if action == "choices":
        name = post.get("list_name", "").strip()
        others = [c for c in t["choices"] if c["list_name"] != name]
        mine = []
        for n, line in enumerate(post.get("lines", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) not in (2, 3):
                raise ValueError(
                    _(
                        "Keuzelijst %(l)s, regel %(n)s: schrijf sleutel | label | score (score mag weg)."
                    )
                    % {"l": name, "n": n}
                )
            mine.append({"list_name": name, "key": parts[0], "label": parts[1],
                         "score": parts[2] if len(parts) == 3 else "", "translations": ""})  # fmt: skip
        t["choices"] = others + mine
        return ""
    if action == "publish":
        return ""
    raise ValueError(_("Onbekende actie."))


def _int(text, what):
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(_("%(w)s: vul een geheel getal in.") % {"w": what}) from None
    if value < 1:
        raise ValueError(_("%(w)s: vul een getal van 1 of meer in.") % {"w": what})
    return value


def _publish(request, questionnaire, draft, posted_id):
    with transaction.atomic():
        try:
            current = _locked_draft(questionnaire, posted_id)
        except locking.Conflict:
            return False
        Version.objects.filter(pk=current.pk).update(published=True)
        recorder = Recorder(request.user, programme=questionnaire.programme)
        recorder.record(subject=f"vragenlijst {questionnaire.slug}", field="versie",
                        old=f"{current.number} (concept)", new=f"{current.number} (gepubliceerd)")  # fmt: skip
        asked_rounds.first_published(questionnaire, recorder)
        recorder.flush()
    return True


def latest_for_national(request, slug, q_slug):
    """(programme, access, questionnaire, its newest version) for the national office's
    pages on one questionnaire: 404 for others and for a questionnaire without versions."""
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    version = questionnaire.versions.order_by("-number").first()
    if version is None:
        raise Http404
    return programme, access, questionnaire, version


@login_required
def preview(request, slug, q_slug):
    """The draft (or latest) version exactly as a region sees it; posting only checks."""
    programme, access, questionnaire, version = latest_for_national(request, slug, q_slug)
    form = Form(version)
    values, errors = {}, {}
    if request.method == "POST":
        raw = form.posted(request.POST)
        _cleaned, errors = form.validate(raw, request.POST.get("action") == "submit")
        values = raw
    # The display is the value as given: the preview starts empty and shows what was posted.
    sections = form.sections(values, errors, posted=True)
    region = programme.regions.order_by("position", "name").first()
    return render(request, "questionnaires/response.html", {
        "programme": programme, "access": access, "questionnaire": questionnaire, "region": region,
        "round": None, "response": Response(version=version), "sections": sections, "errors": errors,
        "can_write": True, "conflict": False, "preview": True,
    })  # fmt: skip


@login_required
def check_show_if(request, slug, q_slug):
    """The parser as a small JSON endpoint for the builder's as-you-type check."""
    programme, _access, questionnaire, version = latest_for_national(request, slug, q_slug)
    text = request.GET.get("expr", "")[:1000]
    before = request.GET.get("vraag", "")
    form = Form(version)
    earlier = {}
    for q in form.questions:
        if q.key == before:
            break
        keys = {c.key for c in form.options(q)}
        earlier[q.key] = keys if q.type in exchange.CHOICE_TYPES else None
    if not text.strip():
        return JsonResponse({"ok": True, "message": ""})
    try:
        tree = expressions.check(text, earlier)
    except expressions.ExpressionError as e:
        return JsonResponse({"ok": False, "message": str(e)})
    return JsonResponse({"ok": True, "message": _("In orde."), "tree": json.dumps(tree)})
