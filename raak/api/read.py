"""Reading: what the public pages show, and for a token's user what their roles let
them see on the pages (same helpers: raak.accounts.access). Every list is a page with
links and is built with a fixed number of queries, whatever the number of regions."""

from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router

from raak.accounts.access import programme_for, round_for_reading
from raak.api import schemas as s
from raak.api.paging import MAX_PAGE_SIZE, paginate
from raak.knowledge.models import ActionPoint, Activity
from raak.knowledge.search import search
from raak.knowledge.views import catalogue_filter
from raak.lib.geo import province_name
from raak.programmes import wording
from raak.programmes.models import (
    Indicator,
    IndicatorValue,
    MilestoneStatus,
    Programme,
    Region,
    Round,
)
from raak.programmes.summary import summarise

router = Router()

# Slugs and keys: nothing else can name a row, and a NUL byte must never reach PostgreSQL.
SLUG = r"^[-a-zA-Z0-9_]+$"
FILTER = r"^[-a-zA-Z0-9_]*$"
PROVINCE = r"^(PV\d\d)?$"

# Examples from the demo programme: the documentation shows them and the fuzzer in CI
# starts from them, so it reaches real data instead of only 404s.
PROGRAMME = Path(..., pattern=SLUG, description="programme slug", example="raak-2008-2010")
ROUND = Path(..., pattern=SLUG, description="round slug", example="eindrapportage-2011")
# Changes need an open round; the demo has none until the national office opens one.
OPEN_ROUND = Path(..., pattern=SLUG, description="round slug", example="voorjaar-2011")
REGION = Path(..., pattern=SLUG, description="region slug", example="gouda")
MILESTONE = Path(..., pattern=SLUG, description="milestone key", example="handelingsprotocol")
INDICATOR = Path(..., pattern=SLUG, description="indicator key", example="stuurgroep-na-2010")
ACTIVITY = Path(..., pattern=SLUG, description="activity key", example="b3-001")
PAGE = Query(1, ge=1, description="page number, from 1")
PAGE_SIZE = Query(
    25, ge=1, le=MAX_PAGE_SIZE, description=f"items per page, at most {MAX_PAGE_SIZE}"
)


def programme_dict(p):
    return {"slug": p.slug, "name": p.name, "periodStart": p.period_start,
            "periodEnd": p.period_end, "description": p.description, "source": p.source}  # fmt: skip


def region_dict(r):
    return {
        "slug": r.slug, "name": r.name, "centrumgemeenteCode": r.centrumgemeente_code,
        "centrumgemeenteName": r.centrumgemeente_name, "provinceCode": r.province_code,
        "provinceName": province_name(r.province_code) if r.province_code else "",
        "validFrom": r.valid_from, "validTo": r.valid_to,
        "municipalities": [{"code": m.code, "name": m.name} for m in r.municipalities.all()],
        "predecessors": [p.slug for p in r.predecessors.all()],
        "successors": [p.slug for p in r.successors.all()],
        "notes": [{"dateText": n.date_text, "text": n.text, "source": n.source}
                  for n in r.notes.all()],
    }  # fmt: skip


def round_dict(r):
    return {"slug": r.slug, "name": r.name, "peildatum": r.peildatum, "state": r.state}


def status_dict(st, *, rnd=None, region=None, milestone=None):
    """A stored status, or (st None) the unknown one every region has until it says."""
    # The programme's own words (remembered on the round's programme for the request).
    labels = wording.status_labels((rnd or st.round).programme)
    key = st.status if st else MilestoneStatus.UNKNOWN
    return {
        "round": (rnd or st.round).slug,
        "region": (region or st.region).slug,
        "milestone": (milestone or st.milestone).key,
        "status": key,
        "statusLabel": labels[key],
        "expectedPeriod": st.expected_text if st else "",
        "expectedEarliest": st.expected_earliest if st else None,
        "expectedLatest": st.expected_latest if st else None,
        "note": st.note if st else "",
        "version": st.version if st else 0,
    }


def value_dict(v, *, rnd=None, region=None, indicator=None):
    return {
        "round": (rnd or v.round).slug,
        "region": (region or v.region).slug,
        "indicator": (indicator or v.indicator).key,
        "category": v.category.key if v else "unknown",
        "categoryLabel": v.category.label if v else "",
        "date": v.date if v else None,
        "note": v.note if v else "",
        "version": v.version if v else 0,
    }


def visible_rounds(access):
    """Rounds whose existence the caller may know: published ones, and all for the
    national office and the regions' members (who see their own region's data in
    them, as on the region page)."""
    rounds = access.programme.rounds.all()
    return rounds if access.is_national or access.is_member else rounds.visible_to_public()


