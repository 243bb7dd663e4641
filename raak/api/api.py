"""The NinjaAPI object: error handling and the finishing touches of the OpenAPI
document that ninja cannot express per operation (headers on every response, the
problem responses every operation can give, the token scheme)."""

import copy
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from raak.api import http
from raak.api.schemas import Problem

logger = logging.getLogger(__name__)


class ProblemError(Exception):
    """Raise to answer with a problem: `ProblemError(412, detail, slug=..., current=...)`."""

    def __init__(self, status, detail="", *, slug="", headers=None, **members):
        super().__init__(detail)
        self.status, self.detail, self.slug = status, detail, slug
        self.headers, self.members = headers, members


API_VERSION_HEADER = {
    "description": "the full version of the API (semantic versioning)",
    "required": True,
    "schema": {"type": "string", "example": http.API_VERSION},
}
ETAG_HEADER = {
    "description": "the version of this representation; send it back in If-Match to change it",
    "required": True,
    "schema": {"type": "string"},
}
LINK_HEADER = {"description": "not used", "schema": {"type": "string"}}

PROBLEM_DESCRIPTIONS = {
    400: "invalid input; `invalidParams` names each parameter or field and why",
    401: "the Authorization header names no usable token (unknown, revoked, expired)",
    403: "the token's user may read but not change this, the token is read-only, or "
    "the round is closed",
    404: "does not exist, or is not visible to this caller (unpublished data)",
    406: "the Accept header rules out application/json",
    410: "the publication of this round was withdrawn; `reason` says why",
    412: "If-Match does not name the current version; `current` holds the stored state",
    428: "a change needs an If-Match header with the ETag of the version it starts from",
    500: "an error on our side; it is logged",
    503: "the database is busy (SQLite, during a long import); nothing was saved, retry",
}


# Operations on a published round's open data: 410 once the publication is withdrawn.
GONE_WHEN_WITHDRAWN = ("listOpenData", "getOpenDataTable")


class RaakAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix="", path_params=path_params)
        return finish(dict(schema))


def _problem_codes(method, op):
    params = op.get("parameters") or []
    writes = method in ("put", "patch", "post", "delete")
    codes = {401, 406, 500}
    if params or writes:
        codes.add(400)
    # Every operation can 404: a path part that names nothing, or a page past the last.
    codes.add(404)
    if writes:
        codes |= {403, 412, 428, 503}
    if op.get("operationId") in GONE_WHEN_WITHDRAWN:
        codes.add(410)
    return sorted(codes)


def _flatten_nullable(node):
    """`anyOf: [X, {type: null}]` -> X with `type: [X's type, "null"]`: the same
    meaning, but linters can see X's `format` (the ADR's date rule looks there)."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
            other = next(o for o in options if o != {"type": "null"})
            if "type" in other and "$ref" not in other:
                merged = {k: v for k, v in node.items() if k != "anyOf"}
                merged.update(other)
                merged["type"] = [other["type"], "null"]
                node.clear()
                node.update(merged)
        for value in node.values():
            _flatten_nullable(value)
    elif isinstance(node, list):
        for value in node:
            _flatten_nullable(value)


def finish(schema):
    schema = copy.deepcopy(schema)
    schema["info"]["contact"] = dict(settings.API_CONTACT)
    schema["servers"] = [{"url": http.ROOT, "description": "this server"}]
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    # Ours replaces the scheme ninja derives from the write operations' auth class.
    components["securitySchemes"] = {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "a personal access token (raak_...), made on the token page",
        }
    }
    for ops in schema["paths"].values():
        for method, op in ops.items():
            responses = {str(code): r for code, r in op.get("responses", {}).items()}
            op["responses"] = responses
            responses.pop("422", None)
            for code, response in list(responses.items()):
                if str(code).startswith(("2", "3")):
                    headers = response.setdefault("headers", {})
                    headers["API-Version"] = API_VERSION_HEADER
                    if method in ("get", "put", "patch"):
                        headers["ETag"] = ETAG_HEADER
            for code in _problem_codes(method, op):
                responses[str(code)] = {
                    "description": PROBLEM_DESCRIPTIONS[code],
                    "headers": {"API-Version": API_VERSION_HEADER},
                    "content": {http.PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
            if method in ("put", "patch"):
                op["security"] = [{"bearerAuth": []}]
                op.setdefault("parameters", []).append(
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "description": "the ETag of the version the change starts from",
                        "schema": {"type": "string"},
                    }
                )
            else:
                # Anonymous callers see published data; a token shows more.
                op["security"] = [{}, {"bearerAuth": []}]
    _flatten_nullable(schema)
    return schema


api = RaakAPI(
    title="RAAK API",
    version=http.API_VERSION,
    description=(
        "The published picture of a regional programme against child abuse (regions, "
        "milestones, indicators, rounds, summaries, the forecast, the knowledge base), "
        "and for members with a personal access token their own region's unpublished "
        "data and its changes. Errors are RFC 9457 problem details; lists are pages "
        "with links; changes need If-Match."
    ),
    openapi_url="/openapi.json",
    docs_url=None,
    docs_decorator=require_safe,
    urls_namespace="api",
)


def _invalid_params(errors):
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        name = ".".join(loc) or "body"
        out.append({"name": name, "reason": str(err.get("msg", ""))})
    return out


@api.exception_handler(ValidationError)
def _validation(request, exc):
    return http.problem(
        400, _("De invoer klopt niet; zie invalidParams."), slug="invoer",
        invalidParams=_invalid_params(exc.errors),
    )  # fmt: skip


@api.exception_handler(ProblemError)
def _problem(request, exc):
    return http.problem(exc.status, exc.detail, slug=exc.slug, headers=exc.headers, **exc.members)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return http.problem(404, _("Niet gevonden."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return http.problem(403, str(exc) or _("U mag dit lezen maar niet wijzigen."))


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return http.problem(
        401, _("Een wijziging vraagt een persoonlijk toegangstoken (Authorization: Bearer …)."),
        slug="token", headers={"WWW-Authenticate": 'Bearer realm="raak"'},
    )  # fmt: skip


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:
        return http.problem(
            400, str(exc), slug="invoer",
            invalidParams=[{"name": "body", "reason": str(exc)}],
        )  # fmt: skip
    return http.problem(exc.status_code, str(exc))


@api.exception_handler(Exception)
def _crash(request, exc):
    if isinstance(exc, OperationalError) and "is locked" in str(exc):
        # SQLite's one writer is busy (a long import): nothing was saved, try again.
        return http.problem(
            503, _("De database is even bezet; er is niets opgeslagen. Probeer het zo opnieuw."),
            headers={"Retry-After": "30"},
        )  # fmt: skip
    logger.exception("API error on %s", request.path)
    return http.problem(500, _("Er ging iets mis aan onze kant; de fout is vastgelegd."))
