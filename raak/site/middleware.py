"""The site-wide middleware: the client's address behind proxies, private responses
never cached, Dutch first, the busy-database page and NUL parameters refused.
(Signing in, the idle time-out and the second factor are raak/accounts/middleware.py.)"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext


class LanguageMiddleware:
    """Dutch first: the interface is Dutch unless the visitor chose another language
    with the language switch (a cookie). The browser's Accept-Language is ignored so
    that every visitor sees the same Dutch pages by default."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class NulParameterMiddleware:
    """PostgreSQL refuses NUL in text, so a filter such as ?thema=%00 ended in a server
    error. Refused here for every query parameter of every page at once, naming the
    parameter (the API does the same in raak.api.http)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):  # answered as application/problem+json there
            return self.get_response(request)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                message = gettext("De parameter ?%(name)s= bevat een NUL-teken.")
                return HttpResponseBadRequest(
                    message % {"name": name.replace("\x00", "")}, content_type="text/plain"
                )
        if request.method == "POST":
            # The same rule for every field a page's form sends (forms refuse NUL per
            # field, but a view that reads request.POST itself did not).
            for name, values in request.POST.lists():
                if "\x00" in name or any("\x00" in v for v in values):
                    message = gettext(
                        "Het veld ‘%(name)s’ bevat een NUL-teken; niets is opgeslagen."
                    )
                    return HttpResponseBadRequest(
                        message % {"name": name.replace("\x00", "")}, content_type="text/plain"
                    )
        return self.get_response(request)


class BusyDatabaseMiddleware:
    """SQLite has one writer at a time. When a long `raak import` holds the write lock
    longer than the busy timeout, a web save fails with "database is locked"; the
    visitor then gets a page saying nothing was saved and to try again (503 with
    Retry-After), not a server error. The save's transaction was rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError
        from django.shortcuts import render

        if isinstance(exception, OperationalError) and "is locked" in str(exception):
            response = render(request, "busy.html", status=503)
            response["Retry-After"] = "30"
            return response
        return None


class ProxyAddressMiddleware:
    """Behind PROXY_COUNT trusted reverse proxies, the client's address is the entry
    that many places from the end of X-Forwarded-For; anything before it was written
    by the client and is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = settings.PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if count and forwarded:
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if len(hops) >= count:
                request.META["REMOTE_ADDR"] = hops[-count]
        return self.get_response(request)


class PrivateResponseMiddleware:
    """`Cache-Control: no-store` on everything a signed-in user sees (member pages,
    unpublished exports, documents) and on every page with a CSRF token, and
    Permissions-Policy on every response. A response the view marks `raak_shared` (the
    theme's stylesheet, logo and favicon: the same bytes for everyone, under a URL that
    changes with their content) keeps its own caching, so a member's browser does not
    fetch them again for every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if getattr(response, "raak_shared", False):
            return response
        user = getattr(request, "user", None)
        # A page that asked for a CSRF token (a form: /wachtwoord-vergeten/, the report
        # file page) belongs to one visitor even when anonymous: no shared cache keeps it.
        if (
            getattr(request, "raak_private", False)
            or (user is not None and user.is_authenticated)
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            # A view under csrf_protect has set the cookie and cleared the flag already.
            or settings.CSRF_COOKIE_NAME in response.cookies
        ):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
