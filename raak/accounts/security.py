"""The security log (BIO 12.4): one call, `log_event`, for every security event.

Each event is written twice: as a JSON line to the `raak.security` logger (stdout or
a file, for the SIEM) and as a `SecurityEvent` row the national office can read and
export. Callers pass *what* happened and identifiers, never secrets or personal
data: "read officers' names of region gouda", not the names.

Event names in use (keep this list current):
login, login-failed, logout, session-expired, lockout, lock-lifted, otp-verified,
otp-failed, otp-enrolled, otp-reset, recovery-code-used, recovery-codes-renewed,
require-2fa-changed, password-changed, password-reset-requested, password-reset,
role-changed,
user-invited, user-deactivated, export, download, personal-data-read,
unpublished-read, token-created, token-revoked, token-used, token-refused,
oidc-login, oidc-matched, oidc-refused, password-login-refused.
"""

import json
import logging

from django.utils import timezone

logger = logging.getLogger("raak.security")

_SECRET_KEYS = {"password", "token", "code", "otp", "secret"}


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For is trusted only when the reverse proxy sets
    # REMOTE_ADDR for us (see docs/deployment.md), never from the client.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def log_cli_event(event, programme=None, **details):
    """An event of the command line (exports with `raak export`, ...): no request, so
    the operating-system account stands in for the user."""
    import getpass

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return log_event(event, None, username=f"cli:{who}", programme=programme, via="cli", **details)


def log_event(event, request=None, *, user=None, username="", programme=None, **details):
    """Record one security event. `details` must be JSON-serialisable identifiers."""
    from raak.accounts.models import SecurityEvent

    for key in details:
        if key.lower() in _SECRET_KEYS:
            raise ValueError(f"the security log never stores {key!r}")
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    if user is not None and not username:
        username = user.get_username()
    row = SecurityEvent.objects.create(
        event=event,
        user=user,
        username=username[:150],
        ip=client_ip(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
        programme=programme,
        details=details,
    )
    logger.info(
        json.dumps(
            {
                "at": (row.at or timezone.now()).isoformat(),
                "event": event,
                "user": username,
                "ip": row.ip,
                "path": row.path,
                "programme": programme.slug if programme is not None else None,
                **details,
            },
            ensure_ascii=False,
            default=str,
        )
    )
    return row
