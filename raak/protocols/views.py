"""The protocol checklist: the cross-region table and each region's own checklist."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from raak.accounts.access import programme_for, region_for_writing
from raak.lib import locking
from raak.programmes import status
from raak.programmes.history import Recorder
from raak.programmes.models import Region
from raak.protocols.models import Check


def overview(request, slug):
    programme, access = programme_for(request, slug)
    components = list(programme.protocol_components.all())
    regions = list(programme.regions.active_on(timezone.localdate()))
    counts = Counter(
        Check.objects.filter(component__programme=programme, region__in=regions).values_list(
            "component_id", "answer"
        )
    )
    rows = [
        {"component": c, "yes": counts[c.id, Check.YES], "partly": counts[c.id, Check.PARTLY],
         "no": counts[c.id, Check.NO],
         "unchecked": len(regions) - sum(counts[c.id, a] for a, _l in Check.ANSWERS)}
        for c in components
    ]  # fmt: skip
    return render(
        request,
        "protocols/overview.html",
        {"programme": programme, "access": access, "rows": rows, "regions": regions,
         "findings": programme.protocol_findings.select_related("component")},
    )  # fmt: skip


def region_checklist(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    checks = {c.component_id: c for c in Check.objects.filter(region=region)}
    items = [(c, checks.get(c.id)) for c in programme.protocol_components.all()]
    return render(
        request,
        "protocols/region.html",
        {"programme": programme, "access": access, "region": region, "items": items,
         "can_write": access.can_write(region)},
    )  # fmt: skip


@login_required
def edit_checklist(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region, _can_write = region_for_writing(request, programme, region_slug)
    components = list(programme.protocol_components.all())
    answers = dict(Check.ANSWERS)
    checks = {c.component_id: c for c in Check.objects.filter(region=region)}
    errors, conflicts = {}, []
    if request.method == "POST":
        wanted = {}
        for c in components:
            answer = request.POST.get(f"answer-{c.key}", "")
            evidence = request.POST.get(f"evidence-{c.key}", "").strip()
            note = request.POST.get(f"note-{c.key}", "").strip()
            if answer and answer not in answers:
                errors[c.key] = _("Kies een van de antwoorden.")
            elif len(evidence) > 500 or len(note) > 4000:
                errors[c.key] = _("Bewijs mag 500 en toelichting 4000 tekens lang zijn.")
            elif not answer and (evidence or note):
                errors[c.key] = _("Kies eerst een antwoord.")
            try:
                version = int(request.POST.get(f"version-{c.key}", "0"))
            except ValueError:
                version = -1
            wanted[c] = (answer, evidence, note, version)
        if not errors:
            conflicts = _save_checklist(request.user, programme, region, wanted)
            if not conflicts:
                messages.success(request, _("Checklist opgeslagen."))
                return redirect("protocol-region", programme.slug, region.slug)
            # Show the stored answers and versions next to the person's input.
            checks = {c.component_id: c for c in Check.objects.filter(region=region)}
    items = []
    for c in components:
        check = checks.get(c.id)
        posted = request.method == "POST"
        items.append({
            "component": c, "check": check, "error": errors.get(c.key),
            "answer": request.POST.get(f"answer-{c.key}", "") if posted else (check.answer if check else ""),
            "evidence": request.POST.get(f"evidence-{c.key}", "") if posted else (check.evidence if check else ""),
            "note": request.POST.get(f"note-{c.key}", "") if posted else (check.note if check else ""),
            "version": check.version if check else 0,
        })  # fmt: skip
    return render(
        request,
        "protocols/edit.html",
        {"programme": programme, "access": access, "region": region, "items": items,
         "answers": Check.ANSWERS, "errors": errors, "conflicts": conflicts},
        status=200,
    )  # fmt: skip


def _save_checklist(user, programme, region, wanted):
    """Save every answer or none: returns the components someone else changed meanwhile
    (and then saves nothing)."""
    conflicts = []
    recorder = Recorder(user, programme=programme)
    today = timezone.localdate()
    with transaction.atomic():
        # Lock the region first: with no checks yet there is no row to lock, and two
        # first saves would both insert (an IntegrityError for the second).
        locking.lock_row(Region, region.pk)
        for component, (answer, evidence, note, version) in wanted.items():
            values = {"answer": answer, "evidence": evidence, "note": note}
            save = status.save_or_conflict if answer else status.delete_or_conflict
            extra = {"stamp": {"checked_on": today}} if answer else {}
            try:
                save(Check, {"region": region, "component": component}, values,
                     expected_version=version, user=user, programme=programme,
                     subject=f"protocol: {component.name}", region=region, recorder=recorder,
                     **extra)  # fmt: skip
            except status.Conflict:
                conflicts.append(component)
        if conflicts:
            transaction.set_rollback(True)
        else:
            recorder.flush()
    return conflicts
