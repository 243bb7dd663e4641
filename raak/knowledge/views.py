"""The public catalogue of recommended activities and the regional action points."""

from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property

from raak.accounts.access import programme_for
from raak.knowledge.models import ActionPoint, Activity
from raak.knowledge.search import PAGE_SIZE, catalogue_search
from raak.lib.geo import province_name
from raak.lib.highlight import Marker
from raak.programmes.caching import public_page


class CappedPaginator(Paginator):
    """Counts at most CAP matches: counting all 75,000 hits of a broad query costs more
    than the page itself. Beyond the cap the page says "meer dan 1.000" and offers the
    first CAP results; a narrower query or a filter finds the rest."""

    CAP = 1000

    def __init__(self, object_list, per_page, counted=None):
        super().__init__(object_list, per_page)
        if counted is not None:  # already counted (capped) by the search
            self.counted = counted

    @cached_property
    def counted(self):
        return self.object_list.order_by()[: self.CAP + 1].count()

    @cached_property
    def count(self):
        return min(self.counted, self.CAP)

    @property
    def capped(self):
        return self.counted > self.CAP


def _position(number):
    """Where ?pagina= starts in the results, for the search's choice of strategy. Odd
    input is page 1 (as Paginator.get_page reads it): "²" passes str.isdigit() but not
    int(), and a page past the cap is the last page, never a LIMIT too large for SQLite."""
    try:
        page = int(number)
    except (TypeError, ValueError):
        return 0
    last = CappedPaginator.CAP // PAGE_SIZE + 1
    return (min(max(page, 1), last) - 1) * PAGE_SIZE


# Activities covering a province as a whole, passed to the database as a list up to this
# many; more, and they are selected again by the statements that need them.
OWN_PROVINCE_IDS = 2_000
OWN = "knowledge_activity.province_codes"


class Filtered(NamedTuple):
    activities: QuerySet  # filtered, not yet searched
    theme_ids: list | None  # the theme filter again, and
    id_lists: list  # the region filters, for catalogue_search's count


def catalogue_filter(programme, *, theme="", region="", province="", themes=None, regions=None):
    """The catalogue's filters: a theme or rubric key (a rubric takes its sub-themes), a
    region slug, a CBS province code (the regions in it, and activities covering the
    province as a whole). The one filter of the catalogue page and the API
    (raak.api.read.list_activities), so both list the same activities. `themes` and
    `regions`: the programme's, when the caller has read them already."""
    if themes is None:
        themes = list(programme.themes.select_related("parent"))
    if regions is None:
        regions = list(programme.regions.all())
    qs = Activity.objects.filter(programme=programme)
    # Filters as ids taken from the lists above, not joins on themes and regions: the
    # database then tests an indexed column per row (docs/performance.md, "Search").
    theme_ids = None
    if theme:
        theme_ids = [t.id for t in themes if theme in (t.key, t.parent and t.parent.key)]
        qs = qs.filter(theme_id__in=theme_ids)
    # Region filters as subqueries of this programme's activity ids (the search counts
    # with them too): a join over the many-to-many would repeat rows and need DISTINCT.
    links = Activity.regions.through.objects
    id_lists = []
    if region:
        ids = [r.id for r in regions if r.slug == region]
        id_lists.append(links.filter(region_id__in=ids).values("activity_id"))
    if province:
        ids = [r.id for r in regions if r.province_code == province]
        # One list, not an OR of two tests on every row. An activity's own provinces
        # are read once, from the index activity_province_codes (7 ms at 100,000),
        # and passed as ids while they are few, so no statement scans them again.
        own = Activity.objects.filter(
            programme=programme, province_codes__icontains=f'"{province}"'
        ).order_by()
        # Read as the two ranges of that index around the empty list: most activities
        # have no provinces of their own, and are skipped (a LIKE alone reads them all).
        own_ids = own.extra(where=[f"{OWN} < '[]'"]).values_list("id", flat=True)
        own_ids = own_ids.union(
            own.extra(where=[f"{OWN} > '[]'"]).values_list("id", flat=True), all=True
        )
        own_ids = list(own_ids.order_by()[:OWN_PROVINCE_IDS])
        if len(own_ids) < OWN_PROVINCE_IDS:
            own = Activity.objects.filter(id__in=own_ids).order_by()
        linked = links.filter(region_id__in=ids).values("activity_id")
        id_lists.append(linked.union(own.values("id"), all=True) if own_ids else linked)
    for ids in id_lists:
        qs = qs.filter(id__in=ids)
    return Filtered(qs, theme_ids, id_lists)


