"""Single sign-on with the organisation's OpenID Connect provider (Entra ID, Keycloak,
a government broker): the rules; the pages are in oidc_views.py.

The protocol is Authlib's Django client (`authlib.integrations.django_client`): it
reads the provider's discovery document, sends the authorization code request with
PKCE (S256), a `state` and a `nonce` kept in the session, exchanges the code, and
verifies the ID token's signature against the provider's JWKS and its `iss`, `aud`,
`exp` and `nonce`. Authlib is a protocol library: it makes no accounts and has no
views, so RAAK's own rules stay here in one place (mozilla-django-oidc declares Django
5.2 at most; django-allauth would bring a second account system beside RAAK's
invitations, roles and django-otp):

- an account is found by the provider's stable `sub` once linked, else by the
  verified e-mail address (exactly one active account), and linked then;
- an invitation can be accepted by signing in: its address must be the verified one;
- nobody else gets anything: no account, no role; a page says to ask the national office;
- RAAK's own second factor is skipped only when the ID token says several factors were
  used (`amr` in OIDC_MFA_AMR, `acr` in OIDC_MFA_ACR); the national office otherwise
  gives RAAK's code as after a password;
- every sign-in, match and refusal goes to the security log.
"""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, Warning, register
from django.db import transaction
from django.utils import timezone

from raak.accounts.models import OidcIdentity
from raak.accounts.security import log_event

PROVIDER_FACTOR = "raak_oidc_factor"  # session: the user id whose factors the provider vouched for
ID_TOKEN = "raak_oidc_id_token"  # session: for the provider's logout (id_token_hint)
INVITATION = "raak_oidc_invitation"  # session: the invitation being accepted by signing in
NEXT = "raak_oidc_next"


def enabled():
    return bool(settings.OIDC_DISCOVERY_URL and settings.OIDC_CLIENT_ID)


def organisation():
    return settings.OIDC_ORGANISATION or settings.SITE_NAME


@functools.cache
def _client(discovery_url, client_id, client_secret, scopes, timeout):
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    return oauth.register(
        "raak",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=discovery_url,
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": timeout},
    )


def client():
    """Authlib's client, one per configuration and process: it keeps the discovery
    document and the JWKS it fetched (a key it does not know makes it fetch again)."""
    return _client(settings.OIDC_DISCOVERY_URL, settings.OIDC_CLIENT_ID,
                   settings.OIDC_CLIENT_SECRET, settings.OIDC_SCOPES, settings.OIDC_TIMEOUT)  # fmt: skip


class Refused(Exception):
    """A sign-in that gives no session; `reason` goes to the security log, the message
    to the page."""

    def __init__(self, reason, message=""):
        super().__init__(reason)
        self.reason, self.message = reason, message


def provider_used_several_factors(claims):
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if any(value in settings.OIDC_MFA_AMR for value in amr):
        return True
    return bool(claims.get("acr")) and claims.get("acr") in settings.OIDC_MFA_ACR


def verified_email(claims):
    email = claims.get(settings.OIDC_EMAIL_CLAIM)
    if not isinstance(email, str) or "@" not in email:
        return ""
    if settings.OIDC_REQUIRE_VERIFIED_EMAIL and claims.get("email_verified") is not True:
        return ""
    return email.strip()


def match(request, claims):
    """The active account these claims belong to: by the linked (issuer, sub), else by
    verified e-mail (then linked). Raises Refused."""
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    email = verified_email(claims)
    User = get_user_model()
    identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject)
    identity = identity.first()
    if identity is not None:
        if not identity.user.is_active:
            raise Refused("account-inactive")
        OidcIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
        return identity.user
    if not email:
        raise Refused("no-verified-email")
    found = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(found) != 1:
        raise Refused("unknown" if not found else "ambiguous-email")
    user = found[0]
    _link(request, user, issuer, subject, how="email")
    return user


def _link(request, user, issuer, subject, how):
    with transaction.atomic():
        OidcIdentity.objects.create(user=user, issuer=issuer, subject=subject,
                                    last_login_at=timezone.now())  # fmt: skip
    log_event("oidc-matched", request, user=user, issuer=issuer, by=how)


def accept_invitation(request, token, claims):
    """Accept the invitation `token` for the person these claims describe (its address
    must be their verified e-mail); returns the account."""
    from raak.accounts import people as service
    from raak.accounts.invitations import Invitation, find

    inv = find(token)
    if inv is None or inv.state != Invitation.VALID:
        raise Refused("invitation-invalid")
    email = verified_email(claims)
    if not email or email.lower() != inv.email.lower():
        raise Refused("invitation-other-email")
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    linked = OidcIdentity.objects.filter(issuer=issuer, subject=subject).select_related("user")
    linked = linked.first()
    try:
        account = linked.user if linked else service.existing_account(inv)
        if account is not None and account.is_active:
            user = service.accept(inv.id, user=account, request=request)
        else:
            name = str(claims.get("name") or "")[:150] or email
            # No password: this person signs in through the provider.
            user = service.accept(inv.id, request=request, new_account={
                "username": service.suggest_username(email), "name": name, "password": None,
            })  # fmt: skip
    except service.PeopleError as e:
        raise Refused("invitation-refused", str(e)) from None
    if linked is None:
        _link(request, user, issuer, subject, how="invitation")
    return user


class ProviderFactorMiddleware:
    """After django-otp's middleware: a session whose sign-in the provider vouched for
    with several factors counts as verified, as if RAAK's code had been given."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Signed-in users only: the session is read for them anyway.
        if user is not None and user.is_authenticated:
            if request.session.get(PROVIDER_FACTOR) == user.pk:
                user.is_verified = lambda: True
        return self.get_response(request)


@register(Tags.security, deploy=True)
def oidc_settings_check(app_configs, **kwargs):
    """Single sign-on configured completely, over HTTPS; password login not switched
    off without it."""
    errors = []
    if settings.OIDC_DISCOVERY_URL:
        if not (settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET):
            errors.append(Error("OIDC_DISCOVERY_URL is set without OIDC_CLIENT_ID and "
                                "OIDC_CLIENT_SECRET.", id="raak.E020"))  # fmt: skip
        if not settings.OIDC_DISCOVERY_URL.startswith("https://") and not settings.DEBUG:
            errors.append(Warning("OIDC_DISCOVERY_URL is not an https:// address.",
                                  hint="The provider's keys and tokens must come over TLS.",
                                  id="raak.W021"))  # fmt: skip
        if "openid" not in settings.OIDC_SCOPES.split():
            errors.append(Error("OIDC_SCOPES must contain openid.", id="raak.E022"))
    elif not settings.PASSWORD_LOGIN:
        errors.append(Error("PASSWORD_LOGIN=0 without OIDC_DISCOVERY_URL: only superusers "
                            "could log in.", id="raak.E023"))  # fmt: skip
    return errors
