"""Who may do what: a user's role in a programme, for one region or for all of it."""

from django.conf import settings
from django.db import models
from django.dispatch import Signal

from raak.accounts import kinds
from raak.programmes.models import Programme, Region

# Sent with `users` (a list) and `programme` whenever what a user may do changes in a
# way a bulk update hides from post_save: a role changed in place, or a programme's
# "second factor for everyone" switched on. The API revokes those users' tokens.
powers_changed = Signal()


class Role(models.Model):
    # The kinds live in kinds.py, which the Invitation shares (no import circle).
    NATIONAL, COORDINATOR, OFFICER, VIEWER = (
        kinds.NATIONAL,
        kinds.COORDINATOR,
        kinds.OFFICER,
        kinds.VIEWER,
    )
    ADVISOR = kinds.ADVISOR
    KINDS = kinds.KINDS
    WRITERS = kinds.WRITERS  # kinds that may change a region's data; a viewer only reads

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles")
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="roles")
    # Empty for the national office, which works on every region.
    region = models.ForeignKey(Region, models.CASCADE, null=True, blank=True, related_name="roles")
    kind = models.CharField(max_length=12, choices=KINDS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "region"], name="role_unique_per_region"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="national", region__isnull=True)
                | (~models.Q(kind="national") & models.Q(region__isnull=False)),
                name="role_national_has_no_region",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.region or self.programme}"


class SecurityEvent(models.Model):
    """One line of the security log (BIO 12.4): who did what, when, from where.

    Never holds a password, a code or the personal data itself: `details` names
    what was read or changed (an id, a count, a region), not its content.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(max_length=40, db_index=True)
    # Kept as text as well, so the log survives the user's deletion and names
    # attempts on usernames that do not exist.
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    programme = models.ForeignKey(
        Programme, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.username}"


# Invitations live in their own module; imported here so Django finds the model.
from raak.accounts.invitations import Invitation  # noqa: E402, F401


class OidcIdentity(models.Model):
    """An account's identity at the organisation's OpenID Connect provider: after the
    first sign-in matched by verified e-mail, the provider's stable `sub` finds the
    account, even when the address changes later (raak/accounts/oidc.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]

    def __str__(self):
        return f"{self.issuer} {self.subject}"
