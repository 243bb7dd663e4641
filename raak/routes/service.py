"""Changing a region's route map safely, and publishing it.

Every change goes through here: it takes the region's route row under a lock, checks the
version the editor started from (optimistic locking, raak.lib.locking),
records old -> new, and moves the draft's revision on. Publishing names the revision
the national office reviewed; if the draft moved since, nothing is published.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from raak.lib import locking
from raak.lib.locking import Conflict  # noqa: F401 (the views catch service.Conflict)
from raak.programmes.history import Recorder
from raak.routes.models import Contact, ProtocolDocument, Publication, RegionRoute

CONTACT_FIELDS = ("organisation", "role", "phone", "email", "website", "opening_hours")


def route_for(region):
    route = RegionRoute.objects.filter(region=region).first()
    if route is None:
        try:
            with transaction.atomic():
                route = RegionRoute.objects.create(region=region)
        except IntegrityError:  # made by a concurrent request meanwhile
            route = RegionRoute.objects.get(region=region)
    return route


def _locked_route(region):
    route_for(region)
    return RegionRoute.objects.select_for_update().get(region=region)


def _touch(route, user):
    """Every change to a draft counts as a check of it today, and moves its revision."""
    route.revision += 1
    route.checked_on = timezone.localdate()
    route.updated_by = user
    route.save()


def _subject(step, organisation):
    return f"routekaart: {step.title}: {organisation}"


def _record_person(recorder, subject, old, new, region):
    # The log is shown more widely than the names: it says that a name changed, not which.
    if old == new:
        return
    change = "toegevoegd" if not old else ("verwijderd" if not new else "gewijzigd")
    recorder.record(subject=subject, field="naam contactpersoon", new=change, region=region)


def save_contact(region, step, contact, values, *, expected_version, user, programme):
    """Create (contact None) or change a contact; values hold CONTACT_FIELDS, person_name
    and consent_on. Raises Conflict when the contact changed or went since the form."""
    with transaction.atomic():
        route = _locked_route(region)
        recorder = Recorder(user, programme=programme)
        name, consent = (
            values["person_name"],
            values["consent_on"] if values["person_name"] else None,
        )
        if contact is None:
            last = Contact.objects.filter(region=region, step=step).order_by("-position").first()
            contact = Contact.objects.create(
                region=region, step=step, position=(last.position + 1) if last else 0,
                person_name=name, consent_on=consent, **{k: values[k] for k in CONTACT_FIELDS},
            )  # fmt: skip
            subject = _subject(step, contact.organisation)
            for k in CONTACT_FIELDS:
                if values[k]:
                    recorder.record(subject=subject, field=k, new=values[k], region=region)
            _record_person(recorder, subject, "", name, region)
        else:
            current = locking.lock(Contact.objects.filter(pk=contact.pk, region=region),
                                   expected_version, must_exist=True)  # fmt: skip
            subject = _subject(step, current.organisation)
            _record_person(recorder, subject, current.person_name, name, region)
            if current.person_name and current.person_name != name:
                _withdraw_name(region, current.person_name, recorder, subject)
            changed = recorder.update(
                current, {**{k: values[k] for k in CONTACT_FIELDS}, "consent_on": consent},
                subject=subject, region=region, save=False,
            )  # fmt: skip
            if changed or current.person_name != name:
                current.person_name = name
                locking.bump(current)
                current.save()
            contact = current
        _touch(route, user)
        recorder.flush()
        return contact


def _withdraw_name(region, name, recorder, subject):
    """A name leaves every publication at once when it leaves the draft (consent can be
    withdrawn; what was published must not keep it until the next review)."""
    for publication in Publication.objects.filter(region=region):
        changed = False
        for contacts in publication.data.get("contacts", {}).values():
            for c in contacts:
                if c.get("person_name") == name:
                    c["person_name"] = ""
                    changed = True
        if changed:
            publication.save(update_fields=["data"])
            # The record names no person: only that a name left the public page.
            recorder.record(subject=subject, field="naam uit publicatie", new="verwijderd",
                            region=region)  # fmt: skip


def delete_contact(region, contact, *, expected_version, user, programme):
    with transaction.atomic():
        route = _locked_route(region)
        current = locking.lock(Contact.objects.filter(pk=contact.pk, region=region),
                               expected_version, must_exist=True)  # fmt: skip
        recorder = Recorder(user, programme=programme)
        subject = _subject(current.step, current.organisation)
        recorder.record(subject=subject, field="verwijderd", old=current.organisation,
                        region=region)  # fmt: skip
        if current.person_name:
            _withdraw_name(region, current.person_name, recorder, subject)
        current.delete()
        _touch(route, user)
        recorder.flush()


def save_route(region, *, sectors, expected_version, user, programme):
    """The region's own fields; saving without changes still records the check."""
    with transaction.atomic():
        route = locking.check(_locked_route(region), expected_version)
        recorder = Recorder(user, programme=programme)
        if route.sectors != sectors:
            recorder.record(subject="routekaart", field="sectoren", old="; ".join(route.sectors),
                            new="; ".join(sectors), region=region)  # fmt: skip
            route.sectors = sectors
            locking.bump(route)
        recorder.record(subject="routekaart", field="gecontroleerd op", old=route.checked_on,
                        new=timezone.localdate(), region=region)  # fmt: skip
        _touch(route, user)
        recorder.flush()
        return route


def add_protocol(region, checked, original_name, *, user, programme):
    """`checked` is what raak.programmes.evidence.check returned."""
    kind, content_type, data, sha256 = checked
    from django.core.files.base import ContentFile

    with transaction.atomic():
        route = _locked_route(region)
        doc = ProtocolDocument(region=region, original_name=original_name[:200],
                               content_type=content_type, size=len(data), sha256=sha256,
                               uploaded_by=user)  # fmt: skip
        doc.file.save(sha256, ContentFile(data), save=False)
        doc.save()
        recorder = Recorder(user, programme=programme)
        recorder.record(subject="routekaart", field="protocoldocument",
                        old=route.protocol.original_name if route.protocol else "",
                        new=f"{doc.original_name} ({kind.upper()}, {doc.size} bytes)", region=region)  # fmt: skip
        route.protocol = doc
        _touch(route, user)
        recorder.flush()
        return doc


def snapshot(region, route):
    contacts = {}
    for c in Contact.objects.for_editor(region):
        contacts.setdefault(c.step.key, []).append(
            {**{k: getattr(c, k) for k in CONTACT_FIELDS},
             # Only names with a recorded consent exist at all (a database constraint).
             "person_name": c.person_name if c.consent_on else ""}
        )  # fmt: skip
    doc = route.protocol
    return {
        "contacts": contacts,
        "sectors": route.sectors,
        "protocol": {"id": doc.id, "name": doc.original_name, "size": doc.size,
                     "content_type": doc.content_type} if doc else None,
    }  # fmt: skip


def publish(region, *, expected_revision, user, programme, actor=""):
    with transaction.atomic():
        # The revision is the lock here: the draft the national office reviewed.
        route = locking.check(_locked_route(region), expected_revision, field="revision")
        publication = Publication.objects.create(
            region=region, revision=route.revision, published_by=user,
            checked_on=route.checked_on, data=snapshot(region, route),
        )  # fmt: skip
        recorder = Recorder(user, actor=actor, programme=programme)
        recorder.record(subject="routekaart", field="gepubliceerd", new=f"revisie {route.revision}",
                        region=region)  # fmt: skip
        recorder.flush()
        return publication


def current_publication(region):
    return Publication.objects.filter(region=region).first()
