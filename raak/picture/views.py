"""Public and member pages: the national picture, maps, region pages, the forecast."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from raak.accounts.access import programme_for, round_for_reading
from raak.accounts.security import log_event
from raak.picture import exports
from raak.picture.maps import build_map
from raak.picture.national import (
    ANNEX_PAGE_SIZE,
    FULL_OVERVIEW_MAX,
    PENDING_SHOWN,
    NationalPicture,
    reference_day,
)
from raak.picture.templatetags.picture_tags import region_urls
from raak.programmes import changes as change_words
from raak.programmes import feedback, memo, round_notes, wording
from raak.programmes.caching import cached_fragment, public_page
from raak.programmes.models import (
    ChangeRecord,
    EvidenceDocument,
    IndicatorValue,
    MilestoneStatus,
    Region,
    RegionMunicipality,
)
from raak.programmes.status import is_region_frozen


def programme(request, slug):
    """The programme's own page: its latest round's national picture when the visitor may
    see one, else a page that says why there is none (the home page's chooser links here,
    so it must never lead to a 404)."""
    programme, access = programme_for(request, slug)
    rnd = access.visible_rounds().order_by("-peildatum").first()
    has_picture = programme.milestones.exists() or programme.indicators.exists()
    if rnd is None or not has_picture:
        return render(
            request,
            "picture/no_rounds.html",
            {"programme": programme, "access": access, "round": rnd, "has_picture": has_picture},
        )
    return redirect("national", programme.slug, rnd.slug)


def _selected_item(request, picture):
    """The item whose map is shown: ?kaart=, else the first milestone with work to do."""
    keys = [i.item.key for i in picture.items]
    selected = request.GET.get("kaart") or next(
        (i.item.key for i in picture.items if i.item.kind == "milestone" and i.pending),
        keys[0],
    )
    if selected not in keys:
        raise Http404
    return next(i.item for i in picture.items if i.item.key == selected)


def _map_html(request, programme, picture, item):
    """The rendered map of one item, cached per round, item, language and data version:
    the same for everyone who may see the round, and re-drawn after any change."""

    def draw():
        memberships = {}
        for region_id, code in RegionMunicipality.objects.filter(
            region__programme=programme
        ).values_list("region_id", "code"):
            memberships.setdefault(region_id, []).append(code)
        url = region_urls(programme.slug)
        the_map = build_map(picture, item, lambda r: url(r.slug), memberships)
        return render_to_string("picture/_map.html", {"map": the_map}, request=request)

    return cached_fragment(request, programme, ["map", picture.round.id, item.key], draw)


@public_page
def national(request, slug, round_slug):
    programme, access = programme_for(request, slug)
    rnd = round_for_reading(request, programme, round_slug)
    visible = access.visible_rounds()

    def draw():
        picture = NationalPicture(rnd, visible)
        if (
            not picture.items
        ):  # a programme without milestones or indicators (e.g. only questionnaires)
            return None
        item = _selected_item(request, picture)
        rounds = (
            programme.rounds.all() if access.is_national else programme.rounds.visible_to_public()
        )
        context = {
            "programme": programme,
            "round": rnd,
            "rounds": rounds,
            "picture": picture,
            "selected": item.key,
            "large": len(picture.regions) > FULL_OVERVIEW_MAX,
            # Read only for `is_national` (the route summary's link), which is in the key.
            "access": access,
        }
        if context["large"]:
            # Drawing and listing every region made a 1.4 MB page at 1,000 regions: the annex
            # comes in pages, each card lists the first regions, the maps have their own page.
            page = Paginator(picture.regions, ANNEX_PAGE_SIZE).get_page(pagina or None)
            annex = picture.annex_rows(page.object_list)
            context.update(annex_page=page, pending_slice=f":{PENDING_SHOWN}")
        else:
            annex = picture.annex_rows()
            context.update(pending_slice=":", map_html=_map_html(request, programme, picture, item))
        context.update(annex=annex, annex_groups=picture.annex_groups(annex))
        if not rnd.is_open:
            notes = round_notes.not_submitted(rnd)
            context["not_submitted"] = [(r, notes[r.id]) for r in picture.regions if r.id in notes]
        return render_to_string("picture/_national_content.html", context, request=request)

    # The page's body shows nothing of the viewer but what the key holds: the rounds
    # they may see and whether they see every round's name (the national office).
    # Members' requests (never page-cached) draw it once per data version, not each time.
    # Only the parameters the body reads name it, so `?x=1` takes no entry of its own.
    pagina = request.GET.get("pagina", "")
    pagina = pagina if pagina.isdigit() and len(pagina) < 6 else ""
    # Anonymous visitors get the whole page from @public_page's cache instead.
    if request.user.is_authenticated:
        visible_ids = ",".join(str(i) for i in visible.values_list("id", flat=True))
        parts = ["national-page", rnd.id, access.is_national, visible_ids,
                 request.GET.get("kaart", ""), pagina]  # fmt: skip
        content = cached_fragment(request, programme, parts, draw)
    else:
        content = draw()
    if content is None:
        return redirect("programme", programme.slug)
    return render(request, "picture/national.html", {
        "programme": programme, "round": rnd, "access": access, "content": content,
    })  # fmt: skip


@public_page
def national_map(request, slug, round_slug):
    """One map of the national picture on its own page (for large programmes)."""
    programme, access = programme_for(request, slug)
    rnd = round_for_reading(request, programme, round_slug)
    picture = NationalPicture(rnd, access.visible_rounds())
    if not picture.items:
        raise Http404
    item = _selected_item(request, picture)
    return render(request, "picture/national_map.html", {
        "programme": programme, "round": rnd, "picture": picture, "selected": item.key,
        "map_title": item.label, "map_html": _map_html(request, programme, picture, item),
        "access": access,
    })  # fmt: skip


@public_page
def map_fragment(request, slug, round_slug, key):
    """One map as a fragment of HTML: static/raak/maps.js puts it in place when a visitor
    picks another map, so the page does not reload (the links still work without it).
    The same access, page cache and map cache as the national picture."""
    programme, access = programme_for(request, slug)
    rnd = round_for_reading(request, programme, round_slug)
    picture = NationalPicture(rnd, access.visible_rounds())
    item = next((i.item for i in picture.items if i.item.key == key), None)
    if item is None:
        raise Http404
    return render(request, "picture/_map_panel.html", {
        "map_title": item.label, "map_html": _map_html(request, programme, picture, item),
    })  # fmt: skip


@public_page
def region(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    insider = access.can_read_unpublished(region)
    can_write = access.can_write(region)

    def draw():
        return render_to_string(
            "picture/_region_content.html",
            _region_content(programme, access, region, insider, can_write),
            request=request,
        )

    def draw_changes():
        records = ChangeRecord.objects.filter(region=region).select_related("round")[:200]
        return render_to_string("picture/_region_changes.html", {
            "changes": change_words.describe(records, programme), "programme": programme,
        }, request=request)  # fmt: skip

    context = {"programme": programme, "region": region, "access": access, "insider": insider,
               # Route steps change only through an import, which raises the version.
               "has_route": memo.value(programme, "has-route-steps",
                                       programme.route_steps.exists)}  # fmt: skip
    if request.user.is_authenticated:
        # A member's page body shows nothing of the viewer but what the key holds:
        # whether they see the region's unpublished rounds and may change them. Every
        # change to what it shows (statuses, values, documents, submissions, round
        # states, region data, wording) goes through history.Recorder and so raises
        # the data version in the key. The team is read each time: roles are not
        # programme data.
        parts = ["region-page", region.id, insider, can_write]
        context["content"] = cached_fragment(request, programme, parts, draw)
        if insider:
            changes = cached_fragment(request, programme, ["region-changes", region.id],
                                      draw_changes)  # fmt: skip
            team = region.roles.select_related("user").order_by("kind", "user__username")
            # The feedback depends on the data and on today: the fragment key holds both.
            feedback_list = cached_fragment(request, programme, ["region-feedback", region.id],
                                            lambda: _feedback(programme, region))  # fmt: skip
            context.update(changes=changes, team=team, feedback=feedback_list)
    else:
        # Anonymous visitors get the whole page from @public_page's cache instead.
        context["content"] = draw()
    return render(request, "picture/region.html", context)


def _feedback(programme, region):
    """What the region should look at, for its members and the national office (kept
    apart from the body: it depends on today, which the fragment key holds)."""
    rounds = list(programme.rounds.all())
    rnd = next((r for r in reversed(rounds) if r.is_open), rounds[-1] if rounds else None)
    return feedback.for_region(region, rnd, timezone.localdate(), rounds)


LEVELS = {"done": 3, "partial": 2, "expected": 1}  # not started and unknown: 0
STEP_W, STEP_H = 160, 36


def _add_course(programme, region, rounds, rows, labels):
    """Per milestone a small step chart of the region's status over the rounds it may
    see (the table above is its source), and the share of all regions done in the
    latest published round beside the region's own status there: only published
    figures, so a member never sees other regions' data of an open round."""
    published = [r for r in rounds if r.is_published]
    latest = published[-1] if published else None
    done, total = {}, 0
    if latest is not None:
        total = programme.regions.active_on(latest.peildatum).count()
        done = dict(
            MilestoneStatus.objects.filter(round=latest, status=MilestoneStatus.DONE)
            .values("milestone_id").annotate(n=Count("id")).values_list("milestone_id", "n")
        )  # fmt: skip
    n = len(rounds)
    for row in rows:
        levels = [LEVELS.get(c["status"].status if c["status"] else "", 0) for c in row["cells"]]
        xs = [round(4 + (STEP_W - 8) * i / max(n - 1, 1), 1) for i in range(n)]
        ys = [round(STEP_H - 4 - (STEP_H - 8) * lvl / 3, 1) for lvl in levels]
        path = ""
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            path += f"M{x} {y}" if i == 0 else f" H{x} V{y}"
        if n == 1:
            path += f" H{STEP_W - 4}"
        row["steps"] = {"path": path, "width": STEP_W, "height": STEP_H,
                        "dots": list(zip(xs, ys, strict=True))}  # fmt: skip
        if latest is not None:
            own = next((c["status"] for c in row["cells"] if c["round"] == latest), None)
            row["national"] = {
                "round": latest, "own": labels[own.status] if own else labels["unknown"],
                "done": own is not None and own.status == MilestoneStatus.DONE,
                "share": round(100 * done.get(row["milestone"].id, 0) / total) if total else 0,
                "count": done.get(row["milestone"].id, 0), "total": total,
            }  # fmt: skip


