"""What a publication makes public, in the API: a published round's open-data tables
(the same tables as the CSV/XLSX files, raak.opendata) and the published reports with
their files. Absolute URLs from SITE_URL, never from the Host header. Only published rounds: a withdrawn one is 410 Gone with its reason, one
that was never published is 404 for every caller, the national office included."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router

from raak.accounts.access import programme_for
from raak.api import schemas as s
from raak.api.api import ProblemError
from raak.api.paging import paginate
from raak.api.read import PAGE, PAGE_SIZE, PROGRAMME, ROUND
from raak.opendata.catalog import absolute, file_url
from raak.opendata.tables import CODE_LISTS, DATA_TABLES, round_tables
from raak.programmes.models import Round
from raak.reports.models import Report

router = Router()
TABLE = Path(..., pattern=r"^[-a-z]+$", description="table key", example="mijlpalen-per-regio")


def _published(programme, slug):
    rnd = get_object_or_404(Round, programme=programme, slug=slug)
    if rnd.state == Round.WITHDRAWN:
        raise ProblemError(
            410, _("De publicatie van deze ronde is ingetrokken: %(r)s") % {"r": rnd.withdrawn_reason},
            slug="ingetrokken", reason=rnd.withdrawn_reason,
        )  # fmt: skip
    if not rnd.is_published:
        raise ProblemError(404, _("Deze ronde is niet gepubliceerd."))
    return rnd


def _table_url(request, programme, rnd, key):
    return absolute(f"/api/v1/programmes/{programme.slug}/rounds/{rnd.slug}/open-data/{key}")


@router.get("/programmes/{programme}/rounds/{round}/open-data", response=s.OpenDataSetPage,
            operation_id="listOpenData", tags=["open data"],
            summary="A published round's open-data tables, with their files",
            description="The tables of the open-data page: per table its files (CSV, XLSX, "
            "CSVW metadata) and its rows in this API. 410 when the publication was "
            "withdrawn (`reason`).")  # fmt: skip
def list_open_data(request, programme: str = PROGRAMME, round: str = ROUND,
                   page: int = PAGE, pageSize: int = PAGE_SIZE):  # fmt: skip
    programme, _access = programme_for(request, programme)
    rnd = _published(programme, round)
    found = round_tables(rnd).tables
    tables = [found[k] for k in (*DATA_TABLES, *CODE_LISTS) if k in found]

    def build(t):
        return {
            "key": t.key, "title": t.title_nl, "titleEn": t.title_en,
            "description": t.description_nl, "descriptionEn": t.description_en,
            "codeList": t.code_list, "license": settings.OPEN_DATA_LICENSE,
            "files": {ext.split(".")[0].replace("metadata", "csvw"):
                      file_url(programme, rnd, t.key, ext)
                      for ext in ("csv", "xlsx", "metadata.json")},
            "table": _table_url(request, programme, rnd, t.key),
        }  # fmt: skip

    return paginate(request, tables, page, pageSize, build)


@router.get("/programmes/{programme}/rounds/{round}/open-data/{table}",
            response=s.OpenDataTable, operation_id="getOpenDataTable", tags=["open data"],
            summary="The rows of one open-data table of a published round",
            description="The same rows as the table's CSV file, one object per row keyed by "
            "column name, with the column descriptions of its CSVW metadata.")  # fmt: skip
def get_open_data_table(request, programme: str = PROGRAMME, round: str = ROUND,
                        table: str = TABLE, page: int = PAGE, pageSize: int = PAGE_SIZE):  # fmt: skip
    programme, _access = programme_for(request, programme)
    if table not in (*DATA_TABLES, *CODE_LISTS):
        raise ProblemError(404, _("Deze tabel bestaat niet."))
    rnd = _published(programme, round)
    found = round_tables(rnd, only=[table]).tables
    if table not in found:
        raise ProblemError(404, _("Deze ronde heeft deze tabel niet."))
    t = found[table]
    names = [c.name for c in t.columns]
    result = paginate(
        request, t.rows, page, pageSize, lambda row: dict(zip(names, row, strict=True))
    )
    return {
        "key": t.key, "title": t.title_nl, "titleEn": t.title_en, "round": rnd.slug,
        "license": settings.OPEN_DATA_LICENSE,
        "columns": [{"name": c.name, "title": c.title_nl, "titleEn": c.title_en,
                     "datatype": c.datatype} for c in t.columns],
        **result,
    }  # fmt: skip


@router.get("/programmes/{programme}/reports", response=s.PublishedReportPage,
            operation_id="listPublishedReports", tags=["reports"],
            summary="Published reports with their files",
            description="Every report whose round is published, newest first. A file URL "
            "makes the file on first request and serves the kept one after that.")  # fmt: skip
def list_published_reports(request, programme: str = PROGRAMME, page: int = PAGE,
                           pageSize: int = PAGE_SIZE):  # fmt: skip
    programme, _access = programme_for(request, programme)
    reports = Report.objects.for_list(programme, national=False).order_by("-round__peildatum")

    def build(r):
        link = absolute
        return {
            "round": r.round.slug, "roundName": r.round.name, "peildatum": r.round.peildatum,
            "title": r.title, "publishedAt": r.published_at,
            "page": link(reverse("report", args=[programme.slug, r.round.slug])),
            "files": [{"format": fmt, "url": link(reverse("report-file", args=[
                programme.slug, r.round.slug, fmt]))} for fmt in ("pdf", "html")],
            "openData": link(f"/api/v1/programmes/{programme.slug}/rounds/{r.round.slug}/open-data"),
        }  # fmt: skip

    return paginate(request, reports, page, pageSize, build)