def round_for_region(request, programme, access, round_slug, region):
    """A round in which the caller may read `region`'s data: published, or the
    region's members and the national office (404 otherwise, as the pages do)."""
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    if not rnd.is_published and not access.can_read_unpublished(region):
        raise Http404
    return rnd


@router.get("/programmes", response=s.ProgrammePage, operation_id="listProgrammes",
            summary="Programmes", tags=["programmes"])  # fmt: skip
def list_programmes(request, page: int = PAGE, pageSize: int = PAGE_SIZE):
    return paginate(request, Programme.objects.order_by("-period_start", "slug"), page,
                    pageSize, programme_dict)  # fmt: skip


@router.get("/programmes/{programme}", response=s.ProgrammeOut, operation_id="getProgramme",
            summary="One programme", tags=["programmes"])  # fmt: skip
def get_programme(request, programme: str = PROGRAMME):
    return programme_dict(programme_for(request, programme)[0])


@router.get("/programmes/{programme}/regions", response=s.RegionPage, operation_id="listRegions",
            summary="Regions with CBS codes, member municipalities and history",
            tags=["regions"])  # fmt: skip
def list_regions(
    request, programme: str = PROGRAMME, page: int = PAGE, pageSize: int = PAGE_SIZE,
    province: str = Query("", pattern=PROVINCE, description="CBS provinciecode, e.g. PV27"),
    activeOn: s.IsoDate | None = Query(None, description="only regions that exist on this day"),
):  # fmt: skip
    programme, _access = programme_for(request, programme)
    qs = Region.objects.filter(programme=programme).for_api_regions()
    if province:
        qs = qs.filter(province_code=province)
    if activeOn:
        qs = qs.active_on(activeOn)
    return paginate(request, qs, page, pageSize, region_dict)


@router.get("/programmes/{programme}/regions/{region}", response=s.RegionOut,
            operation_id="getRegion", summary="One region", tags=["regions"])  # fmt: skip
def get_region(request, programme: str = PROGRAMME, region: str = REGION):
    programme, _access = programme_for(request, programme)
    return region_dict(
        get_object_or_404(Region.objects.for_api_regions(), programme=programme, slug=region)
    )


@router.get("/programmes/{programme}/milestones", response=s.MilestonePage,
            operation_id="listMilestones", summary="Milestones", tags=["milestones"])  # fmt: skip
def list_milestones(
    request, programme: str = PROGRAMME, page: int = PAGE, pageSize: int = PAGE_SIZE
):
    programme, _access = programme_for(request, programme)
    return paginate(request, programme.milestones.all(), page, pageSize,
                    lambda m: {"key": m.key, "name": m.name, "description": m.description,
                               "position": m.position})  # fmt: skip


@router.get("/programmes/{programme}/indicators", response=s.IndicatorPage,
            operation_id="listIndicators", summary="Indicators with their answer categories",
            tags=["milestones"])  # fmt: skip
def list_indicators(
    request, programme: str = PROGRAMME, page: int = PAGE, pageSize: int = PAGE_SIZE
):
    programme, _access = programme_for(request, programme)
    return paginate(
        request, Indicator.objects.filter(programme=programme).for_api_indicators(), page,
        pageSize,
        lambda i: {"key": i.key, "name": i.name, "description": i.description,
                   "position": i.position,
                   "categories": [{"key": c.key, "label": c.label, "dateAllowed": c.takes_date}
                                  for c in i.categories.all()]},
    )  # fmt: skip


@router.get("/programmes/{programme}/rounds", response=s.RoundPage, operation_id="listRounds",
            summary="Reporting rounds (published ones; members also see the others)",
            tags=["rounds"])  # fmt: skip
def list_rounds(request, programme: str = PROGRAMME, page: int = PAGE, pageSize: int = PAGE_SIZE):
    programme, access = programme_for(request, programme)
    return paginate(request, visible_rounds(access).order_by("peildatum", "slug"), page,
                    pageSize, round_dict)  # fmt: skip


@router.get("/programmes/{programme}/rounds/{round}", response=s.RoundOut,
            operation_id="getRound", summary="One round", tags=["rounds"])  # fmt: skip
def get_round(request, programme: str = PROGRAMME, round: str = ROUND):
    programme, access = programme_for(request, programme)
    return round_dict(get_object_or_404(visible_rounds(access), slug=round))


@router.get("/programmes/{programme}/rounds/{round}/summary", response=s.SummaryOut,
            operation_id="getRoundSummary", tags=["rounds"],
            summary="Counts and percentages per milestone and indicator (as `raak summary`)",
            description="The denominator is the number of regions active at the peildatum; "
            "a region without a recorded answer counts as unknown.")  # fmt: skip
