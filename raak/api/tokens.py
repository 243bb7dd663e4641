"""Making, finding and revoking personal access tokens.

A token reads `raak_<prefix>_<secret>`: 32 random bytes in all (the prefix is the
first 6 of them, hex, for the lookup), so guessing one is out of reach and storing
only a fast hash (SHA-256, not a password hash) is enough.
"""

import hashlib
import hmac
import secrets

from django.utils import timezone

from raak.accounts.access import token_may_act
from raak.api.models import AccessToken

PREFIX_BYTES = 6
SECRET_BYTES = 26


def digest(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user, *, name, scope, expires_on=None, second_factor=False):
    """Return (token, raw): the raw text is shown once and never stored. `second_factor`:
    made in a session verified with one (or at the server's console)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    raw = f"raak_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    token = AccessToken.objects.create(
        user=user, name=name, prefix=prefix, digest=digest(raw), scope=scope,
        expires_on=expires_on, second_factor=second_factor,
    )  # fmt: skip
    return token, raw


def find_token(raw):
    """The usable token `raw` names, or None (unknown, wrong, revoked, expired)."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "raak" or len(parts[1]) != PREFIX_BYTES * 2:
        return None
    token = AccessToken.objects.select_related("user").filter(prefix=parts[1]).first()
    # Constant-time comparison: the prefix is public, the rest is the secret.
    if token is None or not hmac.compare_digest(token.digest, digest(raw)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    return token


def lacks_second_factor(token):
    """True when the owner needs a second factor now and this token does not carry one
    (checked on every request: raak.accounts.access.token_may_act)."""
    return not token_may_act(token.user, token.second_factor)


def mark_used(token):
    # One UPDATE, no read-modify-write: concurrent requests with one token are fine.
    now = timezone.now()
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def revoke(token):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
