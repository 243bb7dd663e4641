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
