"""The single sign-on pages (rules in oidc.py): the start, the provider's way back, and
logout at the provider too."""

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from raak.accounts import oidc
from raak.accounts.security import log_event
from raak.accounts.twofactor import needs_second_factor, safe_next, second_step_url

# Messages per refusal: what the person can do about it.
REFUSALS = {
    "unknown": "unknown",
    "ambiguous-email": "ambiguous",
    "no-verified-email": "no-email",
    "account-inactive": "inactive",
}


@require_safe
@never_cache
def start(request):
    """Off to the provider: the state, nonce and PKCE verifier stay in the session."""
    if not oidc.enabled():
        raise Http404
    request.session[oidc.NEXT] = safe_next(request)
    token = request.GET.get("uitnodiging", "")
    if token:
        request.session[oidc.INVITATION] = token[:200]
    else:
        request.session.pop(oidc.INVITATION, None)
    callback = request.build_absolute_uri(reverse("oidc-callback"))
    try:
        return oidc.client().authorize_redirect(request, callback)
    except Exception as e:  # the provider's discovery document could not be read
        log_event("oidc-refused", request, reason="provider-unreachable", error=type(e).__name__)
        return _refused(request, "provider", status=503)


@require_safe
@never_cache
def callback(request):
    if not oidc.enabled():
        raise Http404
    try:
        # State, code exchange with the PKCE verifier, ID token signature (JWKS), iss,
        # aud, exp and nonce: all checked by Authlib; any failure raises.
        token = oidc.client().authorize_access_token(request)
        claims = token.get("userinfo")
        if not claims:
            raise oidc.Refused("no-id-token")
    except oidc.Refused as e:
        log_event("oidc-refused", request, reason=e.reason)
        return _refused(request, "failed")
    except Exception as e:
        # A tampered or expired token, a wrong state or nonce, the provider refusing.
        log_event("oidc-refused", request, reason="invalid-response", error=type(e).__name__)
        return _refused(request, "failed")
    invitation = request.session.pop(oidc.INVITATION, "")
    try:
        if invitation:
            user = oidc.accept_invitation(request, invitation, claims)
        else:
            user = oidc.match(request, claims)
    except oidc.Refused as e:
        log_event("oidc-refused", request, reason=e.reason, issuer=str(claims.get("iss", "")))
        return _refused(request, REFUSALS.get(e.reason, "failed"), message=e.message)
    several_factors = oidc.provider_used_several_factors(claims)
    target = request.session.pop(oidc.NEXT, "") or reverse("start")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    log_event("oidc-login", request, user=user, issuer=str(claims.get("iss", "")),
              provider_mfa=several_factors, invitation=bool(invitation))  # fmt: skip
    request.session[oidc.ID_TOKEN] = token.get("id_token", "")
    if needs_second_factor(user):
        request.session.set_expiry(0)  # as after a password: ends with the browser
    if several_factors:
        request.session[oidc.PROVIDER_FACTOR] = user.pk
        return redirect(target)
    if needs_second_factor(user) or _has_device(user):
        request.GET = request.GET.copy()
        request.GET["next"] = target
        return redirect(second_step_url(request))
    return redirect(target)


def _has_device(user):
    from django_otp import user_has_device

    return user_has_device(user)


def _refused(request, kind, message="", status=403):
    return render(
        request, "accounts/oidc_refused.html",
        {"kind": kind, "message": message, "organisation": oidc.organisation()}, status=status,
    )  # fmt: skip


class Logout(auth_views.LogoutView):
    """Django's logout; after a single sign-on also at the provider (RP-initiated
    logout), which then sends the browser back to RAAK's home page."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(oidc.ID_TOKEN, "")
        response = super().post(request, *args, **kwargs)
        if id_token and oidc.enabled():
            try:
                metadata = oidc.client().load_server_metadata()
            except Exception:
                return response  # signed out here; the provider's session stays
            if metadata.get("end_session_endpoint"):
                return oidc.client().logout_redirect(
                    request, post_logout_redirect_uri=request.build_absolute_uri(reverse("home")),
                    id_token_hint=id_token,
                )  # fmt: skip
        return response
