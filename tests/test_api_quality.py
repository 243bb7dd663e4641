"""The API's rule results per region and round and reporting rates: who sees what."""

import pytest

from raak.cycle.models import Submission
from raak.programmes import rule_tally, rules
from raak.programmes.models import RuleJustification
from tests.conftest import api_token
from tests.test_api import ApiClient

A = "/api/v1/programmes/raak-2008-2010"
WHO = ["viewer_a", "coord_b", "coord_a", "national"]


@pytest.fixture
def clients(people, ruled_round):
    out = {"anonymous": ApiClient()}
    for who in WHO:
        out[who] = ApiClient(api_token(people[who], scope="read"))
    return out


def test_rule_results(clients, ruled_round):
    final = f"{A}/rounds/eindrapportage-2011/regions/gouda/rule-results"
    data = clients["anonymous"].get(final).json()
    assert data["count"] == 1 and data["items"][0] == {
        "round": "eindrapportage-2011", "region": "gouda", "rule": "na-programmaperiode",
        "importance": "warning", "milestone": "handelingsprotocol",
        "field": "milestone-handelingsprotocol", "justification": "",
        "message": "Regionaal handelingsprotocol: De programmaperiode is voorbij en deze mijlpaal "
        "is nog niet gereed: licht toe hoe en wanneer hij gereed komt.",
    }  # fmt: skip
    open_url = f"{A}/rounds/voorjaar-2011/regions/gouda/rule-results"
    gouda = ruled_round.programme.regions.get(slug="gouda")
    RuleJustification.objects.create(
        round=ruled_round, region=gouda, target="handelingsprotocol", text="Na de zomer",
        rule=ruled_round.programme.rules.get(key="na-programmaperiode"),
    )  # fmt: skip
    assert clients["anonymous"].get(open_url).status_code == 404
    assert clients["coord_b"].get(open_url).status_code == 404
    items = clients["viewer_a"].get(open_url).json()["items"]
    assert items[0]["importance"] == "error"  # errors first
    assert {i["rule"]: i["justification"] for i in items}["na-programmaperiode"] == "Na de zomer"
    assert clients["national"].get(open_url).json() == clients["coord_a"].get(open_url).json()


def test_reporting_rates(clients, ruled_round):
    Submission.objects.create(round=ruled_round, region=ruled_round.programme.regions.first(),
                              state="accepted")  # fmt: skip
    for who in ("anonymous", "viewer_a", "coord_a"):
        assert clients[who].get(f"{A}/reporting-rates").status_code == 404
    items = clients["national"].get(f"{A}/reporting-rates").json()["items"]
    checks = {
        k: items[1].pop(k)
        for k in (
            "ruleErrors",
            "ruleWarningsOpen",
            "ruleWarningsJustified",
            "regionsWithOpenResults",
        )
    }
    assert items[1] == {"round": "voorjaar-2011", "expected": 37, "submitted": 1,
                        "onTime": None, "accepted": 1, "reportingRate": 3, "onTimeRate": None,
                        "acceptedRate": 3}  # fmt: skip
    # The final round by hand (test_rules.HAND_COUNT): 12 warnings in 10 regions; the
    # second round as the progress page counts it.
    assert {k: items[0][k] for k in checks} == {
        "ruleErrors": 0, "ruleWarningsOpen": 12, "ruleWarningsJustified": 0,
        "regionsWithOpenResults": 10,
    }  # fmt: skip
    t = rule_tally.tally(ruled_round, rules.run(ruled_round), 0, {})
    assert checks == {"ruleErrors": t.errors, "ruleWarningsOpen": t.warnings_open,
                     "ruleWarningsJustified": t.warnings_justified,
                     "regionsWithOpenResults": t.regions}  # fmt: skip
    assert checks["ruleErrors"] > 0
