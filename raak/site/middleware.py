from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
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
