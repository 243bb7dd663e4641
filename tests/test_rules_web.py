"""Validation rules on the pages: beside the field after a save, on the report page with
links to fix, an error blocks submitting, a warning needs a justification (kept when the
report is returned, recorded), the national office reads it on the review page."""

import pytest
from django.test import Client

from raak.cycle import submissions
from raak.cycle.models import Submission
from raak.programmes.models import ChangeRecord, MilestoneStatus, RuleJustification
from tests.conftest import sign_in

P = "/raak-2008-2010"
R = "voorjaar-2011"
REPORT = f"{P}/ronde/{R}/regio/gouda/rapportage/"


def edit(key):
    return f"{P}/ronde/{R}/regio/gouda/mijlpaal/{key}/"


def post_status(client, rnd, key, status, expected="", note=""):
    s = MilestoneStatus.objects.get(round=rnd, region__slug="gouda", milestone__key=key)
    return client.post(edit(key), {"status": status, "expected": expected, "note": note,
                                   "version": s.version})  # fmt: skip


@pytest.fixture
def clients(people, ruled_round):
    return {name: sign_in(Client(), user) for name, user in people.items()}


def test_saving_shows_the_rule_beside_the_field(clients, ruled_round):
    c = clients["coord_a"]
    response = post_status(c, ruled_round, "werkplan", "not_started")
    assert response.status_code == 302
    assert response["Location"] == edit("werkplan") + "#controles"
    page = c.get(edit("werkplan")).content.decode()
    assert 'id="controles"' in page
    assert "Deze mijlpaal was in de vorige ronde gereed en is dat nu niet meer" in page
    assert "teruggezet" not in page  # the message, not a code
    # A save with nothing to report goes back to the region as before.
    assert post_status(c, ruled_round, "eindfoto", "done")["Location"] == f"{P}/regio/gouda/"


def test_error_blocks_submitting_and_warning_needs_justification(clients, ruled_round, people):
    c = clients["coord_a"]
    page = c.get(REPORT).content.decode()
    # At 1 June 2011 Gouda's "Voorjaar 2011" has passed (error), and the milestone is not
    # done after the programme period (warning).
    assert "De verwachte periode ligt vóór de peildatum" in page
    assert "De programmaperiode is voorbij" in page
    assert f'href="{edit("handelingsprotocol")}"' in page
    refused = c.post(REPORT, {"action": "submit"}, follow=True).content.decode()
    assert "Indienen kan nog niet: 1 fout en 1 waarschuwing zonder toelichting" in refused
    assert "De verwachte periode ligt vóór de peildatum" in refused
    assert not Submission.objects.filter(round=ruled_round).exists()
    # Fix the error: a new expected period.
    post_status(c, ruled_round, "handelingsprotocol", "partial", "Najaar 2011", "meldcode")
    refused = c.post(REPORT, {"action": "submit"}, follow=True).content.decode()
    assert "0 fouten en 1 waarschuwing zonder toelichting" in refused
    # An error cannot be justified away; a warning can.
    r = c.post(REPORT, {"action": "justify", "rule": "over-tijd", "target": "handelingsprotocol",
                        "justification": "x"}, follow=True)  # fmt: skip
    assert "Een fout licht u niet toe" in r.content.decode()
    c.post(REPORT, {"action": "justify", "rule": "na-programmaperiode",
                    "target": "handelingsprotocol",
                    "justification": "Regionale meldcode volgt na de zomer"})  # fmt: skip
    assert c.post(REPORT, {"action": "submit"}).status_code == 302
    assert Submission.objects.get(round=ruled_round).state == Submission.SUBMITTED
    record = ChangeRecord.objects.get(subject="toelichting regel na-programmaperiode")
    assert record.new == "Regionale meldcode volgt na de zomer" and record.user == people["coord_a"]
    # The national office reads the justification on the review page.
    review = clients["national"].get(REPORT).content.decode()
    assert "Toelichting van de regio" in review
    assert "Regionale meldcode volgt na de zomer" in review
    # Returning keeps it; the region can resubmit at once.
    submissions.transition(ruled_round, ruled_round.programme.regions.get(slug="gouda"), "return",
                           user=people["national"], comment="graag nog de datum")  # fmt: skip
    assert RuleJustification.objects.filter(round=ruled_round).count() == 1
    assert c.post(REPORT, {"action": "submit"}).status_code == 302
    assert Submission.objects.get(round=ruled_round).state == Submission.SUBMITTED