def round_summary(request, programme: str = PROGRAMME, round: str = ROUND):
    programme, _access = programme_for(request, programme)
    data = summarise(round_for_reading(request, programme, round)).as_dict()
    return {**data, "peildatum": data["peildatum"]}


@router.get("/programmes/{programme}/rounds/{round}/statuses", response=s.StatusPage,
            operation_id="listRoundStatuses", tags=["rounds"],
            summary="Every region's milestone statuses in a round")  # fmt: skip
def list_round_statuses(
    request, programme: str = PROGRAMME, round: str = ROUND, page: int = PAGE, pageSize: int = PAGE_SIZE,
    region: str = Query("", max_length=100, pattern=FILTER, description="region slug"),
    milestone: str = Query("", max_length=100, pattern=FILTER, description="milestone key"),
    status: s.StatusKey | None = Query(None, description="only this status"),
):  # fmt: skip
    programme, _access = programme_for(request, programme)
    rnd = round_for_reading(request, programme, round)
    qs = MilestoneStatus.objects.for_api_statuses(rnd)
    if region:
        qs = qs.filter(region__slug=region)
    if milestone:
        qs = qs.filter(milestone__key=milestone)
    if status:
        qs = qs.filter(status=status)
    return paginate(request, qs, page, pageSize, lambda st: status_dict(st, rnd=rnd))


@router.get("/programmes/{programme}/rounds/{round}/indicator-values",
            response=s.IndicatorValuePage, operation_id="listRoundIndicatorValues",
            tags=["rounds"], summary="Every region's indicator answers in a round")  # fmt: skip
def list_round_values(
    request, programme: str = PROGRAMME, round: str = ROUND, page: int = PAGE, pageSize: int = PAGE_SIZE,
    region: str = Query("", max_length=100, pattern=FILTER, description="region slug"),
    indicator: str = Query("", max_length=100, pattern=FILTER, description="indicator key"),
    category: str = Query("", max_length=100, pattern=FILTER, description="answer category key"),
):  # fmt: skip
    programme, _access = programme_for(request, programme)
    rnd = round_for_reading(request, programme, round)
    qs = IndicatorValue.objects.for_api_values(rnd)
    if region:
        qs = qs.filter(region__slug=region)
    if indicator:
        qs = qs.filter(indicator__key=indicator)
    if category:
        qs = qs.filter(category__key=category)
    return paginate(request, qs, page, pageSize, lambda v: value_dict(v, rnd=rnd))


@router.get("/programmes/{programme}/rounds/{round}/regions/{region}/statuses",
            response=s.StatusPage, operation_id="listRegionStatuses", tags=["regions"],
            summary="One region's milestone statuses in a round; the region's members "
            "and the national office also in rounds not yet published")  # fmt: skip
def list_region_statuses(request, programme: str = PROGRAMME, round: str = ROUND, region: str = REGION,
                         page: int = PAGE, pageSize: int = PAGE_SIZE):  # fmt: skip
    programme, access = programme_for(request, programme)
    region = get_object_or_404(Region, programme=programme, slug=region)
    rnd = round_for_region(request, programme, access, round, region)
    stored = {
        st.milestone_id: st for st in MilestoneStatus.objects.filter(round=rnd, region=region)
    }
    rows = [(m, stored.get(m.id)) for m in programme.milestones.all()]
    return paginate(request, rows, page, pageSize,
                    lambda row: status_dict(row[1], rnd=rnd, region=region, milestone=row[0]))  # fmt: skip


@router.get("/programmes/{programme}/rounds/{round}/regions/{region}/indicator-values",
            response=s.IndicatorValuePage, operation_id="listRegionIndicatorValues",
            tags=["regions"], summary="One region's indicator answers in a round")  # fmt: skip
def list_region_values(request, programme: str = PROGRAMME, round: str = ROUND, region: str = REGION,
                       page: int = PAGE, pageSize: int = PAGE_SIZE):  # fmt: skip
    programme, access = programme_for(request, programme)
    region = get_object_or_404(Region, programme=programme, slug=region)
    rnd = round_for_region(request, programme, access, round, region)
    stored = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(round=rnd, region=region).select_related("category")
    }
    rows = [(i, stored.get(i.id)) for i in programme.indicators.all()]
    return paginate(request, rows, page, pageSize,
                    lambda row: value_dict(row[1], rnd=rnd, region=region, indicator=row[0]))  # fmt: skip


@router.get("/programmes/{programme}/forecast", response=s.ForecastPage,
            operation_id="listForecast", tags=["rounds"],
            summary="Statuses still expected or partial, by expected period, overdue first")  # fmt: skip
