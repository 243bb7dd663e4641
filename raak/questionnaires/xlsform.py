"""Genuine XLSForm (https://xlsform.org) in and out.

In: sheets `survey`, `choices` and `settings` (sheet and column names in any case)
become RAAK's tables and go through the same checks as RAAK's own format
(store.save), so every problem names the sheet, row and column. What RAAK cannot
represent — repeats, calculations, geo and media questions, choice filters, external
selects, XPath beyond raak.programmes.expressions — is refused with the row and the
feature named, or with `skip_unsupported` left out and listed.

Out: a workbook pyxform (the reference converter) turns into an XForm without errors or
warnings. RAAK's own distinctions XLSForm lacks (scale, yes/no, period, continuation,
indicator link, scores) travel in extra columns `raak_type`, `raak_maps_to`,
`raak_indicator` and `score`, which XLSForm tools ignore; so export -> import gives the
same questionnaire.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.utils.text import slugify

from raak.programmes import expressions, flat
from raak.programmes.tables import FormatError, Problem, _stable_zip
from raak.questionnaires import store
from raak.questionnaires.models import Question
from raak.questionnaires.xlsform_sheets import (  # noqa: F401 - is_xlsform, read_sheets: API
    LANG_CODE,
    _languages,
    _main_language,
    _merge,
    _texts,
    is_xlsform,
    read_sheets,
)

DUTCH = "Nederlands (nl)"
SIMPLE = {"text": Question.TEXT, "integer": Question.INTEGER, "decimal": Question.NUMBER,
          "date": Question.DATE, "note": Question.NOTE}  # fmt: skip
RAAK_TYPES = {Question.SCALE, Question.YESNO, Question.PERIOD}
METADATA = {"start", "end", "today", "deviceid", "username", "phonenumber", "subscriberid",
            "simserial", "email", "audit", "start-geopoint"}  # fmt: skip
# Types RAAK cannot represent, with the feature named in the message.
UNSUPPORTED_TYPES = {
    "calculate": "calculate", "geopoint": "geopoint", "geotrace": "geotrace",
    "geoshape": "geoshape", "image": "media (image)", "audio": "media (audio)",
    "video": "media (video)", "file": "media (file)", "background-audio": "media (audio)",
    "barcode": "barcode", "acknowledge": "acknowledge", "range": "range", "rank": "rank",
    "time": "time", "datetime": "datetime", "hidden": "hidden", "trigger": "trigger",
    "xml-external": "external select", "csv-external": "external select",
    "select_one_external": "external select", "select_one_from_file": "external select",
    "select_multiple_from_file": "external select", "begin_repeat": "begin_repeat",
    "end_repeat": "begin_repeat",
}  # fmt: skip
# Columns whose content RAAK cannot honour; an empty cell is fine.
UNSUPPORTED_COLUMNS = {
    "calculation": "calculation", "choice_filter": "choice_filter",
    "repeat_count": "begin_repeat", "default": "default", "read_only": "read_only",
    "readonly": "read_only", "trigger": "trigger", "parameters": "parameters",
    "image": "media (image)", "audio": "media (audio)", "video": "media (video)",
    "big-image": "media (image)",
}  # fmt: skip
IGNORED_COLUMNS = {"appearance", "required_message", "guidance_hint", "label", "hint",
                   "constraint_message", "autoplay", "note"}  # fmt: skip
KNOWN_COLUMNS = {"type", "name", "required", "relevant", "constraint", "raak_type",
                 "raak_maps_to", "raak_indicator"}  # fmt: skip


@dataclass
class Result:
    version: object
    skipped: list = field(default_factory=list)  # [Problem]: rows left out
    notes: list = field(default_factory=list)  # [str]: things ignored or chosen


class _Survey:
    """One pass over the survey sheet: sections from groups, questions from rows."""

    def __init__(self, file, header, main, langs, skip_unsupported):
        self.file, self.header, self.main, self.langs = file, header, main, langs
        self.skip = skip_unsupported
        self.unsupported, self.problems, self.notes = [], [], []
        self.sections, self.questions = [], []
        self.stack = []  # open groups: (name, title, translations, relevant)
        self.current = None
        self.skipped_names = set()
        self.repeat_depth = 0
        self.or_other_lists = set()
        self.pending_other = None

    def refuse(self, row, column, name, feature):
        self.unsupported.append(Problem(f"{self.file}:survey", str(row), column,
                                        f"“{name or '–'}”: {feature} wordt niet ondersteund"))  # fmt: skip

    def section_for(self, row):
        if self.current is None:
            names = [g[0] for g in self.stack] or ["algemeen"]
            titles = [g[1] for g in self.stack] or ["Algemeen"]
            key = "_".join(names)
            taken = {s["key"] for _f, _w, s in self.sections}
            n, base = 2, key
            while key in taken:
                key, n = f"{base}-{n}", n + 1
            translations = _merge(*(g[2] for g in self.stack)) if len(self.stack) == 1 else {}
            self.current = {"key": key, "title": " › ".join(titles), "translations": translations}
            self.sections.append((f"{self.file}:survey", str(row), self.current))
        return self.current["key"]

    def row(self, row, r):
        kind = " ".join(r.get("type", "").split())
        name = r.get("name", "")
        base = kind.replace(" ", "_").lower()
        if not kind:
            if any(r.values()):
                self.problems.append(Problem(f"{self.file}:survey", str(row), "type", "ontbreekt"))
            return
        if base in ("begin_repeat", "end_repeat"):
            self.repeat_depth += 1 if base == "begin_repeat" else -1
            if base == "begin_repeat":
                self.refuse(row, "type", name, "begin_repeat (herhalende groep)")
            return
        if self.repeat_depth > 0:
            self.refuse(row, "type", name, "een vraag binnen begin_repeat")
            self.skipped_names.add(name)
            return
        head = kind.split()[0].lower()
        if head in UNSUPPORTED_TYPES:
            self.refuse(row, "type", name, UNSUPPORTED_TYPES[head])
            self.skipped_names.add(name)
            return
        for col, value in r.items():
            col_base = col.split("::")[0]
            if value and (
                col_base in UNSUPPORTED_COLUMNS
                or col_base.startswith(("media", "bind", "instance", "body"))
            ):
                feature = UNSUPPORTED_COLUMNS.get(col_base, col_base)  # fmt: skip
                self.refuse(row, col, name, feature)
                self.skipped_names.add(name)
                return
        if base == "begin_group":
            title, translations = _texts(r, "label", self.main, self.langs)
            self.stack.append((name, title or name, translations, r.get("relevant", "")))
            self.current = None
            return
        if base == "end_group":
            if not self.stack:
                self.problems.append(Problem(f"{self.file}:survey", str(row), "type",
                                             "end_group zonder begin_group"))  # fmt: skip
            else:
                self.stack.pop()
            self.current = None
            return
        if base in METADATA:
            self.notes.append(f"survey, rij {row}: metadata “{kind}” genegeerd")
            return
        parts = kind.split()
        head = parts[0].lower()
        if head in UNSUPPORTED_TYPES or head not in (*SIMPLE, "select_one", "select_multiple"):
            self.refuse(row, "type", name, UNSUPPORTED_TYPES.get(head, f"type “{kind}”"))
            self.skipped_names.add(name)
            return
        d = self.question(row, r, name, head, parts)
        if d is not None:
            self.questions.append((f"{self.file}:survey", str(row), d))

    def question(self, row, r, name, head, parts):
        label, label_tr = _texts(r, "label", self.main, self.langs)
        hint, hint_tr = _texts(r, "hint", self.main, _languages(self.header, "hint"))
        message, _m = _texts(r, "constraint_message", self.main,
                             _languages(self.header, "constraint_message"))  # fmt: skip
        d = {"key": name, "label": label, "help": hint, "choice_list": "", "minimum": None,
             "maximum": None, "max_length": None, "show_if": "", "maps_to": r.get("raak_maps_to", ""),
             "indicator": r.get("raak_indicator", ""), "constraint_message": message,
             "translations": _merge(label_tr, hint_tr)}  # fmt: skip
        or_other = False
        if head in ("select_one", "select_multiple"):
            if len(parts) < 2:
                self.problems.append(Problem(f"{self.file}:survey", str(row), "type",
                                             f"{head} zonder keuzelijst"))  # fmt: skip
                return None
            or_other = len(parts) > 2 and parts[2].lower() == "or_other"
            if len(parts) > 2 + or_other:
                self.refuse(row, "type", name, f"type “{' '.join(parts)}”")
                return None
            d["type"] = Question.SINGLE if head == "select_one" else Question.MULTIPLE
            d["choice_list"] = parts[1]
        else:
            d["type"] = SIMPLE[head]
        raak_type = r.get("raak_type", "")
        if raak_type in RAAK_TYPES:
            d["type"] = raak_type
        elif raak_type:
            self.problems.append(Problem(f"{self.file}:survey", str(row), "raak_type",
                                         f"kies {', '.join(sorted(RAAK_TYPES))}"))  # fmt: skip
        required = r.get("required", "").strip().lower()
        if required in ("yes", "true", "true()", "1"):
            d["required"] = True
        elif required in ("", "no", "false", "false()", "0"):
            d["required"] = False
        else:
            self.refuse(row, "required", name, f"required als expressie (“{required}”)")
            return None
        if not self.constraint(row, r.get("constraint", ""), name, d):
            return None
        relevant = [g[3] for g in self.stack if g[3]] + [r.get("relevant", "")]
        relevant = [x for x in relevant if x]
        if relevant:
            text = " and ".join(f"({x})" for x in relevant) if len(relevant) > 1 else relevant[0]
            try:
                tree = expressions.parse(text)
            except expressions.ExpressionError as e:
                self.refuse(row, "relevant", name, f"relevant: {e}")
                return None
            gone = [k for k in expressions.references(tree) if k in self.skipped_names]
            if gone:
                self.refuse(row, "relevant", name, f"relevant met overgeslagen vraag “{gone[0]}”")
                self.skipped_names.add(name)
                return None
            d["show_if"] = expressions.to_text(tree) if len(relevant) > 1 else text
        d["section"] = self.section_for(row)
        if or_other:
            self.or_other(row, name, d)
        return d

    def constraint(self, row, text, name, d):
        """Numeric bounds and a length limit; anything else is refused."""
        if not text:
            return True
        try:
            tree = expressions.parse(text, allow_self=True)
        except expressions.ExpressionError as e:
            self.refuse(row, "constraint", name, f"constraint: {e}")
            return False
        parts = tree[1:] if tree[0] == "and" else [tree]
        for p in parts:
            ok = p[0] == "cmp" and len(p) == 4
            if ok:
                op, left, right = p[1], p[2], p[3]
                if right in (["self"], ["len", ["self"]]) and left[0] == "n":
                    left, right = right, left  # "0 <= ." reads as ". >= 0"
                    op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
                ok = right[0] == "n"
            if ok and left == ["self"] and d["type"] in store.NUMBER_TYPES:
                n, whole = right[1], d["type"] == Question.INTEGER
                if op == ">=" or (op == ">" and whole):
                    d["minimum"] = n + (1 if op == ">" else 0)
                elif op == "<=" or (op == "<" and whole):
                    d["maximum"] = n - (1 if op == "<" else 0)
                else:
                    ok = False
            elif (
                ok
                and left == ["len", ["self"]]
                and d["type"] == Question.TEXT
                and op in ("<=", "<")
            ):
                d["max_length"] = int(right[1]) - (1 if op == "<" else 0)
            else:
                ok = False
            if not ok:
                self.refuse(row, "constraint", name, f"constraint “{text}” (alleen grenzen als "
                            "“. >= 0 and . <= 100” of “string-length(.) <= 500”)")  # fmt: skip
                return False
        return True

    def or_other(self, row, name, d):
        """XLSForm's or_other: an 'other' choice and a text question for it, as ODK does.
        The choice goes into a copy of the list, so questions sharing it stay as they are."""
        self.or_other_lists.add(d["choice_list"])
        d["choice_list"] = f"{d['choice_list']}_or_other"
        self.pending_other = {
            "key": f"{name}_other", "type": Question.TEXT, "label": "Anders, namelijk:", "help": "",
            "required": False, "choice_list": "", "minimum": None, "maximum": None,
            "max_length": None, "show_if": f"selected(${{{name}}}, 'other')", "maps_to": "",
            "indicator": "", "constraint_message": "", "section": d["section"],
            "translations": {"English (en)": {"label": "Specify other:"}},
        }  # fmt: skip


def load(path, programme_slug=None, publish=False, skip_unsupported=False, filename=None):
    """Import an XLSForm workbook as a questionnaire version. Result with what was skipped."""
    path = Path(path)
    file = filename or path.name
    sheets = read_sheets(path, cached_formulas=True)
    if "survey" not in sheets:
        raise FormatError([Problem(file, "", "", "geen werkblad “survey”: geen XLSForm")])
    header, survey_rows = sheets["survey"]
    s_header, s_rows = sheets.get("settings", ([], []))
    settings = s_rows[0][1] if s_rows else {}
    langs = _languages(header, "label")
    main = _main_language(langs, settings.get("default_language", ""))
    notes = []
    if main and LANG_CODE.search(main) and LANG_CODE.search(main).group(1).lower() != "nl":
        notes.append(f"geen Nederlandse labels; “{main}” is de hoofdtaal")
    others = [x or "default" for x in langs if x != main]
    if others:
        notes.append("andere talen bewaard als vertaling: " + ", ".join(others))
    for col in header:
        col_base = col.split("::")[0]
        if col_base in ("appearance", "required_message", "guidance_hint") and any(
            r.get(col) for _i, r in survey_rows
        ):
            notes.append(f"survey: kolom “{col}” genegeerd")

    survey = _Survey(file, header, main, langs, skip_unsupported)
    for row, r in survey_rows:
        survey.pending_other = None
        survey.row(row, r)
        if survey.pending_other:
            survey.questions.append((f"{file}:survey", str(row), survey.pending_other))
    if survey.stack:
        survey.problems.append(Problem(f"{file}:survey", "", "type",
                                       f"begin_group “{survey.stack[-1][0]}” zonder end_group"))  # fmt: skip
    if survey.repeat_depth > 0:
        survey.problems.append(
            Problem(f"{file}:survey", "", "type", "begin_repeat zonder end_repeat")
        )
    notes += survey.notes

    c_header, c_rows = sheets.get("choices", ([], []))
    c_langs = _languages(c_header, "label")
    c_main = _main_language(c_langs, settings.get("default_language", ""))
    choices = []
    for row, r in c_rows:
        media = [
            c
            for c, v in r.items()
            if v and c.split("::")[0] in ("image", "audio", "video", "big-image", "media")
        ]
        if media:
            survey.refuse(row, media[0], r.get("name", ""), "media in een keuzelijst")
            survey.unsupported[-1].file = f"{file}:choices"
            continue
        label, translations = _texts(r, "label", c_main, c_langs)
        choices.append((f"{file}:choices", str(row), {
            "list_name": r.get("list_name", ""), "key": r.get("name", ""), "label": label,
            "score": r.get("score", "") or None, "translations": translations,
        }))  # fmt: skip
    if settings.get("allow_choice_duplicates", "").lower() in ("yes", "true", "true()", "1"):
        choices = _without_duplicates(choices, notes)
    for name in sorted(survey.or_other_lists):
        copies = [
            (f, w, {**d, "list_name": f"{name}_or_other"})
            for f, w, d in choices
            if d["list_name"] == name
        ]
        if not any(d["key"] == "other" for _f, _w, d in copies):
            copies.append((f"{file}:choices", "", {"list_name": f"{name}_or_other", "key": "other",
                           "label": "Anders", "score": None, "translations": {"English (en)": {"label": "Other"}}}))  # fmt: skip
        choices += copies
    if survey.unsupported and not skip_unsupported:
        raise FormatError(survey.unsupported + survey.problems)
    slug = settings.get("form_id", "") or path.stem
    if not store.SLUG.match(slug):
        new = slugify(slug.replace("_", "-"))
        notes.append(f"form_id “{slug}” wordt slug “{new}”")
        slug = new
    meta = {"slug": slug, "name": settings.get("form_title", "") or slug,
            "description": settings.get("raak_description", ""),
            "fictional": settings.get("raak_fictional", "").lower() in ("yes", "true", "1")}  # fmt: skip
    t = {"questionnaire": [(f"{file}:settings", "2", meta)], "sections": survey.sections,
         "questions": survey.questions, "choices": choices}  # fmt: skip
    if survey.problems:
        raise FormatError(survey.problems)
    programme = flat.programme_for(programme_slug or _only_programme(file), file)
    version = store.save(t, programme, file, publish)
    return Result(version, survey.unsupported, notes)


def _without_duplicates(choices, notes):
    """allow_choice_duplicates: a list may name a choice twice (XLSForm then offers two
    options with one value). RAAK stores one choice per value: the first row's, with
    each later row named in the notes. Without the setting store.save refuses the
    second row, as pyxform does."""
    seen, out = {}, []
    for f, w, d in choices:
        key = (d["list_name"], d["key"])
        if key in seen:
            notes.append(
                f"{f}, rij {w}: “{d['key']}” staat al in lijst {d['list_name']} (rij "
                f"{seen[key]}); allow_choice_duplicates: de eerste bewaard"
            )
            continue
        seen[key] = w
        out.append((f, w, d))
    return out


def _only_programme(file):
    from raak.programmes.models import Programme

    slugs = list(Programme.objects.values_list("slug", flat=True)[:2])
    if len(slugs) != 1:
        raise FormatError([Problem(file, "", "programme", "geef het programma op (--programme)")])
    return slugs[0]


# --- writing ---------------------------------------------------------------------------


def _xlsform_type(q):
    if q.type in (Question.SINGLE, Question.SCALE, Question.YESNO):
        return f"select_one {q.choice_list}"
    if q.type == Question.MULTIPLE:
        return f"select_multiple {q.choice_list}"
    return {Question.NUMBER: "decimal", Question.INTEGER: "integer", Question.DATE: "date",
            Question.NOTE: "note"}.get(q.type, "text")  # fmt: skip


def _constraint(q):
    parts = []
    if q.minimum is not None:
        parts.append(f". >= {store._fmt(q.minimum)}")
    if q.maximum is not None:
        parts.append(f". <= {store._fmt(q.maximum)}")
    if q.max_length:
        parts.append(f"string-length(.) <= {q.max_length}")
    return " and ".join(parts)


def workbook(version):
    """The version as an XLSForm workbook (bytes, the same for the same data)."""
    questionnaire = version.questionnaire
    sections = list(version.sections.all())
    questions = list(
        version.questions.select_related("section", "indicator").order_by(
            "section__position", "position"
        )
    )
    choices = list(version.choices.order_by("position"))
    langs = sorted({lang for o in (*sections, *questions, *choices) for lang in o.translations})
    has_hint = any(q.help or any(t.get("hint") for t in q.translations.values()) for q in questions)
    has_message = any(q.constraint_message for q in questions)
    columns = ["type", "name", f"label::{DUTCH}", *(f"label::{lang}" for lang in langs)]
    if has_hint:
        columns += [f"hint::{DUTCH}", *(f"hint::{lang}" for lang in langs)]
    columns += ["required", "relevant", "constraint"]
    if has_message:
        columns += [
            f"constraint_message::{DUTCH}",
            *(f"constraint_message::{lang}" for lang in langs),
        ]
    columns += ["raak_type", "raak_maps_to", "raak_indicator"]

    def row(**values):
        return [values.get(c, "") for c in columns]

    def texts(base, main, obj):
        return {f"{base}::{DUTCH}": main,
                **{f"{base}::{lang}": obj.translations.get(lang, {}).get(base, "") for lang in langs}}  # fmt: skip

    survey = [columns]
    by_section = {}
    for q in questions:
        by_section.setdefault(q.section_id, []).append(q)
    for s in sections:
        if s.id not in by_section:
            continue  # pyxform refuses an empty group
        survey.append(row(type="begin_group", name=s.key, **texts("label", s.title, s)))
        for q in by_section[s.id]:
            show_if = expressions.to_text(expressions.parse(q.show_if)) if q.show_if else ""
            survey.append(row(
                type=_xlsform_type(q), name=q.key, **texts("label", q.label, q),
                **(texts("hint", q.help, q) if has_hint else {}),
                required="yes" if q.required and q.type != Question.NOTE else "",
                relevant=show_if, constraint=_constraint(q),
                **({f"constraint_message::{DUTCH}": q.constraint_message} if has_message else {}),
                raak_type=q.type if q.type in RAAK_TYPES else "", raak_maps_to=q.maps_to,
                raak_indicator=q.indicator.key if q.indicator else "",
            ))  # fmt: skip
        survey.append(row(type="end_group", name=s.key))
    has_score = any(c.score is not None for c in choices)
    c_columns = ["list_name", "name", f"label::{DUTCH}", *(f"label::{lang}" for lang in langs)]
    c_columns += ["score"] if has_score else []
    choice_rows = [c_columns]
    for c in choices:
        values = {"list_name": c.list_name, "name": c.key, **texts("label", c.label, c),
                  "score": "" if c.score is None else c.score}  # fmt: skip
        choice_rows.append([values.get(col, "") for col in c_columns])
    settings = [
        ["form_title", "form_id", "version", "default_language", "raak_description", "raak_fictional"],
        [questionnaire.name, questionnaire.slug, str(version.number), DUTCH,
         questionnaire.description, "yes" if questionnaire.fictional else "no"],
    ]  # fmt: skip
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in (("survey", survey), ("choices", choice_rows), ("settings", settings)):
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        for row in ws.iter_rows():
            for cell in row:
                # User text starting with = + - @ stays text, never a formula.
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@" and cell.value:
                    cell.data_type = "s"
                    cell.quotePrefix = True
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def write(version, out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{version.questionnaire.slug}-v{version.number}-xlsform.xlsx"
    path.write_bytes(workbook(version))
    return path
