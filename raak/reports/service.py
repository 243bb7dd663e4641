"""Making report files: which chapters and texts, the fingerprint that lets an
unchanged report reuse its file, and the background task behind the button."""

import hashlib
import json

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify

from raak.knowledge.models import ActionPoint, Activity
from raak.look import theme as themes
from raak.programmes.caching import CODE_VERSION, TIMEOUT
from raak.programmes.models import IndicatorValue, MilestoneStatus, Region
from raak.protocols.models import Finding
from raak.questionnaires.models import Coding, Response
from raak.reports import build, office, render
from raak.reports import region as region_report
from raak.reports.models import Report, ReportFile, ReportTemplate
from raak.reports.templates import standard_chapters
from raak.training.models import Reach

# Every format a report file can have, with its media type.
FORMATS = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# Bump when the layout changes, so stored files are made again.
# 2: the programme's words, tables in scroll boxes; 3: legend figures with alt text,
# /Scope on header cells; 4: a large programme's report (annex per province, totals);
# 5: the reporting-rates tables in scroll boxes too.
LAYOUT_VERSION = "5"


def chapters_and_texts(rnd):
    """The report's own chapters and texts if the round has a report, else the
    programme's template (or, without one, the standard template) with no texts yet."""
    report = Report.objects.filter(round=rnd).first()
    if report is not None:
        texts = dict(report.texts.values_list("key", "text"))
        return report, report.chapters, texts
    template = ReportTemplate.objects.filter(programme=rnd.programme).first()
    if template is None:
        return None, list(standard_chapters()), {}
    return None, template.chapters, {}


def _rows(qs, *fields):
    return [list(map(str, r)) for r in qs.order_by("pk").values_list(*fields)]


def fingerprint(rnd, fmt, region=None, unpublished=False):
    """A hash of everything a report of `rnd` shows."""
    report, chapters, texts = chapters_and_texts(rnd)
    programme = rnd.programme
    agg = (Count("id"), Max("id"))
    parts = {
        "layout": LAYOUT_VERSION,
        "format": fmt,
        "round": [rnd.id, rnd.state, str(rnd.peildatum), rnd.name],
        "report": [report.state, report.title] if report else None,
        "chapters": chapters,
        "texts": texts,
        "regions": _rows(Region.objects.filter(programme=programme), "id", "name", "valid_to"),
        "rounds": _rows(programme.rounds.all(), "id", "state", "peildatum"),
        "statuses": _rows(
            MilestoneStatus.objects.filter(round__programme=programme),
            "id",
            "version",
            "status",
            "expected_text",
            "note",
        ),  # fmt: skip
        "values": _rows(
            IndicatorValue.objects.filter(round__programme=programme),
            "id",
            "version",
            "category_id",
            "date",
            "note",
        ),  # fmt: skip
        "lists": [
            list(
                Activity.objects.filter(programme=programme)
                .aggregate(*agg, Max("version"))
                .values()
            ),
            list(
                ActionPoint.objects.filter(programme=programme)
                .aggregate(*agg, Max("version"))
                .values()
            ),
            list(Reach.objects.filter(programme=programme).aggregate(*agg).values()),
            list(Finding.objects.filter(programme=programme).aggregate(*agg).values()),
            list(
                Response.objects.filter(round__programme=programme)
                .aggregate(*agg, Max("lock"))
                .values()
            ),
            list(
                Coding.objects.filter(theme__questionnaire__programme=programme)
                .aggregate(*agg)
                .values()
            ),
        ],  # fmt: skip
        "region": [region.id, unpublished] if region else None,
        # The cover shows the organisation's name and logo, the colours are its tokens.
        "theme": themes.current().version,
    }
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def current_fingerprint(programme, rnd, fmt, region=None, unpublished=False):
    """`fingerprint()`, remembered for the programme's data version. It reads every
    status and value of the programme; the report's "PDF" link, the file's page and its
    download ask for it on every request. Everything it hashes is written through
    history.Recorder, which raises the version."""
    key = ":".join(
        ["report-fingerprint", CODE_VERSION, str(programme.id), str(programme.data_version),
         str(themes.current().version), str(rnd.id), fmt, str(region.id if region else ""),
         str(bool(unpublished))]
    )  # fmt: skip
    found = cache.get(key)
    if found is None:
        found = fingerprint(rnd, fmt, region, unpublished)
        cache.set(key, found, TIMEOUT)
    return found


def file_name(rnd, fmt, region=None):
    base = f"rapport-{rnd.programme.slug}-{rnd.slug}"
    if region is not None:
        base += f"-{slugify(region.slug)}"
    return f"{base}.{fmt}"


def make(rnd, fmt, region=None, progress=None, unpublished=False):
    """The file's bytes and name. A regional report shows unpublished rounds only
    when `unpublished` (for the region and the national office)."""
    step = progress or (lambda pct, text: None)
    if region is not None:
        data = region_report.build(region, rnd, unpublished=unpublished)
        step(40, "opmaak")
    else:
        report, chapters, texts = chapters_and_texts(rnd)
        data = build.build(rnd, chapters, texts, title=report.title if report else "",
                           progress=step)  # fmt: skip
        data.state = report.state if report else Report.DRAFT
        step(40, "opmaak")
    if fmt == "html":
        content = render.html_document(data, region_report=region is not None).encode()
    elif fmt in office.FORMATS:
        content = office.office_document(data, fmt, region_report=region is not None)
    else:
        content = render.pdf_document(data, region_report=region is not None)
    step(100, "klaar")
    return content, file_name(rnd, fmt, region)


def request_file(rnd, fmt, user=None, region=None, unpublished=False):
    """The stored file for the current data, or a new one queued for the worker."""
    key = fingerprint(rnd, fmt, region, unpublished)
    with transaction.atomic():
        rf, created = ReportFile.objects.get_or_create(
            fingerprint=key,
            format=fmt,
            defaults={"programme": rnd.programme, "round": rnd, "region": region,
                      "unpublished": unpublished, "requested_by": user},
        )  # fmt: skip
    if created or rf.state == ReportFile.FAILED:
        if rf.state == ReportFile.FAILED:
            ReportFile.objects.filter(pk=rf.pk).update(state=ReportFile.PENDING, error="")
        transaction.on_commit(lambda: generate.enqueue(rf.pk))
    return rf


def _set(pk, **fields):
    ReportFile.objects.filter(pk=pk).update(**fields)


@task()
def generate(file_id):
    rf = ReportFile.objects.select_related("round__programme", "region").get(pk=file_id)
    if rf.state == ReportFile.DONE:
        return
    _set(rf.pk, state=ReportFile.RUNNING, progress=1, step="start")
    try:
        content, name = make(
            rf.round, rf.format, region=rf.region, unpublished=rf.unpublished,
            progress=lambda pct, text: _set(rf.pk, progress=pct, step=text),
        )  # fmt: skip
    except Exception as e:  # the page shows it; the worker log has the traceback
        _set(rf.pk, state=ReportFile.FAILED, error=str(e)[:2000])
        raise
    rf.refresh_from_db()
    rf.file.save(name, ContentFile(content), save=False)
    rf.size = len(content)
    rf.state, rf.progress, rf.step = ReportFile.DONE, 100, "klaar"
    rf.finished_at = timezone.now()
    rf.save()
