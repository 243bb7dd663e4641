"""Regions keep their own activities and action points current; the national office
keeps all of them. Outsiders get 404, read-only members 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from raak.accounts.access import READ_ONLY, get_access, programme_for, region_for_writing
from raak.knowledge.forms import ActionPointForm, ActivityForm
from raak.knowledge.models import ActionPoint, Activity
from raak.lib import locking
from raak.programmes.models import Programme, Region
from raak.programmes.status import Conflict, rebase, save_or_conflict


def _activity_for_writing(request, programme, key):
    """Return (activity, regions the user may assign): 404 outsider, 403 read-only."""
    access = get_access(request, programme)
    activity = get_object_or_404(
        Activity.objects.prefetch_related("regions"), programme=programme, key=key
    )
    regions = list(activity.regions.all())
    if access.is_national:
        return activity, list(programme.regions.all())
    if not any(access.can_read_unpublished(r) for r in regions):
        raise Http404
    writable = [r for r in programme.regions.all() if access.can_write(r)]
    if not any(r in writable for r in regions):
        raise PermissionDenied(READ_ONLY)
    return activity, writable


def _writable_regions(request, programme):
    access = get_access(request, programme)
    regions = [r for r in programme.regions.all() if access.can_write(r)]
    if not regions:
        if access.is_member:
            raise PermissionDenied(READ_ONLY)
        raise Http404
    return regions


def _next_activity_key(programme):
    number = Activity.objects.filter(programme=programme).count() + 1
    while Activity.objects.filter(programme=programme, key=f"a-{number:04d}").exists():
        number += 1
    return f"a-{number:04d}"


@login_required
def edit_activity(request, slug, key=None):
    programme, access = programme_for(request, slug)
    if key:
        activity, regions = _activity_for_writing(request, programme, key)
    else:
        regions = _writable_regions(request, programme)
        activity = Activity(programme=programme, version=1)
    themes = list(programme.themes.select_related("parent"))
    conflict = False
    if request.method == "POST":
        form = ActivityForm(request.POST, themes=themes, regions=regions)
        if form.is_valid():
            d = form.cleaned_data
            # Regions the editor may not assign stay as they were.
            kept = [r for r in activity.regions.all() if r not in regions] if activity.pk else []
            values = {
                k: d[k]
                for k in (
                    "title",
                    "description",
                    "theme",
                    "target_sectors",
                    "partners",
                    "links",
                    "status",
                )
            }
            try:
                with transaction.atomic():
                    if not activity.pk:
                        # Simultaneous creates take their numbers one after another.
                        locking.lock_row(Programme, programme.pk)
                        activity.key = _next_activity_key(programme)
                    save_or_conflict(
                        Activity, {"programme": programme, "key": activity.key}, values,
                        expected_version=d["version"] if activity.pk else 0,
                        user=request.user, programme=programme,
                        subject=f"activiteit {activity.key}", regions=kept + d["regions"],
                    )  # fmt: skip
            except Conflict as e:
                conflict = True
                rebase(form, e.current)
            else:
                messages.success(request, _("Activiteit opgeslagen."))
                return redirect("activity", programme.slug, activity.key)
    else:
        form = ActivityForm(
            themes=themes,
            regions=regions,
            initial={
                "title": activity.title, "description": activity.description,
                "theme": activity.theme.key if activity.pk else "",
                "regions": [r.slug for r in activity.regions.all()] if activity.pk else [r.slug for r in regions[:1]],
                "target_sectors": "; ".join(activity.target_sectors), "partners": "; ".join(activity.partners),
                "links": "\n".join(activity.links), "status": activity.status, "version": activity.version,
            },
        )  # fmt: skip
    return render(request, "knowledge/edit_activity.html",
                  {"programme": programme, "access": access, "form": form, "activity": activity,
                   "conflict": conflict})  # fmt: skip


@login_required
def edit_action_point(request, slug, region_slug, point_id=None):
    programme, access = programme_for(request, slug)
    region, _can_write = region_for_writing(request, programme, region_slug)
    if point_id:
        point = get_object_or_404(ActionPoint, programme=programme, region=region, id=point_id)
    else:
        point = ActionPoint(programme=programme, region=region, version=1)
    conflict = False
    if request.method == "POST":
        form = ActionPointForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            period = d["planned_start"]
            values = {
                "text": d["text"], "status": d["status"], "obstacles": d["obstacles"], "tags": d["tags"],
                "planned_text": period.text if period else "",
                "planned_earliest": period.earliest if period else None,
                "planned_latest": period.latest if period else None,
            }  # fmt: skip
            try:
                with transaction.atomic():
                    if not point.pk:
                        locking.lock_row(Region, region.pk)
                        point.year = d["year"]
                        last = ActionPoint.objects.filter(region=region, year=d["year"]).aggregate(
                            n=Max("number")
                        )["n"]
                        point.number = (last or 0) + 1
                    lookup = {"programme": programme, "region": region, "year": point.year,
                              "number": point.number}  # fmt: skip
                    save_or_conflict(
                        ActionPoint, lookup, values,
                        expected_version=d["version"] if point.pk else 0, user=request.user,
                        programme=programme, subject=f"actiepunt {point.year}-{point.number}",
                        region=region,
                    )  # fmt: skip
            except Conflict as e:
                conflict = True
                rebase(form, e.current)
            else:
                messages.success(request, _("Actiepunt opgeslagen."))
                return redirect(f"/{programme.slug}/actiepunten/?regio={region.slug}")
    else:
        form = ActionPointForm(initial={
            "text": point.text, "year": point.year or programme.period_end.year + 1,
            "planned_start": point.planned_text, "status": point.status, "obstacles": point.obstacles,
            "tags": point.tags, "version": point.version,
        })  # fmt: skip
    return render(request, "knowledge/edit_action_point.html",
                  {"programme": programme, "access": access, "form": form, "point": point, "region": region,
                   "conflict": conflict})  # fmt: skip
