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
