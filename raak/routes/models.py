"""The regional route map (routekaart): what a professional does when worried about a
child, step by step, with the region's "namen en rugnummers".

Steps are programme data the national office writes. Each region keeps a draft
(contacts per step, the sectors it applies to, its protocol document); the public
page shows only what the national office published (`Publication`, a snapshot), so an
unreviewed edit never reaches it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from raak.programmes.models import Programme, Region, UploadedDocument


class Step(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="route_steps")
    key = models.SlugField()
    title = models.CharField(max_length=200)
    instruction = models.TextField()  # what to do, in a sentence or two
    record = models.TextField(blank=True)  # what to write down
    contact_kinds = models.JSONField(default=list, blank=True)  # kinds of contacts it needs
    source = models.CharField(max_length=300, blank=True)  # the passage the text comes from
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="route_step_key_unique")
        ]

    def __str__(self):
        return self.title


def protocol_path(instance, filename):
    # Never the uploaded name on disk. One file per content: a published snapshot keeps
    # pointing at the document it was reviewed with, whatever is uploaded later.
    return f"routes/{instance.region.programme.slug}/{instance.region.slug}/{instance.sha256}"


class ProtocolDocument(UploadedDocument):
    """A region's own protocol document, checked like evidence (raak.programmes.evidence)."""

    region = models.ForeignKey(Region, models.CASCADE, related_name="route_documents")
    file = models.FileField(upload_to=protocol_path, max_length=300)


class RegionRoute(models.Model):
    """A region's draft route map: its own fields and a revision counter that moves with
    every change to the draft, so a publication names exactly what was reviewed."""

    region = models.OneToOneField(Region, models.CASCADE, related_name="route")
    sectors = models.JSONField(default=list, blank=True)
    protocol = models.ForeignKey(
        ProtocolDocument, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_on = models.DateField(null=True, blank=True)  # last time someone went through it
    revision = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)  # optimistic locking of the fields above
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )


class ContactQuerySet(models.QuerySet):
    def for_editor(self, region):
        return self.filter(region=region).select_related("step")


class Contact(models.Model):
    """An organisation or contact point for one step. A person's name only with the
    date they agreed to be listed on the public route map."""

    region = models.ForeignKey(Region, models.CASCADE, related_name="route_contacts")
    step = models.ForeignKey(Step, models.CASCADE, related_name="contacts")
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)  # e.g. "advies en melden"
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=300, blank=True)
    opening_hours = models.CharField(max_length=200, blank=True)
    person_name = models.CharField(max_length=200, blank=True)  # personal data
    consent_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["step__position", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person_name="") | Q(consent_on__isnull=False),
                name="route_contact_name_needs_consent",
            )
        ]

    def __str__(self):
        return self.organisation


class Publication(models.Model):
    """What the public sees of a region's route map: a snapshot of the draft at the
    revision the national office reviewed. The newest one is current."""

    region = models.ForeignKey(Region, models.CASCADE, related_name="route_publications")
    revision = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_on = models.DateField(null=True, blank=True)
    # {"contacts": {step key: [contact dict]}, "sectors": [...], "protocol": {...} | None}
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-published_at", "-id"]
