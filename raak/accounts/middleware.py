"""Session and response rules that hold for every page, so no view can forget them."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from raak.accounts.security import log_event
from raak.accounts.twofactor import is_verified, second_factor_applies, second_step_url

LAST_SEEN = "raak_last_seen"
# Set at login: a session ends SESSION_COOKIE_AGE after it, however busy.
STARTED = "raak_started"
# Writing the session on every request would cost a database write per page; a
# minute's precision is plenty for a time-out of many minutes.
TOUCH_EVERY = 60


class IdleTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request, and in any case
    SESSION_COOKIE_AGE after login (Django alone would extend it on every write)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Health probes (/gezond...) never end a session nor write to the security log.
        if request.path_info.startswith("/gezond"):
            return self.get_response(request)
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            started = request.session.get(STARTED, now)
            idle = last is not None and now - last > settings.SESSION_IDLE_SECONDS
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                log_event("session-expired", request, idle_seconds=now - (last or now),
                          age_seconds=now - started)  # fmt: skip
                logout(request)
                messages.info(request, _("U was te lang niet actief en bent uitgelogd."))
                if request.method == "GET":
                    return redirect(
                        f"{reverse('login')}?{urlencode({'next': request.get_full_path()}, safe='/')}"
                    )
                return redirect("login")
            if last is None or now - last >= min(TOUCH_EVERY, settings.SESSION_IDLE_SECONDS):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


# Pages a password-only session may open: the steps themselves, leaving, language.
OPEN_TO_PASSWORD_ONLY = {
    "otp-verify",
    "otp-setup",
    "logout",
    "set_language",
    "switch-language",
    "health",
    "health-ready",
    "health-workers",
}


class SecondFactorMiddleware:
    """A session that gave only the password, of a user who has or needs a second
    factor, reaches nothing but the code step (or enrolment) and logging out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not is_verified(user):
            match = getattr(request, "resolver_match", None)
            name = match.url_name if match else self._name(request)
            if name not in OPEN_TO_PASSWORD_ONLY and second_factor_applies(user):
                return redirect(second_step_url(self._with_next(request)))
        return self.get_response(request)

    @staticmethod
    def _name(request):
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None

    @staticmethod
    def _with_next(request):
        # second_step_url reads `next` from GET; carry the page asked for.
        if request.method == "GET" and "next" not in request.GET:
            request.GET = request.GET.copy()
            request.GET["next"] = request.get_full_path()
        return request
