"""Single sign-on against a real OpenID Connect provider over HTTP (PyPI
`oidc-provider-mock`, a Flask app on Authlib's server, run in a thread by the test):
discovery, the authorization code flow with PKCE (the provider here enforces it),
state and nonce, the ID token's signature against the JWKS, a tampered and an expired
token refused, matching, invitations, the second factor, logout at the provider, and
PASSWORD_LOGIN=0."""

import json
import threading
import time
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from django.core.management import call_command
from django.test import Client

from raak.accounts import oidc
from raak.accounts.models import OidcIdentity, Role, SecurityEvent

P = "/raak-2008-2010"


class Provider:
    """The mock provider in a thread, with two switches for the tests: tamper with the
    next ID token, and refuse token requests without a correct PKCE verifier."""

    def __init__(self):
        import flask
        import oidc_provider_mock
        import werkzeug.serving
        from authlib.integrations import flask_oauth2
        from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
        from authlib.oauth2.rfc7636 import CodeChallenge

        self.tamper = False
        server = flask_oauth2.AuthorizationServer
        register = server.register_grant

        challenges = self.challenges = {}  # code -> (challenge, method), from /authorize

        class RememberedChallenge(CodeChallenge):
            # The mock's stored code has no challenge fields; keep them beside it.
            def get_authorization_code_challenge(self, authorization_code):
                return challenges.get(authorization_code.code, (None, None))[0]

            def get_authorization_code_challenge_method(self, authorization_code):
                return challenges.get(authorization_code.code, (None, None))[1]

        def with_pkce(self, grant, extensions=None):
            # The mock does not ask for PKCE; a real provider does. Require it here, so a
            # client that did not send the verifier cannot get a token.
            if issubclass(grant, AuthorizationCodeGrant):
                extensions = [*(extensions or []), RememberedChallenge(required=True)]
            return register(self, grant, extensions)

        server.register_grant = with_pkce
        try:
            app = oidc_provider_mock.app(require_nonce=True)
        finally:
            server.register_grant = register

        @app.after_request
        def remember_challenge(response: flask.Response):
            if flask.request.path == "/oauth2/authorize" and response.status_code == 302:
                code = parse_qs(urlparse(response.headers["Location"]).query).get("code")
                if code:
                    args = flask.request.args
                    challenges[code[0]] = (args.get("code_challenge"),
                                           args.get("code_challenge_method"))  # fmt: skip
            return response

        @app.after_request
        def tamper(response: flask.Response):
            if self.tamper and flask.request.path == "/oauth2/token" and response.is_json:
                body = response.get_json()
                header, payload, signature = body["id_token"].split(".")
                claims = json.loads(_b64decode(payload))
                claims["email"] = "landelijk@example.org"  # someone else, signature kept
                body["id_token"] = ".".join([header, _b64encode(json.dumps(claims)), signature])
                response.set_data(json.dumps(body))
            return response

        self.server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
        self.url = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def user(self, sub, **claims):
        r = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        assert r.status_code == 204, r.text

    def stop(self):
        self.server.shutdown()


def _b64decode(part):
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(text):
    import base64

    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def provider():
    import os

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the test provider speaks plain HTTP
    provider = Provider()
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, provider):
    settings.OIDC_DISCOVERY_URL = f"{provider.url}/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = "raak-test"
    settings.OIDC_CLIENT_SECRET = "geheim-raak-test"
    settings.OIDC_ORGANISATION = "Gemeente Voorbeeld"
    oidc._client.cache_clear()
    yield provider
    oidc._client.cache_clear()


def to_provider(client, query=""):
    r = client.get("/inloggen/oidc/" + query)
    assert r.status_code == 302, r.status_code
    return r["Location"]


