from django.conf import settings
from django.utils import translation


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