@public_page
def catalogue(request, slug):
    programme, access = programme_for(request, slug)
    themes = list(programme.themes.select_related("parent"))
    # The filter shows sub-themes under their rubric; choosing a rubric takes all of them.
    theme_tree = [
        (t, [s for s in themes if s.parent_id == t.id]) for t in themes if not t.parent_id
    ]
    regions = list(programme.regions.all())
    # By name, as people know them; the CBS code stays the value in the URL.
    provinces = sorted(
        {(r.province_code, province_name(r.province_code)) for r in regions if r.province_code},
        key=lambda p: p[1],
    )
    q = request.GET.get("q", "").strip()[:200]
    theme = request.GET.get("thema", "")
    region = request.GET.get("regio", "")
    province = request.GET.get("provincie", "")
    qs, theme_ids, id_lists = catalogue_filter(
        programme, theme=theme, region=region, province=province, themes=themes, regions=regions
    )
    number = request.GET.get("pagina")
    qs, counted = catalogue_search(
        qs, q, programme_id=programme.id, theme_ids=theme_ids, id_lists=id_lists,
        position=_position(number), cap=CappedPaginator.CAP,
    )  # fmt: skip
    page = CappedPaginator(qs.for_catalogue_page(), PAGE_SIZE, counted).get_page(number)
    page.object_list = _with_themes_and_regions(page.object_list, themes, regions)
    return render(
        request,
        "knowledge/catalogue.html",
        {"programme": programme, "access": access, "page": page, "q": q, "themes": themes,
         "marker": Marker(q),
         "theme_tree": theme_tree,
         "can_add": access.is_member
         and (access.is_national or any(access.can_write(r) for r in regions)),
         "regions": regions, "provinces": provinces, "theme": theme, "region": region,
         "province": province, "total": page.paginator.count,
         "capped": page.paginator.capped,
         "cap_text": number_format(CappedPaginator.CAP, force_grouping=True)},
    )  # fmt: skip


def _with_themes_and_regions(activities, themes, regions):
    """The page's activities with their theme and regions from the page's own lists: one
    query for the region links instead of joins and a prefetch that made a theme and a
    region object per row again (issue #12)."""
    activities = list(activities)
    if not activities:
        return activities
    by_id = {t.id: t for t in themes}
    place = {r.id: (i, r) for i, r in enumerate(regions)}  # the regions' own order
    linked = {a.id: [] for a in activities}
    links = Activity.regions.through.objects.filter(activity_id__in=linked)
    for activity_id, region_id in links.values_list("activity_id", "region_id"):
        if region_id in place:  # always, unless a link crosses programmes
            linked[activity_id].append(place[region_id])
    for a in activities:
        if a.theme_id in by_id:  # otherwise read when shown
            a.theme = by_id[a.theme_id]
        # One string, not a loop in the template for every result.
        a.region_names = ", ".join(r.name for _, r in sorted(linked[a.id], key=lambda p: p[0]))
    return activities


@public_page
def activity(request, slug, key):
    programme, access = programme_for(request, slug)
    item = get_object_or_404(Activity.objects.for_catalogue(), programme=programme, key=key)
    return render(
        request, "knowledge/activity.html", {"programme": programme, "access": access, "item": item}
    )


def action_points(request, slug):
    programme, access = programme_for(request, slug)
    region = request.GET.get("regio", "")
    qs = ActionPoint.objects.filter(programme=programme).select_related("region")
    if region:
        qs = qs.filter(region__slug=region)
    today = timezone.localdate()
    groups = {}
    for point in qs:
        point.overdue = point.is_overdue(today)
        groups.setdefault(point.region, []).append(point)
    writable = (
        [r for r in programme.regions.all() if access.can_write(r)] if access.is_member else []
    )
    for reg in groups:
        reg.can_write = reg in writable
    return render(
        request,
        "knowledge/action_points.html",
        {"programme": programme, "access": access, "groups": groups, "region": region,
         "regions": programme.regions.all(), "total": sum(len(g) for g in groups.values()),
         "writable": writable},
    )  # fmt: skip
