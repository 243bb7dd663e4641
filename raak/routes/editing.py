"""The region fills in its "namen en rugnummers"; the national office reviews and
publishes. Outsiders get 404, read-only members 403 (raak.accounts.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from raak.accounts.access import national_only, programme_for, region_for_writing
from raak.accounts.security import log_event
from raak.lib import locking
from raak.programmes import evidence
from raak.programmes.models import ChangeRecord
from raak.routes import service
from raak.routes.forms import ContactForm, ProtocolForm, PublishForm, RouteForm
from raak.routes.models import Contact, Step


def _editor_context(request, programme, access, region, **extra):
    route = service.route_for(region)
    contacts = {}
    for c in Contact.objects.for_editor(region):
        contacts.setdefault(c.step_id, []).append(c)
    if any(c.person_name for group in contacts.values() for c in group):
        log_event("personal-data-read", request, programme=programme, region=region.slug,
                  what="route-contact-names")  # fmt: skip
    publication = service.current_publication(region)
    changes = ChangeRecord.objects.filter(region=region, subject__startswith="routekaart")
    if publication:
        changes = changes.filter(at__gt=publication.published_at)
    return {
        "programme": programme, "access": access, "region": region, "route": route,
        "steps": [(s, contacts.get(s.id, [])) for s in programme.route_steps.all()],
        "publication": publication, "changes": changes[:200],
        "pending": route.revision and (publication is None or route.revision > publication.revision),
        "route_form": RouteForm(initial={"sectors": "; ".join(route.sectors), "version": route.version}),
        "protocol_form": ProtocolForm(),
        "publish_form": PublishForm(initial={"revision": route.revision}),
        **extra,
    }  # fmt: skip


@login_required
def edit(request, slug, region_slug):
    """The draft: contacts per step, sectors, protocol document; POST saves the sectors
    (and records that the route map was checked today)."""
    programme, access = programme_for(request, slug)
    region, _w = region_for_writing(request, programme, region_slug)
    extra, status = {}, 200
    if request.method == "POST":
        form = RouteForm(request.POST)
        if form.is_valid():
            try:
                service.save_route(region, sectors=form.cleaned_data["sectors"], user=request.user,
                                   expected_version=form.cleaned_data["version"], programme=programme)  # fmt: skip
            except service.Conflict as e:
                locking.rebase(form, e.current)
                extra, status = {"route_form": form, "conflict": e.current}, 409
            else:
                messages.success(request, _("Opgeslagen: de routekaart is vandaag gecontroleerd."))
                return redirect("route-edit", programme.slug, region.slug)
        else:
            extra, status = {"route_form": form}, 400
    return render(request, "routes/edit.html",
                  _editor_context(request, programme, access, region, **extra), status=status)  # fmt: skip


@login_required
def contact(request, slug, region_slug, step_key=None, contact_id=None):
    programme, access = programme_for(request, slug)
    region, _w = region_for_writing(request, programme, region_slug)
    if contact_id:
        item = get_object_or_404(
            Contact.objects.select_related("step"), region=region, id=contact_id
        )
        step = item.step
    else:
        item = None
        step = get_object_or_404(Step, programme=programme, key=step_key)
    conflict, status = None, 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                service.save_contact(region, step, item, d, user=request.user, programme=programme,
                                     expected_version=d["version"] or 0)  # fmt: skip
            except service.Conflict as e:
                conflict, status = e.current or "gone", 409
                if e.current:
                    locking.rebase(form, e.current)
            else:
                messages.success(
                    request, _("Contact opgeslagen. Het landelijk bureau publiceert de wijziging.")
                )
                return redirect(
                    f"/{programme.slug}/routekaart/regio/{region.slug}/wijzigen/#stap-{step.key}"
                )
        else:
            status = 400
    elif item:
        form = ContactForm(initial={
            "organisation": item.organisation, "role": item.role, "phone": item.phone,
            "email": item.email, "website": item.website, "opening_hours": item.opening_hours,
            "person_name": item.person_name, "consent_on": item.consent_on, "version": item.version,
        })  # fmt: skip
    else:
        form = ContactForm(initial={"version": 0})
    return render(request, "routes/contact.html",
                  {"programme": programme, "access": access, "region": region, "step": step,
                   "item": item, "form": form, "conflict": conflict}, status=status)  # fmt: skip


@login_required
def delete_contact(request, slug, region_slug, contact_id):
    programme, _access = programme_for(request, slug)
    region, _w = region_for_writing(request, programme, region_slug)
    if request.method != "POST":  # after the access checks: outsiders learn nothing
        return HttpResponseNotAllowed(["POST"])
    item = get_object_or_404(Contact, region=region, id=contact_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        service.delete_contact(region, item, expected_version=version, user=request.user,
                               programme=programme)  # fmt: skip
    except service.Conflict:
        messages.error(request, _("Niet verwijderd: iemand anders heeft dit contact intussen gewijzigd. "
                                  "Bekijk het opnieuw."))  # fmt: skip
    else:
        messages.success(request, _("Contact verwijderd."))
    return redirect("route-edit", programme.slug, region.slug)


@login_required
def upload_protocol(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region, _w = region_for_writing(request, programme, region_slug)
    if request.method != "POST":  # after the access checks: outsiders learn nothing
        return HttpResponseNotAllowed(["POST"])
    form = ProtocolForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            checked = evidence.check(upload)
        except evidence.EvidenceError as e:
            form.add_error("document", str(e))
        else:
            service.add_protocol(
                region, checked, upload.name, user=request.user, programme=programme
            )
            messages.success(request, _("Protocoldocument opgeslagen."))
            return redirect("route-edit", programme.slug, region.slug)
    return render(request, "routes/edit.html",
                  _editor_context(request, programme, access, region, protocol_form=form), status=400)  # fmt: skip


@login_required
def publish(request, slug, region_slug):
    """The national office publishes exactly the revision it looked at."""
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    region, _w = region_for_writing(request, programme, region_slug)
    if request.method != "POST":  # after the access checks: outsiders learn nothing
        return HttpResponseNotAllowed(["POST"])
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Niet gepubliceerd: het formulier was onvolledig."))
        return redirect("route-edit", programme.slug, region.slug)
    try:
        service.publish(region, expected_revision=form.cleaned_data["revision"], user=request.user,
                        programme=programme)  # fmt: skip
    except service.Conflict:
        messages.error(request, _("Niet gepubliceerd: de regio heeft de routekaart intussen gewijzigd. "
                                  "Bekijk de wijzigingen en publiceer opnieuw."))  # fmt: skip
        return redirect("route-edit", programme.slug, region.slug)
    messages.success(request, _("Gepubliceerd."))
    return redirect("route-region", programme.slug, region.slug)
