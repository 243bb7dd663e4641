"""Reading and reverting what changed: the change history in labels (nl and en), the
programme-wide history page with filters, paging and exports, and the national
office's revert with a reason (success, conflict, closed or published round, submitted
region, who may)."""

import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from raak.cycle import submissions
from raak.lib.periods import parse_period
from raak.programmes import changes
from raak.programmes.models import ChangeRecord, IndicatorValue, MilestoneStatus, Round
from raak.programmes.status import (
    change_round_state,
    save_indicator_value,
    save_milestone_status,
)
from raak.questionnaires import exchange
from raak.questionnaires.models import Answer, Response
from raak.reports import templates as report_templates
from raak.reports.models import Report, ReportText
from tests.conftest import sign_in

P = "/raak-2008-2010"
R2 = "voorjaar-2011"
QDATA = __import__("pathlib").Path(__file__).resolve().parent / "data" / "test-questionnaire"


def status(rnd, region="gouda", key="handelingsprotocol"):
    return MilestoneStatus.objects.select_related("milestone", "region").get(
        round=rnd, region__slug=region, milestone__key=key
    )


def change_status(rnd, user, new, period="", region="gouda", key="handelingsprotocol"):
    s = status(rnd, region, key)
    return save_milestone_status(
        rnd, s.region, s.milestone, user=user, expected_version=s.version, status=new,
        period=parse_period(period) if period else None, note=s.note,
    )  # fmt: skip


def last(field="status", **kw):
    return ChangeRecord.objects.filter(field=field, **kw).order_by("-id").first()


@pytest.fixture
def national(people):
    return sign_in(Client(), people["national"])


@pytest.fixture
def english(people):
    client = sign_in(Client(), people["national"])
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def indicator_change(open_round, people):
    gouda = open_round.programme.regions.get(slug="gouda")
    indicator = open_round.programme.indicators.get(key="regiocoordinator-na-2010")
    current = IndicatorValue.objects.filter(
        round=open_round, region=gouda, indicator=indicator
    ).first()
    delegated = indicator.categories.get(key="delegated")
    save_indicator_value(open_round, gouda, indicator, user=people["coord_a"],
                         expected_version=current.version if current else 0, category=delegated,
                         day=date(2011, 1, 15), note="")  # fmt: skip
    return indicator


def test_the_history_shows_labels_not_stored_values_in_dutch_and_english(
    open_round, people, national, english, indicator_change
):
    change_status(open_round, people["coord_a"], "expected", "voorjaar 2012")
    page = national.get(f"{P}/wijzigingen/?regio=gouda").content.decode()
    # The programme's own status words, the category's label, a date in words.
    assert "Regionaal handelingsprotocol" in page or "handelingsprotocol" in page.lower()
    assert "verwacht" in page and ">expected<" not in page
    assert "Ja, er is nog een regiocoördinator aangesteld na 2010" in page and ">yes<" not in page
    assert "Ja, de werkzaamheden zijn bij iemand anders ondergebracht" in page
    assert "31 december 2011" in page and "2011-12-31" not in page
    page = english.get(f"{P}/wijzigingen/?regio=gouda").content.decode()
    assert "Yes, a regional coordinator is still appointed after 2010" in page
    assert "Yes, the tasks have been given to someone else" in page
    assert "31 December 2011" in page
    assert "Milestone status" in page or "milestone status" in page
    # The region page shows the same words.
    region_page = national.get(f"{P}/regio/gouda/").content.decode()
    assert "31 december 2011" in region_page and "2011-12-31" not in region_page


def test_round_submission_and_role_records_read_in_the_readers_language(
    open_round, people, national, english
):
    gouda = open_round.programme.regions.get(slug="gouda")
    submissions.transition(open_round, gouda, "submit", user=people["coord_a"])
    submissions.transition(open_round, gouda, "return", user=people["national"],
                           comment="Vul aan")  # fmt: skip
    change_round_state(open_round, Round.CLOSED, user=people["national"])
    page = national.get(f"{P}/wijzigingen/").content.decode()
    assert "teruggestuurd: Vul aan" in page and "gesloten" in page
    page = english.get(f"{P}/wijzigingen/").content.decode()
    assert "returned: Vul aan" in page and "closed" in page and ">gesloten<" not in page


