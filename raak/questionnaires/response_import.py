"""Responses from a spreadsheet: one row per region, a column per question name — the
layout ODK and KoboToolbox exports use — with `region` holding the region's slug.

All or nothing: every cell is checked with the same rules as the form in the browser
(raak.questionnaires.answers.Form), every bad cell is named, and nothing is stored
unless the whole file is right. Imported responses are submitted responses, and the
change history says they came from an import (the actor names the file)."""

import csv
from pathlib import Path

from django.db import transaction

from raak.programmes import status
from raak.programmes.history import Recorder
from raak.programmes.models import Round
from raak.programmes.tables import FormatError, Problem, csv_rows, read_text
from raak.questionnaires import service, xlsform
from raak.questionnaires.answers import Form
from raak.questionnaires.models import Answer, Question, Response

# Columns ODK/Kobo add around the answers; they carry no answer and are left alone.
META = {"start", "end", "today", "deviceid", "username", "phonenumber", "subscriberid",
        "simserial", "audit", "state", "version", "fictieve gegevens", "instanceid",
        "instancename", "formhub/uuid", "__version__"}  # fmt: skip


def _rows(path, filename):
    """[(row number, {column: text})] from a CSV or XLSX file."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        sheets = xlsform.read_sheets(path, any_sheet=True)
        header, rows = next(iter(sheets.values()), ([], []))
        return header, rows
    if path.suffix.lower() != ".csv":
        raise FormatError([Problem(filename, "", "", "gebruik een .csv- of .xlsx-bestand")])
    try:
        text = read_text(path)
    except (UnicodeDecodeError, OSError):
        raise FormatError([Problem(filename, "", "", "bestand is geen UTF-8-tekst")]) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    header, records = csv_rows(text, filename, dialect)
    header = [h.strip() for h in header]
    rows = []
    for i, values in records:
        if any(v.strip() for v in values):
            rows.append((i, {h: v.strip() for h, v in zip(header, values, strict=False) if h}))
    return header, rows


def _question_key(column, keys):
    """'groep/vraag' (Kobo's group path) -> 'vraag'; None for metadata columns."""
    name = column.strip()
    if name in keys:
        return name
    last = name.rsplit("/", 1)[-1]
    if last in keys:
        return last
    if name.lower() in META or name.startswith("_") or name.lower().startswith("meta/"):
        return None
    return False


def _raw(question, text, options):
    """A cell as the browser would send it: choice keys, or labels as the RAAK export
    writes them; several choices separated by spaces (ODK) or commas (labels)."""
    by_label = {o.label.strip().lower(): o.key for o in options}
    keys = {o.key for o in options}
    if question.type == Question.MULTIPLE:
        if not text:
            return []
        parts = text.split()
        if all(p in keys for p in parts):
            return parts
        return [by_label.get(p.strip().lower(), p.strip()) for p in text.split(",") if p.strip()]
    if options and text not in keys:
        return by_label.get(text.lower(), text)
    return text


def read(path, questionnaire, rnd, filename=None):
    """Check the file; return [(region, cleaned values)] or raise FormatError."""
    filename = filename or Path(path).name
    version = questionnaire.versions.filter(published=True).order_by("-number").first()
    if version is None:
        raise FormatError(
            [Problem(filename, "", "", "de vragenlijst heeft geen gepubliceerde versie")]
        )
    if not rnd.is_open:
        raise FormatError([Problem(filename, "", "", f"ronde “{rnd.slug}” is niet open")])
    form = Form(version)
    keys = {q.key: q for q in form.questions if q.type != Question.NOTE}
    header, rows = _rows(path, filename)
    problems = []
    columns = {}
    for h in header:
        if h.lower() == "region":
            continue
        key = _question_key(h, keys)
        if key is False:
            problems.append(Problem(filename, "1", h, "geen vraag van deze vragenlijst"))
        elif key:
            if key in columns.values():
                problems.append(Problem(filename, "1", h, f"vraag “{key}” staat er al"))
            columns[h] = key
    if "region" not in [h.lower() for h in header]:
        problems.append(Problem(filename, "1", "region", "kolom ontbreekt"))
    if problems:
        raise FormatError(problems)
    regions = {r.slug: r for r in questionnaire.programme.regions.all()}
    existing = dict(
        Response.objects.filter(version__questionnaire=questionnaire, round=rnd).values_list(
            "region__slug", "state"
        )
    )
    out, seen = [], set()
    for row, r in rows:
        slug = next((v for h, v in r.items() if h.lower() == "region"), "")
        region = regions.get(slug)
        if region is None:
            problems.append(Problem(filename, str(row), "region", f"onbekende regio “{slug}”"))
            continue
        if slug in seen:
            problems.append(Problem(filename, str(row), "region", f"“{slug}” staat er al"))
            continue
        seen.add(slug)
        if existing.get(slug) == Response.SUBMITTED:
            problems.append(Problem(filename, str(row), "region",
                                    f"“{slug}” heeft al ingediend; heropen eerst"))  # fmt: skip
            continue
        if status.is_region_frozen(rnd, region):  # the region's report is in review
            problems.append(Problem(filename, str(row), "region",
                                    f"de rapportage van “{slug}” is ingediend of geaccepteerd; "
                                    "stuur die eerst terug"))  # fmt: skip
            continue
        raw, where = {}, {}
        for h, key in columns.items():
            q = keys[key]
            raw[key] = _raw(q, r.get(h, ""), form.options(q))
            where[key] = h
        values, errors = form.validate(raw, submit=True)
        for key, message in errors.items():
            problems.append(Problem(filename, str(row), where.get(key, key), message))
        out.append((region, values))
    if not out and not problems:
        problems.append(Problem(filename, "", "", "geen rijen met antwoorden"))
    if problems:
        raise FormatError(problems)
    return version, form, out


def load(path, questionnaire, rnd, *, user=None, actor="", filename=None):
    """Store the file's responses as submitted; returns the number of regions."""
    filename = filename or Path(path).name
    version, form, rows = read(path, questionnaire, rnd, filename)
    actor = actor or f"import: {filename}"
    subject = f"vragenlijst {questionnaire.slug} (import {filename})"
    with transaction.atomic():
        if not Round.objects.select_for_update().get(pk=rnd.pk).is_open:
            raise FormatError([Problem(filename, "", "", f"ronde “{rnd.slug}” is niet open")])
        region_ids = [region.id for region, _v in rows]
        current = {
            r.region_id: r
            for r in Response.objects.select_for_update()
            .filter(version__questionnaire=questionnaire, round=rnd, region_id__in=region_ids)
            .prefetch_related("answers__question")
        }
        if any(r.state == Response.SUBMITTED for r in current.values()) or any(
            status.is_region_frozen(rnd, region) for region, _v in rows
        ):
            raise FormatError([Problem(filename, "", "", "intussen heeft een regio ingediend; "
                                       "niets opgeslagen, probeer opnieuw")])  # fmt: skip
        recorder = Recorder(user, actor=actor, programme=questionnaire.programme)
        old = {}
        for response in current.values():
            old[response.region_id] = {a.question.key: a.value for a in response.answers.all()}
            response.answers.all().delete()
        # A region's draft becomes its submitted response (a newer lock, so a form still
        # open on it cannot overwrite the import).
        stale = [r for r in current.values() if r.version_id != version.id]
        Response.objects.filter(id__in=[r.id for r in stale]).delete()  # answers of an old version
        current = {k: r for k, r in current.items() if r.version_id == version.id}
        for response in current.values():
            response.state, response.lock, response.updated_by = (
                Response.SUBMITTED,
                response.lock + 1,
                user,
            )
            response.save()
        new = Response.objects.bulk_create(
            Response(version=version, round=rnd, region=region, state=Response.SUBMITTED,
                     updated_by=user)
            for region, _v in rows if region.id not in current
        )  # fmt: skip
        by_region = {**{r.region_id: r for r in new}, **current}
        responses = [by_region[region.id] for region, _v in rows]
        answers = []
        for response, (region, values) in zip(responses, rows, strict=True):
            before = old.get(region.id, {})
            for q in form.questions:
                new, was = values.get(q.key), before.get(q.key)
                if new is not None:
                    answers.append(Answer(response=response, question=q, value=new))
                if new != was and not (new is None and was is None):
                    recorder.record(subject=subject, field=q.key, old="" if was is None else was,
                                    new="" if new is None else new, round=rnd, region=region)  # fmt: skip
            recorder.record(subject=subject, field="status", new="ingediend (import)", round=rnd,
                            region=region)  # fmt: skip
        Answer.objects.bulk_create(answers, batch_size=2000)
        recorder.flush()
        if any(q.indicator_id for q in form.questions):
            for response, (_region, values) in zip(responses, rows, strict=True):
                service._feed_indicators(response, form, values, user)
    return len(rows)


def load_file(path, programme_slug, questionnaire_slug, round_slug):
    """`raak import responses`: find the questionnaire and round, then load()."""
    from raak.programmes.models import Programme

    name = Path(path).name
    programmes = Programme.objects.all()
    programme = (programmes.filter(slug=programme_slug).first() if programme_slug
                 else (programmes.first() if programmes.count() == 1 else None))  # fmt: skip
    if programme is None:
        raise FormatError(
            [Problem(name, "", "programme", "geef een bestaand programma op (--programme)")]
        )
    questionnaire = programme.questionnaires.filter(slug=questionnaire_slug or "").first()
    if questionnaire is None:
        found = ", ".join(programme.questionnaires.values_list("slug", flat=True)) or "geen"
        raise FormatError(
            [Problem(name, "", "questionnaire", f"geef --questionnaire (aanwezig: {found})")]
        )
    rnd = programme.rounds.filter(slug=round_slug or "").first()
    if rnd is None:
        found = ", ".join(programme.rounds.values_list("slug", flat=True)) or "geen"
        raise FormatError([Problem(name, "", "round", f"geef --round (aanwezig: {found})")])
    if not Path(path).is_file():
        raise FormatError([Problem(name, "", "", "bestand bestaat niet")])
    return load(path, questionnaire, rnd)
