"""Personal access tokens: made and revoked in the browser pages, shown once, stored
hashed, expiring, and every creation, use and revocation in the security log."""

import datetime as dt
import hashlib

import pytest
from django.test import Client

from raak.accounts.models import SecurityEvent
from raak.api.models import AccessToken
from raak.api.tokens import create_token, find_token
from tests.conftest import sign_in

URL = "/api-sleutels/"
API = "/api/v1/programmes/raak-2008-2010/regions/gouda"


def test_token_pages_need_a_login(people):
    response = Client().get(URL)
    assert response.status_code == 302 and "/inloggen/" in response["Location"]
    assert Client().post(f"{URL}1/intrekken/").status_code == 302


def test_make_use_and_revoke_a_token(people):
    client = sign_in(Client(), people["coord_a"])
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"name": "Dashboard gemeente", "scope": "read-write",
                                 "expires_on": ""})  # fmt: skip
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    raw = response.context["created"]["raw"]
    assert raw.startswith("raak_") and raw in response.content.decode()
    token = AccessToken.objects.get(user=people["coord_a"])
    # Stored hashed: the raw token is nowhere in the row.
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(list(AccessToken.objects.values())) and raw[5:17] == token.prefix
    # Shown once: the list page afterwards has only the prefix.
    listing = client.get(URL).content.decode()
    assert raw not in listing and token.prefix in listing and "Dashboard gemeente" in listing

    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(API).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    used = SecurityEvent.objects.filter(event="token-used", user=people["coord_a"])
    assert used.count() == 1 and used[0].details["token_id"] == token.prefix
    assert used[0].programme.slug == "raak-2008-2010"
    assert raw not in str(used[0].details)

    response = client.post(f"{URL}{token.id}/intrekken/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get(API).status_code == 401
    events = set(SecurityEvent.objects.values_list("event", flat=True))
    assert {"token-created", "token-used", "token-revoked"} <= events


def test_nobody_revokes_another_users_token(people):
    token, _raw = create_token(people["coord_b"], name="b", scope="read")
    client = sign_in(Client(), people["coord_a"])
    assert client.post(f"{URL}{token.id}/intrekken/").status_code == 404
    assert client.get(f"{URL}{token.id}/intrekken/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "data,field",
    [({"name": "", "scope": "read"}, "name"), ({"name": "x", "scope": "alles"}, "scope"),
     ({"name": "x", "scope": "read", "expires_on": "01-01-2000"}, "expires_on"),
     ({"name": "x", "scope": "read", "expires_on": "morgen"}, "expires_on")],
)  # fmt: skip
def test_bad_token_form_names_the_field_and_makes_nothing(people, data, field):
    client = sign_in(Client(), people["viewer_a"])
    response = client.post(URL, data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not AccessToken.objects.exists()


def test_expired_and_unknown_tokens_are_refused(people):
    token, raw = create_token(people["coord_a"], name="oud", scope="read",
                              expires_on=dt.date(2020, 1, 1))  # fmt: skip
    assert find_token(raw) is None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API).status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw[:-1]}x").get(API).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Basic abc").get(API).status_code == 401
    people["coord_b"].is_active = False
    people["coord_b"].save()
    _t, raw_b = create_token(people["coord_b"], name="b", scope="read")
    assert find_token(raw_b) is None


def test_national_office_needs_a_verified_second_factor_for_tokens(people):
    plain = Client()
    plain.force_login(people["national"])
    response = plain.get(URL)
    # The second-factor step first (raak.accounts), never the token page.
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "tweestaps" in response["Location"]
    assert sign_in(Client(), people["national"]).get(URL).status_code == 200


def test_the_api_ignores_the_session(people, open_round):
    """A logged-in browser is anonymous to the API: no cross-site writes with cookies."""
    client = sign_in(Client(), people["coord_a"])
    url = "/api/v1/programmes/raak-2008-2010/rounds/voorjaar-2011/regions/gouda/statuses/werkplan"
    assert client.get(url).status_code == 404
    response = client.patch(url, '{"note": "x"}', content_type="application/json",
                            HTTP_IF_MATCH='"1"')  # fmt: skip
    assert response.status_code == 401