def test_filters_paging_and_a_fixed_number_of_queries(open_round, people, national):
    for i in range(3):
        change_status(open_round, people["coord_a"], ["expected", "partial", "done"][i], "2012")
    change_status(open_round, people["coord_b"], "partial", "2012", region="leiden")
    page = national.get(f"{P}/wijzigingen/?regio=leiden&soort=status").content.decode()
    assert "Leiden" in page and "Gouda" not in page.split("<tbody>")[1]
    by_person = national.get(f"{P}/wijzigingen/?persoon={people['coord_a'].pk}").content.decode()
    assert "coord-a" in by_person and "coord-b</td>" not in by_person
    today = date.today().isoformat()
    assert (
        "1 wijziging"
        not in national.get(f"{P}/wijzigingen/?van={today}&tot={today}").content.decode()
    )
    assert (
        "Geen wijzigingen gevonden"
        in national.get(f"{P}/wijzigingen/?tot=2000-01-01").content.decode()
    )
    bad = national.get(f"{P}/wijzigingen/?van=2012-01-01&tot=2011-01-01")
    assert bad.status_code == 200 and "ligt voor" in bad.content.decode()

    def count(n):
        for k in range(n):
            change_status(open_round, people["coord_a"], ["expected", "partial"][k % 2], "2013",
                          key="werkplan")  # fmt: skip
        with CaptureQueriesContext(connection) as q:
            assert national.get(f"{P}/wijzigingen/?soort=status").status_code == 200
        return len(q)

    assert count(2) == count(30)
    count(20)  # more than a page
    many = national.get(f"{P}/wijzigingen/?soort=status").content.decode()
    assert "Pagina 1 van" in many and "soort=status&amp;pagina=2" in many


def test_exports_are_formula_safe_and_follow_the_filters(open_round, people, national):
    s = status(open_round)
    save_milestone_status(open_round, s.region, s.milestone, user=people["coord_a"],
                          expected_version=s.version, status=s.status, period=None,
                          note="=HYPERLINK(\"x\")")  # fmt: skip
    csv = national.get(f"{P}/wijzigingen.csv?regio=gouda").content.decode()
    assert "'=HYPERLINK" in csv and "wanneer,wie,ronde,regio,soort" in csv
    xlsx = national.get(f"{P}/wijzigingen.xlsx?regio=gouda")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    notes = [c.value for c in ws["H"] + ws["I"] if c.value and "HYPERLINK" in str(c.value)]
    assert notes and all(c.data_type == "s" for c in ws["I"] if c.value and "HYPERLINK" in c.value)


def test_revert_a_status_change_with_a_reason(open_round, people, national):
    before = status(open_round).status
    change_status(open_round, people["coord_a"], "not_started")
    record = last(region__slug="gouda", kind="status")
    page = national.get(f"{P}/wijzigingen/{record.id}/terugdraaien/")
    assert page.status_code == 200 and "niet gestart" in page.content.decode()
    # No reason: nothing changes.
    assert (
        national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": " "}).status_code
        == 200
    )
    assert status(open_round).status == "not_started"
    done = national.post(
        f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "Per abuis gewijzigd"}
    )
    assert done.status_code == 302
    assert status(open_round).status == before
    revert = last(region__slug="gouda", kind="status")
    assert (revert.old, revert.new, revert.reason, revert.reverts_id) == (
        "not_started",
        before,
        "Per abuis gewijzigd",
        record.id,
    )
    assert revert.user == people["national"]
    # The revert shows in the history, with its reason.
    page = national.get(f"{P}/wijzigingen/").content.decode()
    assert "Per abuis gewijzigd" in page and "teruggedraaid" in page


def test_revert_an_indicator_value_and_a_date(open_round, people, national, indicator_change):
    value = IndicatorValue.objects.get(
        round=open_round, region__slug="gouda", indicator=indicator_change
    )
    record = last(field="category", kind="indicator")
    assert (
        national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "fout"}).status_code
        == 302
    )
    value.refresh_from_db()
    assert value.category.key == record.old
    date_record = last(field="date", kind="indicator", reverts__isnull=True)
    if date_record is not None:
        response = national.post(
            f"{P}/wijzigingen/{date_record.id}/terugdraaien/", {"reason": "fout"}
        )
        assert response.status_code == 302
        value.refresh_from_db()
        assert value.date == (date.fromisoformat(date_record.old) if date_record.old else None)


def test_revert_is_refused_with_the_conflict_page_when_changed_since(open_round, people, national):
    change_status(open_round, people["coord_a"], "not_started")
    record = last(region__slug="gouda", kind="status")
    change_status(open_round, people["coord_a"], "partial", "2012")
    response = national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "terug"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "sindsdien gewijzigd" in text.lower() and "gedeeltelijk" in text
    assert status(open_round).status == "partial"