def sign_in(client, provider, sub, query="", back=True):
    """Through the provider's real authorization page; returns RAAK's last answer."""
    url = to_provider(client, query)
    params = parse_qs(urlparse(url).query)
    assert params["code_challenge_method"] == ["S256"] and params["code_challenge"]
    assert params["state"] and params["nonce"] and "openid" in params["scope"][0]
    r = requests.post(url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    target = urlparse(r.headers["Location"])
    assert target.path == "/inloggen/oidc/terug/"
    return client.get(f"{target.path}?{target.query}") if back else target


def events(name):
    return list(SecurityEvent.objects.filter(event=name).order_by("id"))


def test_a_coordinator_signs_in_by_verified_email_then_by_sub(sso, people):
    coord = people["coord_a"]
    coord.email = "anna@example.org"
    coord.save()
    sso.user("anna-sub", email="Anna@example.org", email_verified=True, name="Anna")
    client = Client()
    r = sign_in(client, sso, "anna-sub")
    assert r.status_code == 302 and r["Location"] == "/start/"
    assert client.get("/start/").wsgi_request.user == coord
    identity = OidcIdentity.objects.get(user=coord)
    assert (identity.issuer, identity.subject) == (sso.url, "anna-sub")
    assert [e.details["by"] for e in events("oidc-matched")] == ["email"]
    assert events("oidc-login")[0].user == coord
    # Once linked the `sub` finds the account, even after the address changed.
    sso.user("anna-sub", email="anna.nieuw@example.org", email_verified=True)
    client = Client()
    assert sign_in(client, sso, "anna-sub").status_code == 302
    assert client.get("/start/").wsgi_request.user == coord
    assert len(events("oidc-matched")) == 1 and len(events("oidc-login")) == 2


def test_an_unknown_person_gets_no_account_and_no_role(sso, people, django_user_model):
    users = django_user_model.objects.count()
    sso.user("onbekend", email="onbekend@example.org", email_verified=True)
    client = Client()
    r = sign_in(client, sso, "onbekend")
    assert r.status_code == 403
    assert "vraag het landelijk bureau om een uitnodiging" in r.content.decode().lower()
    assert django_user_model.objects.count() == users and not OidcIdentity.objects.exists()
    assert "_auth_user_id" not in client.session
    assert events("oidc-refused")[-1].details["reason"] == "unknown"


def test_an_unverified_email_matches_nobody(sso, people):
    sso.user("x", email=people["coord_a"].email or "coord-a@example.org", email_verified=False)
    people["coord_a"].email = "coord-a@example.org"
    people["coord_a"].save()
    r = sign_in(Client(), sso, "x")
    assert r.status_code == 403 and not OidcIdentity.objects.exists()
    assert events("oidc-refused")[-1].details["reason"] == "no-verified-email"


def test_national_office_needs_raaks_second_factor_unless_the_provider_used_several(sso, people):
    national = people["national"]
    national.email = "bureau@example.org"
    national.save()
    sso.user("bureau", email="bureau@example.org", email_verified=True, amr=["pwd"])
    client = Client()
    r = sign_in(client, sso, "bureau", query=f"?next={P}/rondes/")
    second_step = ("/inloggen/code/", "/mijn-account/tweestaps/")  # code, or enrolment
    assert r.status_code == 302 and r["Location"].startswith(second_step)
    page = client.get(f"{P}/rondes/")
    assert page.status_code == 302 and page["Location"].startswith(second_step)
    # The provider says it used a second factor: RAAK's is skipped.
    sso.user("bureau", email="bureau@example.org", email_verified=True, amr=["pwd", "mfa"])
    client = Client()
    r = sign_in(client, sso, "bureau", query=f"?next={P}/rondes/")
    assert r["Location"] == f"{P}/rondes/"
    assert client.get(f"{P}/rondes/").status_code == 200
    assert events("oidc-login")[-1].details["provider_mfa"] is True


def test_an_acr_at_the_configured_level_counts_as_several_factors(sso, people, settings):
    settings.OIDC_MFA_ACR = ["urn:example:loa:substantial", "urn:example:loa:high"]
    national = people["national"]
    national.email = "bureau@example.org"
    national.save()
    sso.user("b", email="bureau@example.org", email_verified=True,
             acr="urn:example:loa:substantial")  # fmt: skip
    client = Client()
    sign_in(client, sso, "b")
    assert client.get(f"{P}/rondes/").status_code == 200
    sso.user("b", email="bureau@example.org", email_verified=True, acr="urn:example:loa:low")
    client = Client()
    sign_in(client, sso, "b")
    assert client.get(f"{P}/rondes/")["Location"].startswith("/mijn-account/tweestaps/")


def test_a_tampered_id_token_is_refused(sso, people):
    people["coord_a"].email = "anna@example.org"
    people["coord_a"].save()
    sso.user("anna", email="anna@example.org", email_verified=True)
    sso.tamper = True
    try:
        client = Client()
        r = sign_in(client, sso, "anna")
    finally:
        sso.tamper = False
    assert r.status_code == 403 and "_auth_user_id" not in client.session
    refused = events("oidc-refused")[-1].details
    assert refused["reason"] == "invalid-response" and "Signature" in refused["error"]


def test_an_expired_id_token_is_refused(sso, people, monkeypatch):
    import warnings

    with warnings.catch_warnings():  # the module Authlib itself checks `exp` with
        warnings.simplefilter("ignore")
        import authlib.jose.rfc7519.claims as claims

    people["coord_a"].email = "anna@example.org"
    people["coord_a"].save()
    sso.user("anna", email="anna@example.org", email_verified=True)
    client = Client()
    target = sign_in(client, sso, "anna", back=False)
    later = time.time() + 2 * 3600  # the provider's tokens live an hour
    monkeypatch.setattr(claims.time, "time", lambda: later)
    r = client.get(f"{target.path}?{target.query}")
    assert r.status_code == 403 and "_auth_user_id" not in client.session
    assert events("oidc-refused")[-1].details["error"] == "ExpiredTokenError"


def test_state_is_checked_and_a_code_works_once(sso, people):
    people["coord_a"].email = "anna@example.org"
    people["coord_a"].save()
    sso.user("anna", email="anna@example.org", email_verified=True)
    client = Client()
    target = sign_in(client, sso, "anna", back=False)
    query = parse_qs(target.query)
    # Another browser (no state in its session) cannot use the code.
    other = Client()
    assert other.get(f"{target.path}?{target.query}").status_code == 403
    forged = urlencode({"code": query["code"][0], "state": "vervalst"})
    assert client.get(f"{target.path}?{forged}").status_code == 403
    assert "_auth_user_id" not in client.session


def test_pkce_the_provider_refuses_a_code_without_the_verifier(sso, people):
    sso.user("anna", email="anna@example.org", email_verified=True)
    client = Client()
    target = sign_in(client, sso, "anna", back=False)
    code = parse_qs(target.query)["code"][0]
    r = requests.post(f"{sso.url}/oauth2/token", data={
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": "http://testserver/inloggen/oidc/terug/"},
        auth=("raak-test", "geheim-raak-test"), timeout=10)  # fmt: skip
    assert r.status_code == 400 and "code_verifier" in r.text


def test_an_invitation_is_accepted_by_signing_in(sso, people, django_user_model):
    from django.utils import timezone

    from raak.accounts.invitations import Invitation, hash_token, new_token, valid_for

    programme = people["coord_a"].roles.first().programme
    token = new_token()
    inv = Invitation.objects.create(
        programme=programme, email="nieuw@example.org", name="Nieuwe Coördinator",
        kind=Role.COORDINATOR, invited_by=people["national"], token_hash=hash_token(token),
        expires=timezone.now() + valid_for(),
    )  # fmt: skip
    inv.regions.set([programme.regions.get(slug="gouda")])
    page = Client().get(f"/uitnodiging/{token}/")
    assert "Aannemen door in te loggen met Gemeente Voorbeeld" in page.content.decode()
    # Someone else's verified address cannot take it.
    sso.user("ander", email="ander@example.org", email_verified=True)
    r = sign_in(Client(), sso, "ander", query=f"?uitnodiging={token}")
    assert r.status_code == 403
    sso.user("nieuw", email="nieuw@example.org", email_verified=True, name="Nina Nieuw")
    client = Client()
    r = sign_in(client, sso, "nieuw", query=f"?uitnodiging={token}")
    assert r.status_code == 302
    user = django_user_model.objects.get(email="nieuw@example.org")
    assert not user.has_usable_password() and user.first_name == "Nina Nieuw"
    assert Role.objects.filter(user=user, kind=Role.COORDINATOR, region__slug="gouda").exists()
    assert OidcIdentity.objects.get(user=user).subject == "nieuw"
    assert client.get("/start/").wsgi_request.user == user
    # Next time plain single sign-on finds the account.
    assert sign_in(Client(), sso, "nieuw").status_code == 302


def test_logout_ends_the_session_here_and_at_the_provider(sso, people):
    people["coord_a"].email = "anna@example.org"
    people["coord_a"].save()
    sso.user("anna", email="anna@example.org", email_verified=True)
    client = Client()
    sign_in(client, sso, "anna")
    r = client.post("/uitloggen/")
    assert r.status_code == 302
    end = urlparse(r["Location"])
    assert f"{end.scheme}://{end.netloc}" == sso.url and end.path == "/oauth2/end_session"
    params = parse_qs(end.query)
    assert params["post_logout_redirect_uri"] == ["http://testserver/"]
    assert params["id_token_hint"][0].count(".") == 2
    assert requests.get(r["Location"], timeout=10).status_code == 200  # the provider's page
    assert client.get("/start/").status_code == 302
    assert events("logout")


def test_password_login_off_except_for_a_break_glass_superuser(sso, people, settings,
                                                             django_user_model):  # fmt: skip
    settings.PASSWORD_LOGIN = False
    page = Client().get("/inloggen/").content.decode()
    assert "Inloggen met Gemeente Voorbeeld" in page and 'name="password"' not in page
    coord = people["coord_a"]
    coord.set_password("een-goed-wachtwoord-1")
    coord.save()
    client = Client()
    r = client.post("/inloggen/?wachtwoord=1", {"username": coord.username,
                                                "password": "een-goed-wachtwoord-1"})  # fmt: skip
    assert r.status_code == 200 and "Inloggen met een wachtwoord staat uit" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert events("password-login-refused")
    admin = django_user_model.objects.create_superuser("nood", "nood@example.org",
                                                       "noodtoegang-wachtwoord-1")  # fmt: skip
    r = client.post("/inloggen/?wachtwoord=1", {"username": "nood",
                                                "password": "noodtoegang-wachtwoord-1"})  # fmt: skip
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(admin.pk)


def test_without_oidc_the_pages_are_404_and_the_button_is_absent(db):
    client = Client()
    assert client.get("/inloggen/oidc/").status_code == 404
    assert client.get("/inloggen/oidc/terug/?code=x&state=y").status_code == 404
    assert "Inloggen met" not in client.get("/inloggen/").content.decode()


def test_deploy_check_is_clean_with_oidc_configured(settings):
    from io import StringIO

    settings.OIDC_DISCOVERY_URL = "https://login.example.org/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "raak", "geheim"
    assert oidc.oidc_settings_check(None) == []
    settings.OIDC_CLIENT_SECRET = ""
    assert [e.id for e in oidc.oidc_settings_check(None)] == ["raak.E020"]
    settings.OIDC_DISCOVERY_URL, settings.PASSWORD_LOGIN = "", False
    assert [e.id for e in oidc.oidc_settings_check(None)] == ["raak.E023"]
    settings.PASSWORD_LOGIN = True
    call_command("check", stdout=StringIO())
