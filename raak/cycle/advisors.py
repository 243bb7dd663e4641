"""Implementation advisors' monthly notes: the advisor writes for the regions they
follow; the national office reads all of them, per region and per month. Never public:
every page here is for members only, and personal to the programme's staff."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from raak.accounts.access import programme_for
from raak.accounts.models import Role
from raak.accounts.security import log_event
from raak.cycle.forms import AdvisorNoteForm
from raak.cycle.models import AdvisorNote
from raak.programmes.history import Recorder
from raak.programmes.models import Region


def _advised_region_ids(access):
    return {r.region_id for r in access.roles if r.kind == Role.ADVISOR}


@login_required
def notes(request, slug):
    """The national office: every note, filtered by region and month. An advisor: the
    notes on the regions they follow."""
    programme, access = programme_for(request, slug)
    advised = _advised_region_ids(access)
    if not access.is_national and not advised:
        if access.is_member:
            raise PermissionDenied(
                _("Deze pagina is alleen voor het landelijk bureau en de implementatieadviseurs.")
            )
        raise Http404
    qs = AdvisorNote.objects.filter(region__programme=programme).select_related("region", "author")
    regions = list(programme.regions.all())
    if not access.is_national:
        qs = qs.filter(region_id__in=advised)
        regions = [r for r in regions if r.id in advised]
    region_slug, month = request.GET.get("regio", ""), request.GET.get("maand", "")
    if region_slug:
        qs = qs.filter(region__slug=region_slug)
    if month:
        # Only a real month (2011-06); ?maand=0-1 once asked the database for year 0.
        match = re.fullmatch(r"(\d{4})-(\d{2})", month)
        if match and 1900 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
            qs = qs.filter(month__year=int(match[1]), month__month=int(match[2]))
        else:
            month = ""
    months = sorted(
        {d.strftime("%Y-%m") for d in AdvisorNote.objects.filter(region__in=regions)
         .values_list("month", flat=True)}, reverse=True)  # fmt: skip
    log_event("personal-data-read", request, programme=programme, what="advisor-notes",
              region=region_slug or None, month=month or None)  # fmt: skip
    return render(request, "cycle/advisor_notes.html", {
        "programme": programme, "access": access, "notes": list(qs[:1000]),
        "regions": regions, "advised": [r for r in regions if r.id in advised],
        "region_slug": region_slug, "month": month, "months": months,
    })  # fmt: skip


@login_required
def new_note(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    if not access.can_read_unpublished(region):
        raise Http404
    if region.id not in _advised_region_ids(access):
        # Only the region's advisor writes advisor notes; others who may see the region
        # get a refusal, not a form.
        raise PermissionDenied(_("Alleen de implementatieadviseur van deze regio schrijft hier."))
    if request.method == "POST":
        form = AdvisorNoteForm(request.POST)
        if form.is_valid():
            note = form.save(commit=False)
            note.region, note.author = region, request.user
            note.save()
            recorder = Recorder(request.user, programme=programme)
            recorder.record(subject="adviseursnotitie", field=note.month.strftime("%m-%Y"),
                            new="toegevoegd", region=region)  # fmt: skip
            recorder.flush()
            messages.success(request, _("Notitie over %(r)s opgeslagen.") % {"r": region.name})
            return redirect("advisor-notes", programme.slug)
    else:
        form = AdvisorNoteForm()
    return render(request, "cycle/advisor_note_form.html", {
        "programme": programme, "access": access, "region": region, "form": form,
    })  # fmt: skip
