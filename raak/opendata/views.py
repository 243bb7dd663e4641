"""The public open-data pages and files of a programme.

Every file has a stable URL under /<programme>/open-data/<round>/: it is there while
the round is published, answers 410 Gone with the reason once the publication is
withdrawn, and 404 for a round that was never published (for everyone: open data is
only what is public). Pages and files are served from the public cache, keyed by the
programme's data version like every public page.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from raak.accounts.access import programme_for
from raak.look import theme as themes
from raak.opendata import catalog as dcat
from raak.opendata import files
from raak.opendata.tables import CODE_LISTS, DATA_TABLES, available, round_tables, title
from raak.programmes.caching import public_page
from raak.programmes.models import Round

# `<table>.csv-metadata.json` too: where a CSVW processor looks by default ({+url}-metadata.json).
EXTENSIONS = (".csv-metadata.json", "-metadata.json", ".csv", ".xlsx")


def _published_round(request, programme, round_slug):
    """The round if it is published; a withdrawn one is Gone (with the reason)."""
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    if rnd.state == Round.WITHDRAWN:
        return rnd, render(
            request, "opendata/gone.html", {"programme": programme, "round": rnd}, status=410
        )
    if not rnd.is_published:
        raise Http404
    return rnd, None


def _licence():
    return {"url": settings.OPEN_DATA_LICENSE, "name": settings.OPEN_DATA_LICENSE_NAME}


@require_safe
@public_page
def index(request, slug):
    programme, access = programme_for(request, slug)
    rounds = list(programme.rounds.visible_to_public().order_by("-peildatum"))
    withdrawn = list(programme.rounds.filter(state=Round.WITHDRAWN).order_by("-peildatum"))
    entries = [{"round": r, "tables": [(key, title(key)) for key in available(r)]} for r in rounds]
    return render(request, "opendata/index.html", {
        "programme": programme, "access": access, "entries": entries, "withdrawn": withdrawn,
        "licence": _licence(), "code_lists": [(key, title(key)) for key in CODE_LISTS],
    })  # fmt: skip


@require_safe
@public_page
def round_page(request, slug, round_slug):
    programme, access = programme_for(request, slug)
    rnd, gone = _published_round(request, programme, round_slug)
    if gone:
        return gone
    found = round_tables(rnd)
    return render(request, "opendata/round.html", {
        "programme": programme, "access": access, "round": rnd, "tables": found.data_tables(),
        "code_lists": [found.tables[k] for k in CODE_LISTS if k in found.tables],
        "licence": _licence(),
    })  # fmt: skip


def _split(filename):
    for ext in EXTENSIONS:
        if filename.endswith(ext):
            return filename[: -len(ext)], ext.removeprefix(".csv").lstrip(".-") or "csv"
    raise Http404


@require_safe
@public_page
def data_file(request, slug, round_slug, filename):
    programme, _access = programme_for(request, slug)
    key, ext = _split(filename)
    if key not in (*DATA_TABLES, *CODE_LISTS):
        raise Http404
    rnd, gone = _published_round(request, programme, round_slug)
    if gone:
        return gone
    found = round_tables(rnd, only=[key])
    if key not in found.tables:
        raise Http404
    table = found.tables[key]
    if ext == "metadata.json":
        metadata = files.csvw_metadata(
            table, found.tables, rnd, licence=settings.OPEN_DATA_LICENSE,
            publisher=themes.publisher().name,
        )  # fmt: skip
        body, content_type = files.metadata_bytes(metadata), files.CSVW_TYPE
    elif ext == "csv":
        body, content_type = files.as_csv(table), files.CSV_TYPE
    else:
        body, content_type = files.as_xlsx(table), files.XLSX_TYPE
    return HttpResponse(body, content_type=content_type)


@require_safe
@public_page
def catalog_file(request, slug, ext):
    programme, _access = programme_for(request, slug)
    graph = dcat.catalog(programme)
    if ext == "ttl":
        return HttpResponse(dcat.as_turtle(graph), content_type="text/turtle; charset=utf-8")
    return HttpResponse(dcat.as_jsonld(graph), content_type="application/ld+json")
