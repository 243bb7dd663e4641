"""Invitations: the national office asks someone, by e-mail, to take a role.

The link carries a random token; only its SHA-256 is stored, so a copy of the database
does not hold working links. The token is made when the message is sent (in the
background task, `invitation_mail.send_invitation`), so it never sits in the task
queue either. Sending again makes a new token: the old link stops working. A link
works once, until `expires`.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from raak.accounts.kinds import KINDS
from raak.programmes.models import Programme, Region


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    return secrets.token_urlsafe(32)


def valid_for():
    return timedelta(days=settings.INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)

    def for_people_page(self, programme, regions=None):
        qs = self.pending().filter(programme=programme)
        if regions is not None:
            qs = qs.filter(regions__in=regions).distinct()
        return qs.select_related("invited_by").prefetch_related("regions").order_by("-created")


class Invitation(models.Model):
    VALID, EXPIRED, USED, WITHDRAWN = "valid", "expired", "used", "withdrawn"

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="invitations")
    email = models.EmailField()  # stored in lower case
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=12, choices=KINDS)
    # Empty for the national office; one region, or several for an advisor.
    regions = models.ManyToManyField(Region, blank=True, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=300, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            # Two people inviting the same address at once: the second gets a message.
            models.UniqueConstraint(
                fields=["programme", "email"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self):
        return f"{_('uitnodiging')} {self.id} · {self.get_kind_display()}"

    @property
    def state(self):
        if self.withdrawn_at:
            return self.WITHDRAWN
        if self.accepted_at:
            return self.USED
        if self.expires <= timezone.now():
            return self.EXPIRED
        return self.VALID

    def region_list(self):
        return sorted(self.regions.all(), key=lambda r: (r.position, r.name))

    def describe(self):
        """The role in words, for the history and the message: "regiocoördinator: Gouda"."""
        return describe_role(self.kind, self.region_list())


def describe_role(kind, regions):
    label = str(dict(KINDS)[kind])
    names = ", ".join(r.name for r in regions)
    return f"{label}: {names}" if names else label


def find(token):
    """The invitation a link's token belongs to, or None (unknown, or replaced)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("programme").filter(token_hash=hash_token(token)).first()
    )
