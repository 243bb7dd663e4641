"""Personal access tokens for the JSON API.

A token is shown once, when it is made; only its SHA-256 is stored. The first
characters (`prefix`) are stored in clear so a request finds its row with one indexed
lookup, and so the owner can tell their tokens apart on the token page.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessTokenQuerySet(models.QuerySet):
    def for_token_page(self, user):
        return self.filter(user=user).order_by("-created_at", "-id")


class AccessToken(models.Model):
    READ, READ_WRITE = "read", "read-write"
    SCOPES = [(READ, _("alleen lezen")), (READ_WRITE, _("lezen en wijzigen"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)  # sha256 of the whole token, hex
    scope = models.CharField(max_length=10, choices=SCOPES, default=READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Made in a session verified with a second factor (or at the server's console).
    # Only such a token acts for an owner who needs a second factor at the time of
    # the request (raak.accounts.access.token_may_act).
    second_factor = models.BooleanField(default=False)

    objects = AccessTokenQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, today=None):
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())

    @property
    def is_usable(self):
        return self.revoked_at is None and not self.is_expired()

    @property
    def can_write(self):
        return self.scope == self.READ_WRITE