def _region_content(programme, access, region, insider, can_write):
    rounds = list(access.visible_rounds(region))
    for r in rounds:
        # Open rounds only (usually one): a submitted report freezes the region's data.
        r.frozen = insider and r.is_open and is_region_frozen(r, region)
        # A closed or published round the region did not submit for shows what was
        # carried into it; the page says so.
        note = None if r.is_open else round_notes.not_submitted(r).get(region.id)
        r.not_submitted = note.text if note else ""
    statuses = {
        (s.round_id, s.milestone_id): s
        for s in MilestoneStatus.objects.for_region_page(region, rounds)
    }
    labels = wording.status_labels(programme)
    for s in statuses.values():
        s.text = wording.status_text(labels[s.status], s.status, s.expected_text)
    values = {
        (v.round_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(region=region, round__in=rounds).select_related(
            "category"
        )
    }
    rows = []
    for m in programme.milestones.all():
        cells, previous = [], None
        for r in rounds:
            s = statuses.get((r.id, m.id))
            slipped = bool(
                s and previous and previous.expected_text and s.expected_text
                and s.expected_latest and previous.expected_latest
                and s.expected_latest > previous.expected_latest
            )  # fmt: skip
            cells.append(
                {"round": r, "status": s, "slipped_from": previous.expected_text if slipped else "",
                 "overdue": bool(s and s.is_overdue(reference_day(r)))}
            )  # fmt: skip
            previous = s
        rows.append({"milestone": m, "cells": cells})
    _add_course(programme, region, rounds, rows, labels)
    indicator_groups = wording.indicator_groups(programme, programme.indicators.all())
    for g in indicator_groups:
        g.items = [
            {
                "indicator": i,
                "cells": [{"round": r, "value": values.get((r.id, i.id))} for r in rounds],
            }
            for i in g.indicators
        ]
    return {
        "programme": programme,
        "region": region,
        "rounds": rounds,
        "rows": rows,
        "indicator_groups": indicator_groups,
        "status_labels": labels,
        "can_write": can_write,
        "insider": insider,
        "notes": region.notes.all(),
        "predecessors": region.predecessors.all(),
        "successors": region.successors.all(),
    }


def document(request, slug, doc_id):
    programme, access = programme_for(request, slug)
    doc = get_object_or_404(
        EvidenceDocument.objects.select_related("status__round", "status__region"),
        id=doc_id,
        status__round__programme=programme,
    )
    if not (doc.status.round.is_published or access.can_read_unpublished(doc.status.region)):
        raise Http404
    log_event("download", request, programme=programme, what="evidence", document=doc.id,
              region=doc.status.region.slug, round=doc.status.round.slug)  # fmt: skip
    return FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=doc.original_name,
        content_type=doc.content_type,
    )


