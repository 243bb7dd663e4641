"""Browser pages of the API: the documentation (made from the OpenAPI document) and
each user's personal access tokens (make one, see it once, revoke it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from raak.accounts.models import Role
from raak.accounts.security import log_event
from raak.api import http, tokens
from raak.api.api import PROBLEM_DESCRIPTIONS, api
from raak.api.forms import TokenForm
from raak.api.models import AccessToken

METHODS = ("get", "put", "patch", "post", "delete")

# Problem types by the slug in their URI (raak.api.http.problem_type).
PROBLEM_TYPES = [
    ("invoer", 400, "invalid input; invalidParams names each field"),
    ("token", 401, PROBLEM_DESCRIPTIONS[401]),
    ("accept", 406, PROBLEM_DESCRIPTIONS[406]),
    ("ingetrokken", 410, PROBLEM_DESCRIPTIONS[410]),
    ("verouderd", 412, PROBLEM_DESCRIPTIONS[412]),
    ("if-match-ontbreekt", 428, PROBLEM_DESCRIPTIONS[428]),
]


@require_safe
def docs(request):
    """The API's documentation page, made from its OpenAPI document."""
    schema = api.get_openapi_schema()
    operations = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if method not in METHODS:
                continue
            operations.append({
                "method": method.upper(), "path": http.ROOT + path, "id": op["operationId"],
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "parameters": [p for p in op.get("parameters", []) if p["in"] != "path"],
                "responses": sorted(op["responses"]), "writes": method in ("put", "patch"),
            })  # fmt: skip
    return render(request, "api/docs.html", {
        "info": schema["info"], "operations": operations, "root": http.ROOT,
        "problems": PROBLEM_TYPES, "version": http.API_VERSION,
    })  # fmt: skip


def _needs_verified_second_factor(request):
    """A token bypasses the login, so the national office (which logs in with a
    second factor) makes tokens only in a session whose second factor is verified."""
    national = Role.objects.filter(user=request.user, kind=Role.NATIONAL).exists()
    verified = getattr(request.user, "is_verified", lambda: False)()
    return (national or request.user.is_staff) and not verified


def _verified_with_device(request):
    """The session passed the code step with a device (django-otp sets `is_verified`
    only then)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


@never_cache
@login_required
def tokens_page(request):
    if _needs_verified_second_factor(request):
        raise PermissionDenied(_("Log in met uw tweede factor om API-sleutels te maken."))
    created = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            token, raw = tokens.create_token(
                request.user, name=d["name"], scope=d["scope"], expires_on=d["expires_on"],
                second_factor=_verified_with_device(request),
            )  # fmt: skip
            log_event("token-created", request, token_id=token.prefix, scope=token.scope)
            created = {"token": token, "raw": raw}
            form = TokenForm()
    else:
        form = TokenForm()
    return render(request, "api/tokens.html", {
        "form": form, "created": created, "tokens": AccessToken.objects.for_token_page(request.user),
        "docs_url": f"{http.ROOT}/docs",
    })  # fmt: skip


@login_required
@require_POST
def revoke(request, token_id):
    token = get_object_or_404(AccessToken, id=token_id, user=request.user)
    if token.revoked_at is None:
        tokens.revoke(token)
        log_event("token-revoked", request, token_id=token.prefix)
        messages.success(request, _("Het token ‘%(n)s’ is ingetrokken.") % {"n": token.name})
    return redirect("api-tokens")