def test_justifying_needs_write_access_and_a_known_rule(clients, ruled_round):
    data = {"action": "justify", "rule": "na-programmaperiode", "target": "handelingsprotocol",
            "justification": "x"}  # fmt: skip
    assert clients["viewer_a"].post(REPORT, data).status_code == 403
    assert clients["coord_b"].post(REPORT, data).status_code == 404
    assert Client().post(REPORT, data).status_code == 302  # to the login page
    assert clients["coord_a"].post(REPORT, {**data, "rule": "nope"}).status_code == 400
    assert clients["coord_a"].post(REPORT, {**data, "target": "nope"}).status_code == 400
    assert not RuleJustification.objects.exists()
    too_long = clients["coord_a"].post(REPORT, {**data, "justification": "x" * 4001}, follow=True)
    assert "hoogstens 4000 tekens" in too_long.content.decode()
    assert not RuleJustification.objects.exists()


def test_submitting_through_the_service_is_blocked_too(ruled_round, people):
    gouda = ruled_round.programme.regions.get(slug="gouda")
    with pytest.raises(submissions.NotAllowed, match="Indienen kan nog niet"):
        submissions.transition(ruled_round, gouda, "submit", user=people["coord_a"])


RULES = f"{P}/regels/"


def test_national_office_edits_rules_in_the_browser(clients, ruled_round, people):
    c = clients["national"]
    page = c.get(RULES).content.decode()
    assert "Mijlpaal teruggezet" in page and "previous(status(.))" in page
    data = {"key": "protocol-zonder-werkplan", "name": "Protocol zonder werkplan",
            "message": "Het protocol is gereed maar het werkplan niet.", "importance": "error",
            "scope": "region", "version": 0,
            "condition": "status(${handelingsprotocol}) = 'done' and status(${werkpln}) != 'done'"}  # fmt: skip
    refused = c.post(f"{RULES}nieuw/", data).content.decode()
    assert "onbekende mijlpaal “werkpln”" in refused
    assert not ruled_round.programme.rules.filter(key=data["key"]).exists()
    data["condition"] = data["condition"].replace("werkpln", "werkplan")
    assert c.post(f"{RULES}nieuw/", data).status_code == 302
    rule = ruled_round.programme.rules.get(key=data["key"])
    assert rule.importance == "error" and rule.version == 1
    assert ChangeRecord.objects.filter(subject=f"regel {rule.key}", field="condition").exists()
    # Two editors: the second save from the old version is refused and shown.
    edit_url = f"{RULES}{rule.key}/"
    assert c.post(edit_url, {**data, "version": 1, "name": "Eerste"}).status_code == 302
    conflict = c.post(edit_url, {**data, "version": 1, "name": "Tweede"}).content.decode()
    assert "iemand anders heeft dit intussen gewijzigd" in conflict
    assert ruled_round.programme.rules.get(key=rule.key).name == "Eerste"
    # The rule runs at once: Gouda's protocol is not done, Leiden neither; none fire.
    assert c.post(edit_url, {"action": "delete", "version": 2}).status_code == 302
    assert not ruled_round.programme.rules.filter(key=rule.key).exists()


def test_dependencies_in_the_browser(clients, ruled_round):
    c = clients["national"]
    programme = ruled_round.programme
    keys = list(programme.milestones.values_list("key", flat=True))
    current = {
        m.key: (m.depends_on.key if m.depends_on else "") for m in programme.milestones.all()
    }
    circular = {**current, "intentieverklaring": "eindfoto", "action": "dependencies"}
    assert "kring" in c.post(RULES, circular).content.decode()
    assert programme.milestones.get(key="intentieverklaring").depends_on is None
    ok = {**current, "handelingsprotocol": "werkplan", "action": "dependencies"}
    assert c.post(RULES, ok).status_code == 302
    assert programme.milestones.get(key="handelingsprotocol").depends_on.key == "werkplan"
    assert ChangeRecord.objects.filter(subject="mijlpaal handelingsprotocol",
                                       field="depends_on").exists()  # fmt: skip
    assert len(keys) == 7
    # Empty POST changes nothing.
    assert c.post(RULES, {}).status_code == 200
    assert programme.milestones.get(key="handelingsprotocol").depends_on.key == "werkplan"


def test_overview_shows_rates_and_open_rule_results(clients, ruled_round):
    from raak.programmes import rules

    page = clients["national"].get(f"{P}/ronde/{R}/indieningen/").content.decode()
    assert 'data-count="reporting-rate"' in page and "Meldingsgraad" in page
    standing = [r for rs in rules.run(ruled_round).by_region.values()
                for r in rules.open_results(rs)]  # fmt: skip
    errors = sum(r.is_error for r in standing)
    assert errors > 0
    assert f"{errors} fouten open" in page
    assert f"{len(standing) - errors} waarschuwingen zonder toelichting" in page
