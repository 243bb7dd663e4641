"""Logins, failed logins, logouts and lock-outs into the security log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from raak.accounts.security import log_event


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    log_event("login", request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` is already cleansed by Django; only the username is kept.
    locked = bool(getattr(request, "axes_locked_out", False))
    log_event(
        "login-failed",
        request,
        username=str(credentials.get("username", ""))[:150],
        **({"while_locked": True} if locked else {}),
    )


@receiver(user_locked_out)
def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    log_event("lockout", request, username=str(username or "")[:150])
