"""What every response under /api/ has in common (NL API Design Rules).

- `API-Version` with the full semantic version on every response, errors included;
- errors as `application/problem+json` (RFC 9457), also those Django makes itself
  (a URL that matches nothing, a method the path does not take, a crash);
- CORS for reading: the published data is public, so any origin may GET it;
- token authentication: `Authorization: Bearer raak_...`. The API never uses the
  session cookie, so a logged-in browser cannot be tricked into writing (no CSRF).
"""

import hashlib
import json
import re
from http import HTTPStatus

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from raak.accounts.security import log_event
from raak.api import tokens

API_VERSION = "1.0.0"
PREFIX = "/api/"
ROOT = "/api/v1"
PROBLEM = "application/problem+json"
READ_METHODS = ("GET", "HEAD")
EXPOSED = "API-Version, ETag, Link, Content-Language"


def problem_type(slug):
    """A problem type is a URI reference to its explanation on the documentation page."""
    return f"{ROOT}/docs#probleem-{slug}" if slug else "about:blank"


def problem(status, detail="", *, slug="", title="", headers=None, **members):
    body = {
        "type": problem_type(slug),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        **members,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type=PROBLEM,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


_PROGRAMME_IN_PATH = re.compile(r"^/api/v1/programmes/([-\w]+)")


def _programme(path):
    from raak.programmes.models import Programme

    match = _PROGRAMME_IN_PATH.match(path)
    return Programme.objects.filter(slug=match[1]).first() if match else None


class SessionlessApiMiddleware:
    """Right after authentication: under /api/ nobody is signed in by the session, so
    the session rules further down (idle time-out, second factor) leave API calls
    alone. ApiMiddleware, last in the list, then puts the token's user in place."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PREFIX):
            request.user = AnonymousUser()
        return self.get_response(request)


class ApiMiddleware:
    """Last in the list: replaces the (already emptied) user by the token's user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        response = self._handle(request)
        return self._finish(request, response)

    def _handle(self, request):
        if request.method == "OPTIONS":
            return self._preflight()
        is_docs = request.path.rstrip("/").endswith("/docs")
        if not is_docs and not (request.accepts("application/json") or request.accepts(PROBLEM)):
            return problem(406, _("Deze API levert alleen application/json."), slug="accept")
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            # PostgreSQL refuses NUL in text; refuse it here for every parameter at once.
            return problem(
                400, _("De URL bevat een NUL-teken."), slug="invoer",
                invalidParams=[{"name": "url", "reason": "contains a NUL character"}],
            )  # fmt: skip
        request.api_token = None
        header = request.headers.get("Authorization")
        if header is None:
            # Never the session: see the module's docstring.
            request.user = AnonymousUser()
            return self.get_response(request)
        scheme, _sep, raw = header.partition(" ")
        token = tokens.find_token(raw.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return problem(
                401,
                _(
                    "Het token is onbekend, ingetrokken of verlopen, of de header is geen "
                    "‘Authorization: Bearer <token>’."
                ),  # fmt: skip
                slug="token",
                headers={"WWW-Authenticate": 'Bearer realm="raak", error="invalid_token"'},
            )
        if tokens.lacks_second_factor(token):
            log_event("token-refused", request, user=token.user, programme=_programme(request.path),
                      token_id=token.prefix, reason="second-factor")  # fmt: skip
            return problem(
                401,
                _(
                    "Dit token is gemaakt zonder tweede factor, en die is nu voor u verplicht. "
                    "Log in met tweestapsverificatie en maak een nieuw token."
                ),
                slug="token",
                headers={"WWW-Authenticate": 'Bearer realm="raak", error="invalid_token"'},
            )
        request.user = token.user
        request.api_token = token
        tokens.mark_used(token)
        log_event(
            "token-used", request, user=token.user, programme=_programme(request.path),
            token_id=token.prefix, method=request.method,
        )  # fmt: skip
        return self.get_response(request)

    def _preflight(self):
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "GET, HEAD, PUT, PATCH, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, If-Match"
        response["Access-Control-Max-Age"] = "3600"
        return response

    def _finish(self, request, response):
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and not content_type.startswith(PROBLEM):
            # Django's own 404/405/500 pages, or a library's plain JSON error.
            allow = response.get("Allow")
            response = problem(
                response.status_code,
                _("Deze URL bestaat niet in de API. Zie %(docs)s.") % {"docs": f"{ROOT}/docs"}
                if response.status_code == 404
                else "",
                headers={"Allow": allow} if allow else None,
            )
        response["API-Version"] = API_VERSION
        if request.method in READ_METHODS or request.method == "OPTIONS":
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED
        # Answers differ per token: shared caches must not mix them up.
        patch_vary_headers(response, ["Authorization", "Accept"])
        if (
            request.method in READ_METHODS
            and response.status_code == 200
            and not response.has_header("ETag")
            and not response.streaming
            and content_type.startswith("application/json")
        ):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        return response
