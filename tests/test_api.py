"""The JSON API: access for every endpoint and every kind of caller, no unpublished
data through any endpoint, filter, search or page link, one truth with `raak summary`,
and the NL API Design Rules conventions at run time."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from raak.api.tokens import create_token
from raak.programmes.models import ChangeRecord, MilestoneStatus
from tests.conftest import api_token

A = "/api/v1"
P = f"{A}/programmes/raak-2008-2010"
R1 = "eindrapportage-2011"  # published
R2 = "voorjaar-2011"  # open
SECRET = "GEHEIM-R2-notitie"
WHO = ["anonymous", "viewer_a", "coord_b", "coord_a", "national"]


class ApiClient(Client):
    """A test client that sends a token with every request."""

    def __init__(self, raw=None):
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {raw}" if raw else None)
        if raw is None:
            self.defaults.pop("HTTP_AUTHORIZATION")


@pytest.fixture
def world(people, open_round, knowledge):
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="handelingsprotocol"
    )
    status.note = SECRET
    status.save()
    clients = {"anonymous": ApiClient()}
    for who in WHO[1:]:
        clients[who] = ApiClient(api_token(people[who]))
    return clients


def row(value=None, **others):
    expected = dict.fromkeys(WHO, value)
    expected.update(others)
    return expected


INSIDERS = row(404, viewer_a=200, coord_a=200, national=200)  # the region's members + national
NATIONAL = row(404, national=200)
MEMBERS = row(200, anonymous=404)
GOUDA = f"{P}/rounds/{R2}/regions/gouda"

READS = [
    (f"{A}/programmes", row(200)),
    (P, row(200)),
    (f"{A}/programmes/bestaat-niet", row(404)),
    (f"{P}/regions", row(200)),
    (f"{P}/regions/gouda", row(200)),
    (f"{P}/regions/atlantis", row(404)),
    (f"{P}/milestones", row(200)),
    (f"{P}/indicators", row(200)),
    (f"{P}/rounds", row(200)),
    (f"{P}/rounds/{R1}", row(200)),
    (f"{P}/rounds/{R2}", MEMBERS),
    (f"{P}/rounds/bestaat-niet", row(404)),
    (f"{P}/rounds/{R1}/summary", row(200)),
    (f"{P}/rounds/{R2}/summary", NATIONAL),
    (f"{P}/rounds/{R1}/statuses", row(200)),
    (f"{P}/rounds/{R2}/statuses", NATIONAL),
    (f"{P}/rounds/{R1}/indicator-values", row(200)),
    (f"{P}/rounds/{R2}/indicator-values", NATIONAL),
    (f"{P}/rounds/{R1}/regions/gouda/statuses", row(200)),
    (f"{GOUDA}/statuses", INSIDERS),
    (f"{GOUDA}/indicator-values", INSIDERS),
    (f"{GOUDA}/statuses/handelingsprotocol", INSIDERS),
    (f"{GOUDA}/statuses/bestaat-niet", row(404)),
    (f"{GOUDA}/indicator-values/stuurgroep-na-2010", INSIDERS),
    (f"{P}/rounds/{R1}/regions/gouda/statuses/handelingsprotocol", row(200)),
    (f"{P}/rounds/{R1}/regions/gouda/indicator-values/stuurgroep-na-2010", row(200)),
    (f"{P}/forecast", row(200)),
    (f"{P}/forecast?round={R2}", NATIONAL),
    (f"{P}/activities", row(200)),
    (f"{P}/activities?q=meldcode&province=PV28", row(200)),
    (f"{P}/activities/b3-001", row(200)),
    (f"{P}/activities/bestaat-niet", row(404)),
    (f"{P}/action-points?region=gouda", row(200)),
    (f"{P}/rounds/{R1}/open-data", row(200)),
    (f"{P}/rounds/{R2}/open-data", row(404)),  # not published: not even the national office
    (f"{P}/rounds/{R1}/open-data/mijlpalen-per-regio", row(200)),
    (f"{P}/rounds/{R2}/open-data/mijlpalen", row(404)),
    (f"{P}/rounds/{R1}/open-data/bestaat-niet", row(404)),
    (f"{P}/reports", row(200)),
    (f"{A}/openapi.json", row(200)),
    (f"{A}/docs", row(200)),
    (f"{A}/bestaat-niet", row(404)),
    (f"{P}/regions/", row(404)),  # no trailing slashes
    (f"{P}/regions?page=99", row(404)),
    (f"{P}/regions?pageSize=101", row(400)),
]


def test_read_access_matrix(world):
    # One test over all rows: loading the demo and knowledge base per row is slow.
    wrong = []
    for url, expected in READS:
        got = {who: world[who].get(url).status_code for who in WHO}
        if got != expected:
            wrong.append((url, got))
    assert not wrong


WRITES = [
    (f"{GOUDA}/statuses/handelingsprotocol", {"note": "via de API"},
     row(403, anonymous=401, coord_b=404, coord_a=200, national=200)),
    (f"{GOUDA}/indicator-values/stuurgroep-na-2010", {"note": "via de API"},
     row(403, anonymous=401, coord_b=404, coord_a=200, national=200)),
    (f"{P}/rounds/{R1}/regions/gouda/statuses/handelingsprotocol", {"note": "x"},
     row(403, anonymous=401, coord_b=404)),
    (f"{P}/rounds/{R2}/regions/atlantis/statuses/handelingsprotocol", {"note": "x"},
     row(404, anonymous=401)),
]  # fmt: skip


@pytest.mark.parametrize("method", ["patch", "put"])
def test_write_access_matrix(world, method):
    wrong = []
    for url, body, expected in WRITES:
        if method == "put":
            body = {"status": "partial", "expectedPeriod": "Najaar 2011", **body}
            if "indicator-values" in url:
                body = {"category": "yes", "note": "x"}
        for who in WHO:
            # If-Match "*": any stored version, so that one caller's success does not
            # turn the next caller's answer into a 412.
            response = getattr(world[who], method)(
                url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH="*"
            )
            kind = response["Content-Type"]
            if response.status_code != expected[who] or not kind.startswith(
                "application/json" if response.status_code == 200 else "application/problem+json"
            ):
                wrong.append((method, url, who, response.status_code, kind))
    assert not wrong


def test_read_only_token_cannot_write(world, people):
    client = ApiClient(create_token(people["coord_a"], name="lezen", scope="read")[1])
    url = f"{GOUDA}/statuses/handelingsprotocol"
    assert client.get(url).status_code == 200
    response = client.patch(url, '{"note": "x"}', content_type="application/json",
                            HTTP_IF_MATCH='"1"')  # fmt: skip
    assert response.status_code == 403
    assert "alleen lezen" in response.json()["detail"]


def _walk(client, url, seen):
    """Fetch `url` and every page its links lead to."""
    while url and url not in seen:
        seen.add(url)
        response = client.get(url)
        body = response.content.decode()
        yield url, response, body
        is_json = response["Content-Type"].startswith("application/json")
        data = response.json() if response.status_code == 200 and is_json else {}
        url = (data.get("links") or {}).get("next")


def test_no_unpublished_data_through_any_endpoint_filter_search_or_link(world):
    urls = [u for u, _e in READS] + [
        f"{P}/rounds/{R1}/statuses?pageSize=5", f"{P}/forecast?pageSize=3",
        f"{P}/rounds?round={R2}", f"{P}/activities?q={SECRET}", f"{P}/forecast?region=gouda",
        f"{P}/rounds/{R1}/statuses?region=gouda&milestone=handelingsprotocol",
        f"{GOUDA}/statuses?pageSize=2", f"{P}/rounds/{R2}/statuses?region=gouda",
    ]  # fmt: skip
    for who in ("anonymous", "coord_b"):
        seen = set()
        for url in urls:
            for page_url, response, body in _walk(world[who], url, seen):
                # The links repeat the caller's own query (?q=..., ?round=...): not data.
                if response["Content-Type"].startswith("application/json"):
                    body = json.dumps({k: v for k, v in response.json().items() if k != "links"})
                assert SECRET not in body, (who, page_url)
                if who == "anonymous" and not page_url.endswith(("/openapi.json", "/docs")):
                    assert R2 not in body and "Tweede peiling" not in body, (who, page_url)
    # Insiders see it, through the region's own endpoint.
    for who in ("coord_a", "viewer_a", "national"):
        assert SECRET in world[who].get(f"{GOUDA}/statuses/handelingsprotocol").content.decode()


def test_links_keep_filters_and_never_widen(world):
    data = world["anonymous"].get(f"{P}/regions?pageSize=10&province=PV27").json()
    assert data["count"] == len([1 for _ in range(data["count"])])
    assert data["links"]["next"] is None or "province=PV27" in data["links"]["next"]
    data = world["anonymous"].get(f"{P}/regions?pageSize=10").json()
    assert data["count"] == 37 and len(data["items"]) == 10
    assert data["links"]["prev"] is None
    assert data["links"]["next"].endswith("pageSize=10&page=2")
    assert data["links"]["last"].endswith("page=4")
    last = world["anonymous"].get(data["links"]["last"]).json()
    assert len(last["items"]) == 7 and last["links"]["next"] is None


def test_the_api_summary_is_raak_summary(world):
    out = StringIO()
    call_command("summary", "--round", R1, "--format", "json", stdout=out)
    expected = json.loads(out.getvalue())
    got = world["anonymous"].get(f"{P}/rounds/{R1}/summary").json()
    assert got == expected
    werkplan = next(i for i in got["items"] if i["key"] == "werkplan")
    assert next(c for c in werkplan["categories"] if c["key"] == "done")["count"] == 36
    protocol = {c["key"]: c["count"] for c in next(
        i for i in got["items"] if i["key"] == "handelingsprotocol")["categories"]}  # fmt: skip
    assert protocol["done"] + protocol["partial"] == 29


def test_a_change_through_the_api_shows_on_the_region_page_and_in_history(world, people):
    from tests.conftest import sign_in

    url = f"{GOUDA}/statuses/werkplan"
    before = world["coord_a"].get(url)
    response = world["coord_a"].put(
        url, json.dumps({"status": "expected", "expectedPeriod": "Najaar 2011",
                         "note": "Wijziging via de API"}),
        content_type="application/json", HTTP_IF_MATCH=before["ETag"],
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["expectedEarliest"] == "2011-09-01"
    records = ChangeRecord.objects.filter(region__slug="gouda", round__slug=R2)
    assert {(r.field, r.user, r.new) for r in records} >= {
        ("status", people["coord_a"], "expected"),
        ("note", people["coord_a"], "Wijziging via de API"),
    }
    page = sign_in(Client(), people["coord_a"]).get("/raak-2008-2010/regio/gouda/")
    body = page.content.decode()
    assert "Wijziging via de API" in body and "Najaar 2011" in body and "coord-a" in body


def test_etag_if_match_412_and_428(world):
    url = f"{GOUDA}/statuses/handelingsprotocol"
    client = world["coord_a"]
    first = client.get(url)
    assert first["ETag"] == '"1"' and first.json()["version"] == 1

    def patch(body, **headers):
        return client.patch(url, json.dumps(body), content_type="application/json", **headers)

    missing = patch({"note": "a"})
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    ok = patch({"note": "a"}, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["note"] == "a"
    # The other person's stale save is refused with the stored state and its ETag.
    stale = world["national"].patch(url, '{"note": "b"}', content_type="application/json",
                                    HTTP_IF_MATCH='"1"')  # fmt: skip
    assert stale.status_code == 412
    problem = stale.json()
    assert problem["status"] == 412 and problem["current"]["note"] == "a"
    assert problem["current"]["version"] == 2 and stale["ETag"] == '"2"'
    assert MilestoneStatus.objects.get(round__slug=R2, region__slug="gouda",
                                       milestone__key="handelingsprotocol").note == "a"  # fmt: skip
    assert patch({"note": "c"}, HTTP_IF_MATCH='W/"2"').status_code == 412  # weak never matches


@pytest.mark.parametrize(
    "body,field",
    [({"status": "klaar"}, "status"), ({"status": "expected", "expectedPeriod": ""}, "expectedPeriod"),
     ({"status": "done", "expectedPeriod": "Voorjaar 2011"}, "expectedPeriod"),
     ({"status": "partial", "expectedPeriod": "ooit"}, "expectedPeriod"),
     ({"status": "done", "note": "x" * 4001}, "note"), ({"note": 5}, "status")],
)  # fmt: skip
def test_bad_input_names_the_field_and_changes_nothing(world, body, field):
    url = f"{GOUDA}/statuses/handelingsprotocol"
    response = world["coord_a"].put(url, json.dumps(body), content_type="application/json",
                                    HTTP_IF_MATCH='"1"')  # fmt: skip
    assert response.status_code == 400
    problem = response.json()
    assert problem["title"] == "Bad Request" and problem["status"] == 400
    assert field in [p["name"] for p in problem["invalidParams"]]
    assert world["coord_a"].get(url).json()["version"] == 1


def test_indicator_value_rules(world):
    url = f"{GOUDA}/indicator-values/stuurgroep-na-2010"
    client = world["coord_a"]
    etag = client.get(url)["ETag"]

    def put(body):
        return client.put(url, json.dumps(body), content_type="application/json",
                          HTTP_IF_MATCH=etag)  # fmt: skip

    bad = put({"category": "misschien"})
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "category"
    assert put({"category": "no", "date": "2011-02-30"}).status_code == 400
    assert put({"category": "no", "date": 0}).status_code == 400
    good = put({"category": "no", "note": "gestopt"})
    assert good.status_code == 200 and good.json()["category"] == "no"


def test_problems_and_headers_everywhere(world):
    anonymous = world["anonymous"]
    for url, status in [(f"{A}/bestaat-niet", 404), (f"{P}/rounds/{R2}", 404),
                        (f"{P}/regions?pageSize=0", 400), ("/api/", 404)]:  # fmt: skip
        response = anonymous.get(url)
        assert response.status_code == status
        assert response["Content-Type"] == "application/problem+json"
        assert response["API-Version"] == "1.0.0"
        problem = response.json()
        assert {"type", "title", "status", "detail"} <= set(problem) and problem["status"] == status
    bad = anonymous.get(f"{P}/regions?pageSize=0&activeOn=morgen").json()
    assert {p["name"] for p in bad["invalidParams"]} == {"pageSize", "activeOn"}
    not_allowed = anonymous.delete(f"{P}/regions")
    assert not_allowed.status_code == 405 and not_allowed["Allow"] == "GET"
    assert not_allowed["Content-Type"] == "application/problem+json"
    assert anonymous.get(f"{P}/regions", HTTP_ACCEPT="text/html").status_code == 406
    bad_token = ApiClient("raak_000000000000_nope").get(f"{P}/regions")
    assert bad_token.status_code == 401 and "Bearer" in bad_token["WWW-Authenticate"]
    assert anonymous.get(f"{P}/regions?region=%00").status_code == 400


def test_openapi_document_is_public_with_cors_and_contact(world):
    response = world["anonymous"].get(f"{A}/openapi.json", HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    doc = response.json()
    assert response["API-Version"] == doc["info"]["version"] == "1.0.0"
    assert set(doc["info"]["contact"]) == {"name", "email", "url"}
    assert doc["servers"][0]["url"] == "/api/v1"
    assert all(not p.endswith("/") for p in doc["paths"])
    for ops in doc["paths"].values():
        for op in ops.values():
            for code, spec in op["responses"].items():
                assert "API-Version" in spec["headers"], code
                if code >= "400":
                    assert "application/problem+json" in spec["content"]
    preflight = world["anonymous"].options(f"{P}/regions")
    assert preflight.status_code == 204 and "If-Match" in preflight["Access-Control-Allow-Headers"]


def test_regions_carry_cbs_codes_and_history(world):
    data = world["anonymous"].get(f"{P}/regions/gouda").json()
    assert data["centrumgemeenteCode"].startswith("GM") and data["provinceCode"].startswith("PV")
    assert set(data) >= {"municipalities", "predecessors", "successors", "notes"}
    indicators = world["anonymous"].get(f"{P}/indicators").json()["items"]
    assert any(c["dateAllowed"] for i in indicators for c in i["categories"])