@public_page
def forecast(request, slug, fmt="html"):
    """Every `expected` or `partial` status by expected period, overdue first."""
    programme, access = programme_for(request, slug)
    rounds = programme.rounds.all() if access.is_national else programme.rounds.visible_to_public()
    wanted = request.GET.get("ronde")
    rnd = (rounds.filter(slug=wanted) if wanted else rounds.order_by("-peildatum")).first()
    if rnd is None:
        raise Http404
    today = reference_day(rnd)
    rows = sorted(
        MilestoneStatus.objects.for_forecast(rnd),
        key=lambda s: (not s.is_overdue(today), s.expected_earliest, s.region.name),
    )
    labels = wording.status_labels(programme)
    for s in rows:
        # The programme's word for the status, read by the page, the CSV/XLSX and the chart.
        s.label = labels[s.status]
    items = [{"status": s, "overdue": s.is_overdue(today)} for s in rows]
    if fmt in ("csv", "xlsx"):
        log_event(
            "export", request, programme=programme, what="forecast", format=fmt, round=rnd.slug
        )
        return exports.forecast(programme, rnd, items, fmt)
    return render(
        request,
        "picture/forecast.html",
        {
            "programme": programme,
            "round": rnd,
            "rounds": rounds,
            "items": items,
            "timeline": exports.timeline(items),
            "today": today,
            "access": access,
            "now": timezone.now(),
        },
    )
