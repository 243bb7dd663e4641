"""The feedback a region sees on its own data: open rule results, overdue expected
periods, forecasts slipped twice or more, its reporting history; most urgent first."""

from datetime import date, datetime

from django.test import Client
from django.utils import timezone

from raak.cycle.models import Submission
from raak.programmes import feedback
from raak.programmes import status as status_service
from raak.programmes.models import MilestoneStatus
from tests.conftest import sign_in

P = "/raak-2008-2010"


def _expect(rnd, text, latest):
    MilestoneStatus.objects.filter(round=rnd, region__slug="gouda",
                                   milestone__key="handelingsprotocol").update(
        expected_text=text, expected_latest=latest)  # fmt: skip


def test_feedback_most_urgent_first(demo, people, ruled_round):
    gouda = demo.regions.get(slug="gouda")
    _expect(ruled_round, "Najaar 2011", date(2011, 11, 30))
    ruled_round.closes_on = date(2011, 6, 15)
    ruled_round.save()
    third = status_service.open_round(demo, slug="najaar-2011", name="Derde peiling",
                                      peildatum=date(2011, 12, 1), user=people["national"])  # fmt: skip
    _expect(third, "2012", date(2012, 12, 31))
    Submission.objects.create(round=ruled_round, region=gouda, state="accepted",
                              submitted_at=timezone.make_aware(datetime(2011, 6, 20, 9)))  # fmt: skip
    rounds = list(demo.rounds.all())
    fb = feedback.for_region(gouda, third, date(2011, 12, 1), rounds)
    kinds = [i.kind for i in fb.items]
    assert kinds == sorted(kinds, key=["error", "overdue", "warning", "slipped"].index)
    slipped = [i for i in fb.items if i.kind == "slipped"]
    assert len(slipped) == 1
    assert "Regionaal handelingsprotocol: de verwachting schoof 2 keer op" in slipped[0].text
    assert "Voorjaar 2011 → Najaar 2011 → 2012" in slipped[0].text
    assert slipped[0].url.endswith("/ronde/najaar-2011/regio/gouda/mijlpaal/handelingsprotocol/")
    assert any(i.kind == "warning" for i in fb.items)  # not done after 2010
    history = {r.slug: state for r, state, _label in fb.history}
    assert history == {"voorjaar-2011": "late"}
    # A day later than every expected period: the overdue item comes second, after errors.
    fb = feedback.for_region(gouda, third, date(2013, 1, 1), rounds)
    assert fb.items[0].kind in ("error", "overdue")
    assert any(i.kind == "overdue" and "2012" in i.text for i in fb.items)


def test_feedback_on_start_and_region_page(demo, people, ruled_round):
    coord = sign_in(Client(), people["coord_a"])
    start = coord.get("/start/").content.decode()
    assert "Let op bij uw gegevens" in start
    assert 'data-feedback="error"' in start  # Voorjaar 2011 is before the peildatum
    assert "De verwachte periode ligt vóór de peildatum" in start
    region = coord.get(f"{P}/regio/gouda/").content.decode()
    assert "Let op bij uw gegevens" in region
    assert region.index("<h1>") < region.index("Let op bij uw gegevens")
    assert "Let op bij uw gegevens" not in Client().get(f"{P}/regio/gouda/").content.decode()
    assert "Let op bij uw gegevens" not in sign_in(Client(), people["coord_b"]).get(
        f"{P}/regio/gouda/").content.decode()  # fmt: skip


def test_region_page_feedback_follows_a_save_at_once(demo, people, ruled_round):
    """The region page keeps its feedback as a fragment (keyed by the data version and
    today): a save that settles items takes them off the next page."""
    coord = sign_in(Client(), people["coord_a"])
    overdue = "De verwachte periode ligt vóór de peildatum"
    before = coord.get(f"{P}/regio/gouda/").content.decode().count(overdue)
    assert before > 0
    expected = MilestoneStatus.objects.filter(
        round=ruled_round, region__slug="gouda", expected_latest__isnull=False
    ).select_related("milestone", "region")
    assert expected
    for s in expected:
        status_service.save_milestone_status(ruled_round, s.region, s.milestone,
                                             user=people["coord_a"], expected_version=s.version,
                                             status="done", period=None, note="")  # fmt: skip
    after = coord.get(f"{P}/regio/gouda/").content.decode().count(overdue)
    assert after < before


def test_a_period_a_rule_judges_is_said_once_and_a_frozen_report_links_to_its_page(
    demo, people, ruled_round
):
    """The demo's "over-tijd" rule already says that an expected period before the
    peildatum has passed (with what to do): the plain "is voorbij" item is left off for
    that milestone. Once the report is submitted, items link to the region's page, not
    to a form that can no longer be saved."""
    gouda = demo.regions.get(slug="gouda")
    rounds = list(demo.rounds.all())
    later = date(2013, 1, 1)
    judged = {r.place[1] for r in feedback.rules.for_region(ruled_round, gouda)
              if r.rule.key == "over-tijd"}  # fmt: skip
    assert judged  # the demo's final statuses have periods before this peildatum
    fb = feedback.for_region(gouda, ruled_round, later, rounds)
    overdue = [i for i in fb.items if i.kind == "overdue"]
    names = {s.milestone.key: s for s in MilestoneStatus.objects.filter(
        round=ruled_round, region=gouda).select_related("milestone")}  # fmt: skip
    for key in judged:
        assert not any(names[key].expected_text in i.text and
                       i.url.endswith(f"/mijlpaal/{key}/") for i in overdue)  # fmt: skip
    # A period after the peildatum but before today: no rule judges it, the item stays.
    _expect(ruled_round, "Najaar 2012", date(2012, 11, 30))
    fb = feedback.for_region(gouda, ruled_round, later, rounds)
    item = next(i for i in fb.items if i.kind == "overdue" and "Najaar 2012" in i.text)
    assert item.url.endswith(f"/ronde/{ruled_round.slug}/regio/gouda/mijlpaal/handelingsprotocol/")
    # Submitted: the region's data is frozen, so the item links to the region's page.
    Submission.objects.create(round=ruled_round, region=gouda, state="submitted",
                              submitted_at=timezone.now())  # fmt: skip
    fb = feedback.for_region(gouda, ruled_round, later, rounds)
    item = next(i for i in fb.items if i.kind == "overdue" and "Najaar 2012" in i.text)
    assert item.url == f"{P}/regio/gouda/"
