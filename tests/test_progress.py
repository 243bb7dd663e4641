"""Progress over rounds: reporting rates, the share done per milestone at each published
round (chart and table), expected versus achieved; counted by hand from the seed."""

from datetime import date, datetime, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from raak.cycle import progress
from raak.cycle.models import Submission
from raak.programmes import status as status_service
from raak.programmes.models import MilestoneStatus
from tests.conftest import sign_in

P = "/raak-2008-2010"


def _publish(rnd, user):
    status_service.change_round_state(rnd, "closed", user=user)
    status_service.change_round_state(rnd, "published", user=user, confirmed=True)


def test_final_round_progress_by_hand(demo):
    series = progress.milestone_progress(demo, demo.rounds.all())
    by_key = {s.milestone.key: s.points[0] for s in series}
    # Bijlage 1: handelingsprotocol 27 done and 2 partial of 37; werkplan 36 of 37.
    assert by_key["handelingsprotocol"][1:] == (73, 5, 27, 2)
    assert by_key["werkplan"][1:] == (97, 0, 36, 0)
    assert by_key["eindfoto"][1:] == (100, 0, 37, 0)


def test_expected_vs_achieved_and_rates(demo, people, open_round):
    national = people["national"]
    # Round 2 (peildatum 1 June 2011): of the final round's expectations due by then
    # (Maart 2011 arnhem-achterhoek, Mei 2011 dordrecht, Voorjaar 2011 gouda and leiden,
    # Voor zomer 2011 haarlem x2, 1e kwartaal 2011 nijmegen, 1 Juni 2011 zaanstad, the
    # peildatum itself = 8), two are done.
    for region, milestone in (("dordrecht", "handelingsprotocol"), ("haarlem", "scholingsplan")):
        MilestoneStatus.objects.filter(round=open_round, region__slug=region,
                                       milestone__key=milestone).update(status="done")  # fmt: skip
    open_round.closes_on = date(2011, 6, 15)
    open_round.save()
    gouda, leiden = demo.regions.get(slug="gouda"), demo.regions.get(slug="leiden")
    on_time = timezone.make_aware(datetime(2011, 6, 10, 12))
    Submission.objects.create(round=open_round, region=gouda, state="accepted",
                              submitted_at=on_time)  # fmt: skip
    Submission.objects.create(round=open_round, region=leiden, state="submitted",
                              submitted_at=on_time + timedelta(days=30))  # fmt: skip
    _publish(open_round, national)
    rounds = list(demo.rounds.order_by("peildatum"))
    assert progress.expected_vs_achieved(rounds) == [{"round": rounds[1], "said": 8, "were": 2}]
    rates = {r.round.slug: r for r in progress.rates(demo, rounds)}
    r2 = rates["voorjaar-2011"]
    assert (r2.expected, r2.submitted, r2.on_time, r2.accepted) == (37, 2, 1, 1)
    assert (r2.reporting_rate, r2.on_time_rate, r2.accepted_rate) == (5, 3, 3)
    assert rates["eindrapportage-2011"].on_time_rate is None  # no deadline

    page = Client().get(f"{P}/voortgang/").content.decode()
    assert '<title id="progress-title">' in page and '<desc id="progress-desc">' in page
    assert "<td>73 % (5 %)</td>" in page
    assert "Meldingsgraad" not in page  # submissions are the office's
    office = sign_in(Client(), national).get(f"{P}/voortgang/").content.decode()
    assert "Meldingsgraad per ronde" in office and "2 (5 %)" in office


def test_progress_queries_do_not_grow_with_rounds(demo, people, open_round):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            rounds = list(demo.rounds.visible_to_public())
            progress.milestone_progress(demo, rounds)
            progress.expected_vs_achieved(rounds)
            progress.rates(demo, rounds)
        return len(ctx.captured_queries)

    _publish(open_round, people["national"])
    two = count()
    third = status_service.open_round(demo, slug="najaar-2011", name="Derde", user=people["national"],
                                      peildatum=date(2011, 12, 1))  # fmt: skip
    _publish(third, people["national"])
    assert count() == two


def test_region_page_course_and_national_figure(demo, people, open_round):
    # The open round's data of other regions never shows: the national figure is the
    # latest published round's, even for the region's own coordinator.
    MilestoneStatus.objects.filter(round=open_round, milestone__key="handelingsprotocol").update(
        status="done")  # fmt: skip
    for client in (Client(), sign_in(Client(), people["coord_a"])):
        page = client.get(f"{P}/regio/gouda/").content.decode()
        assert "Verloop en landelijk beeld" in page
        row = page[page.index('id="course-caption"') :]
        row = row[row.index("Regionaal handelingsprotocol") :]
        row = row[: row.index("</tr>")]
        assert "gedeeltelijk" in row and "73 %" in row and "(27/37)" in row
        assert 'class="steps"' in row and 'role="img"' in row


def test_report_block_reporting_rates(demo):
    from raak.reports import build, render

    rnd = demo.rounds.get()
    chapters = [{"key": "voortgang", "title": "Voortgang", "blocks": ["reporting-rates"]}]
    data = build.build(rnd, chapters, {})
    html = render.html_document(data)
    assert "Meldingsgraad en voortgang over de rondes" in html
    assert "<td>73 % (5 %)</td>" in html  # handelingsprotocol, Bijlage 1
    assert "geen deadline" in html
    # The rule results still open: the final round's 12 warnings (test_rules.HAND_COUNT).
    assert '<th scope="col">Fouten open</th>' in html
    assert "(0 %)</td><td>0</td><td>12</td></tr>" in html


def test_chart_coordinates_are_not_localised(demo, people, open_round):
    # Dutch formats 12.5 as "12,5"; SVG needs the dot.
    import re

    _publish(open_round, people["national"])
    page = Client().get(f"{P}/voortgang/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert re.search(r'cy="\d+(\.\d+)?"', svg) and not re.search(r'c[xy]="\d+,\d', svg)
    assert re.search(r'points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"', svg)
    region = Client().get(f"{P}/regio/gouda/").content.decode()
    steps = region[region.index('class="steps"') :]
    assert not re.search(r'c[xy]="\d+,\d', steps[: steps.index("</svg>")])