@pytest.mark.parametrize("state", [Round.CLOSED, Round.PUBLISHED])
def test_revert_is_refused_in_a_closed_or_published_round(open_round, people, national, state):
    change_status(open_round, people["coord_a"], "not_started")
    record = last(region__slug="gouda", kind="status")
    change_round_state(open_round, Round.CLOSED, user=people["national"])
    if state == Round.PUBLISHED:
        change_round_state(open_round, Round.PUBLISHED, user=people["national"], confirmed=True)
    # The history offers no revert; posting anyway is refused and changes nothing.
    assert (
        f"/wijzigingen/{record.id}/terugdraaien/"
        not in national.get(f"{P}/wijzigingen/").content.decode()
    )
    response = national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "terug"})
    assert response.status_code == 200 and "liggen vast" in response.content.decode()
    assert status(open_round).status == "not_started"
    assert not ChangeRecord.objects.filter(reverts=record).exists()


def test_revert_is_refused_while_the_region_has_submitted(open_round, people, national):
    change_status(open_round, people["coord_a"], "not_started")
    record = last(region__slug="gouda", kind="status")
    submissions.transition(open_round, record.region, "submit", user=people["coord_a"])
    response = national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "terug"})
    assert "Stuur haar eerst terug" in response.content.decode()
    assert status(open_round).status == "not_started"


def test_only_the_national_office_reverts(open_round, people):
    change_status(open_round, people["coord_a"], "not_started")
    record = last(region__slug="gouda", kind="status")
    url = f"{P}/wijzigingen/{record.id}/terugdraaien/"
    for who in ("coord_a", "viewer_a", "coord_b"):
        client = sign_in(Client(), people[who])
        assert client.post(url, {"reason": "x"}).status_code == 403
        assert client.get(f"{P}/wijzigingen/").status_code == 403
    assert Client().post(url, {"reason": "x"}).status_code == 302  # to the login
    assert status(open_round).status == "not_started"


def test_a_record_that_is_no_data_change_cannot_be_reverted(open_round, people, national):
    record = last(field="aangemaakt", kind="round")
    assert national.get(f"{P}/wijzigingen/{record.id}/terugdraaien/").status_code == 403


def test_revert_a_questionnaire_answer(open_round, people, national):
    version = exchange.load(QDATA, publish=True)
    coord = sign_in(Client(), people["coord_a"])
    url = f"{P}/vragenlijsten/test-vragenlijst/ronde/{R2}/regio/gouda/"
    assert coord.post(url, {"version_id": version.id, "lock": 1, "action": "save",
                            "voorlichting": "some"}).status_code == 302  # fmt: skip
    response = Response.objects.get()
    assert coord.post(url, {"version_id": version.id, "lock": response.lock, "action": "save",
                            "voorlichting": "all"}).status_code == 302  # fmt: skip
    record = last(field="voorlichting", kind="answer")
    page = national.get(f"{P}/wijzigingen/?soort=answer").content.decode()
    assert (
        "een deel van de ouders" in page and "alle ouders" in page and "&quot;all&quot;" not in page
    )
    assert (
        national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "terug"}).status_code
        == 302
    )
    assert Answer.objects.get(question__key="voorlichting").value == "some"
    response.refresh_from_db()
    assert (
        response.lock == 3
    )  # two saves and the revert: an open form of it now conflicts  # an open form of it now conflicts
    # Reverting the same record again: the answer changed since (by the revert).
    assert (
        national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "x"}).status_code
        == 409
    )


def test_revert_a_report_text(open_round, people, national):
    from raak.reports.views import _save_text

    template = report_templates.load(open_round.programme)
    report = Report.objects.create(programme=open_round.programme, round=open_round,
                                   template=template, chapters=template.chapters, title="Concept")  # fmt: skip
    _save_text(people["national"], report, "inleiding", None, 0, "Eerste versie")
    _save_text(people["national"], report, "inleiding", None, 1, "Tweede versie")
    record = last(field="tekst", kind="report")
    assert (
        national.post(f"{P}/wijzigingen/{record.id}/terugdraaien/", {"reason": "terug"}).status_code
        == 302
    )
    assert ReportText.objects.get(report=report, key="inleiding").text == "Eerste versie"
    report.state = Report.PUBLISHED
    report.save()
    first = ChangeRecord.objects.filter(field="tekst", kind="report").order_by("id").first()
    response = national.post(f"{P}/wijzigingen/{first.id}/terugdraaien/", {"reason": "terug"})
    assert "gepubliceerd en ligt vast" in response.content.decode()


def test_describe_takes_labels_of_each_kind(open_round, people):
    change_status(open_round, people["coord_a"], "partial", "najaar 2012", key="werkplan")
    records = changes.describe(ChangeRecord.objects.filter(kind="status", region__slug="gouda"),
                               open_round.programme)  # fmt: skip
    statuses = [r for r in records if r.field == "status"]
    assert statuses[0].new_text == "gedeeltelijk" and statuses[0].revertible