def forecast(
    request, programme: str = PROGRAMME, page: int = PAGE, pageSize: int = PAGE_SIZE,
    round: str = Query("", max_length=100, pattern=FILTER, description="round slug (default: the latest visible)"),
    region: str = Query("", max_length=100, pattern=FILTER, description="region slug"),
    milestone: str = Query("", max_length=100, pattern=FILTER, description="milestone key"),
):  # fmt: skip
    programme, access = programme_for(request, programme)
    rounds = programme.rounds.all() if access.is_national else programme.rounds.visible_to_public()
    rnd = (rounds.filter(slug=round) if round else rounds.order_by("-peildatum")).first()
    if rnd is None:
        raise Http404
    # As the forecast page: overdue on the peildatum for a frozen round, today for an open one.
    today = timezone.localdate() if rnd.is_open else rnd.peildatum
    qs = MilestoneStatus.objects.for_forecast(rnd)
    if region:
        qs = qs.filter(region__slug=region)
    if milestone:
        qs = qs.filter(milestone__key=milestone)
    rows = sorted(
        qs, key=lambda st: (not st.is_overdue(today), st.expected_earliest, st.region.name)
    )
    return paginate(request, rows, page, pageSize, lambda st: {
        "region": st.region.slug, "milestone": st.milestone.key, "status": st.status,
        "expectedPeriod": st.expected_text, "expectedEarliest": st.expected_earliest,
        "expectedLatest": st.expected_latest, "overdue": st.is_overdue(today), "note": st.note,
    })  # fmt: skip


def activity_dict(a):
    theme = a.theme
    return {
        "key": a.key, "title": a.title, "description": a.description,
        "theme": {"key": theme.key, "name": theme.name,
                  "parent": theme.parent.key if theme.parent else None},
        "regions": [r.slug for r in a.regions.all()], "provinceCodes": a.province_codes,
        "regionLabel": a.region_label, "targetSectors": a.target_sectors,
        "partners": a.partners, "links": a.links, "status": a.status, "note": a.note,
        "source": a.source,
    }  # fmt: skip


@router.get("/programmes/{programme}/activities", response=s.ActivityPage,
            operation_id="listActivities", tags=["knowledge"],
            summary="Recommended activities: full-text search and filters")  # fmt: skip
def list_activities(
    request, programme: str = PROGRAMME, page: int = PAGE, pageSize: int = PAGE_SIZE,
    q: str = Query("", max_length=200, description="words in title or description "
                   "(Dutch stemming on PostgreSQL, with or without diacritics)"),
    theme: str = Query("", max_length=100, pattern=FILTER, description="theme or rubric key"),
    region: str = Query("", max_length=100, pattern=FILTER, description="region slug"),
    province: str = Query("", pattern=PROVINCE, description="CBS provinciecode, e.g. PV27"),
):  # fmt: skip
    programme, _access = programme_for(request, programme)
    # The catalogue page's own filter and search, so page and API list the same activities.
    filtered = catalogue_filter(programme, theme=theme, region=region, province=province)
    qs = search(filtered.activities, q.strip())
    return paginate(request, qs.for_catalogue(), page, pageSize, activity_dict)


@router.get("/programmes/{programme}/activities/{activity}", response=s.ActivityOut,
            operation_id="getActivity", tags=["knowledge"], summary="One activity")  # fmt: skip
def get_activity(request, programme: str = PROGRAMME, activity: str = ACTIVITY):
    programme, _access = programme_for(request, programme)
    return activity_dict(
        get_object_or_404(Activity.objects.for_catalogue(), programme=programme, key=activity)
    )


@router.get("/programmes/{programme}/action-points", response=s.ActionPointPage,
            operation_id="listActionPoints", tags=["knowledge"],
            summary="The regions' action points, overdue marked")  # fmt: skip
def list_action_points(
    request, programme: str = PROGRAMME, page: int = PAGE, pageSize: int = PAGE_SIZE,
    region: str = Query("", max_length=100, pattern=FILTER, description="region slug"),
    year: int | None = Query(None, ge=1900, le=2200, description="year of the plan"),
    status: Literal["planned", "running", "done", "dropped"] | None = Query(
        None, description="only this status"
    ),
):  # fmt: skip
    programme, _access = programme_for(request, programme)
    qs = ActionPoint.objects.filter(programme=programme).select_related("region")
    if region:
        qs = qs.filter(region__slug=region)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    return paginate(request, qs, page, pageSize, lambda p: {
        "id": p.id, "region": p.region.slug, "year": p.year, "number": p.number,
        "text": p.text, "context": p.context, "plannedPeriod": p.planned_text,
        "plannedEarliest": p.planned_earliest, "plannedLatest": p.planned_latest,
        "status": p.status, "overdue": p.is_overdue(today), "obstacles": p.obstacles,
        "tags": p.tags, "note": p.note, "source": p.source,
    })  # fmt: skip