def test_joining_the_national_office_revokes_earlier_tokens(people, demo):
    from raak.accounts.models import Role
    from raak.api import tokens

    token, raw = tokens.create_token(people["coord_a"], name="oud", scope="read-write")
    assert tokens.find_token(raw) is not None
    Role.objects.create(user=people["coord_a"], programme=demo, kind=Role.NATIONAL)
    assert tokens.find_token(raw) is None  # made without a second factor: no office powers


# --- Issue 21: a token never carries more than its owner's current roles and second
# factor, checked on every request, and revoked on every change of powers.

OPEN = "/api/v1/programmes/raak-2008-2010/rounds/voorjaar-2011"
STATUS = f"{OPEN}/regions/leiden/statuses/werkplan"


def test_second_factor_bypass_through_token_after_role_change_to_national(people, demo, open_round):
    """A coordinator's token (made without a second factor) must not read or write as
    the national office after the role is changed to national: 401 until a new token
    is made in a session verified with a second factor."""
    from raak.accounts import people as people_service
    from raak.accounts.models import Role

    client = sign_in(Client(), people["coord_a"])
    raw = client.post(URL, {"name": "oud", "scope": "read-write"}).context["created"]["raw"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(f"{OPEN}/regions/leiden/statuses").status_code == 404  # not yet national

    role = Role.objects.get(user=people["coord_a"])
    people_service.change_role(role, kind=Role.NATIONAL, region=None,
                               expected=(role.kind, role.region_id),
                               actor=people_service.Actor(user=people["national"]))  # fmt: skip
    for response in (
        api.get(f"{OPEN}/regions/leiden/statuses"),
        api.get(f"{OPEN}/summary"),
        api.patch(STATUS, '{"note": "x"}', content_type="application/json", HTTP_IF_MATCH='"0"'),
    ):
        assert response.status_code in (401, 403), response.content
    # Even a token that escaped revocation is refused at request time.
    AccessToken.objects.filter(user=people["coord_a"]).update(revoked_at=None)
    assert api.get(f"{OPEN}/regions/leiden/statuses").status_code == 401
    assert "tweede factor" in api.get(f"{OPEN}/regions/leiden/statuses").json()["detail"]

    # A password-only session cannot make a new one; a verified session can.
    plain = Client()
    plain.force_login(people["coord_a"])
    assert plain.post(URL, {"name": "nieuw", "scope": "read"}).status_code in (302, 403)
    verified = sign_in(Client(), people["coord_a"])
    raw2 = verified.post(URL, {"name": "nieuw", "scope": "read"}).context["created"]["raw"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw2}").get(
        f"{OPEN}/regions/leiden/statuses").status_code == 200  # fmt: skip


def test_token_revoked_on_every_role_change_and_add(people, demo):
    from raak.accounts import people as people_service
    from raak.accounts.models import Role

    actor = people_service.Actor(user=people["national"])
    token, raw = create_token(people["viewer_a"], name="t", scope="read")
    role = Role.objects.get(user=people["viewer_a"])
    people_service.change_role(role, kind=Role.COORDINATOR, region=role.region,
                               expected=(role.kind, role.region_id), actor=actor)  # fmt: skip
    assert find_token(raw) is None
    token, raw = create_token(people["viewer_a"], name="t2", scope="read")
    people_service.add_role(demo, people["viewer_a"], kind=Role.VIEWER,
                            region=demo.regions.get(slug="leiden"), actor=actor)  # fmt: skip
    assert find_token(raw) is None
    assert SecurityEvent.objects.filter(event="token-revoked", user=people["viewer_a"]).count() == 2


def test_require_2fa_switch_revokes_tokens_without_second_factor(people, demo):
    """Switching 'second factor for everyone' on: tokens of members made without one
    stop working at once (revoked, and refused at request time)."""
    plain, raw = create_token(people["coord_b"], name="zonder", scope="read-write")
    kept, raw_kept = create_token(people["coord_a"], name="met", scope="read", second_factor=True)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=people["coord_a"], name="app", confirmed=True)
    office = sign_in(Client(), people["national"])
    response = office.post("/raak-2008-2010/beveiliging/", {"action": "require-2fa", "value": "1"})
    assert response.status_code == 302
    plain.refresh_from_db()
    kept.refresh_from_db()
    assert plain.revoked_at is not None and kept.revoked_at is None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API).status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw_kept}").get(API).status_code == 200
    # A device wiped (lost phone): the token made with it no longer acts.
    TOTPDevice.objects.filter(user=people["coord_a"]).delete()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw_kept}").get(API).status_code == 401
