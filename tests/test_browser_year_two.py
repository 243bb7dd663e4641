"""Year two in headless Chromium, axe-checked, a screenshot per step: two consecutive
rounds on the demo programme. Round one as tests/test_browser_cycle.py runs it
(invitation to publication). Then the national office opens round two keeping the one
questionnaire the previous round asked (the Slotrapportage stays unticked); Amsterdam
starts from its prefilled answers but does not submit; the office closes the round
(the confirmation lists Amsterdam), reopens it with a reason; Amsterdam submits; the
office returns it (the questionnaire is editable again); Amsterdam resubmits; the
office accepts, closes, publishes (the confirmation lists the states and what the
public sees for regions that did not submit) and publishes the report, whose PDF is
made by the worker before any anonymous visit; an anonymous visitor sees round two
with the note for the regions that did not submit, and gets the PDF without making it.
On the way the office reverts a status change from the history with a reason, and every
message of the cycle (submitted, returned, accepted, published) arrives at a real SMTP
server with links that start with SITE_URL.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from raak.accounts.models import Role
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.models import ChangeRecord, MilestoneStatus
from raak.programmes.status import open_round, save_milestone_status
from raak.questionnaires import exchange
from raak.questionnaires.models import Response
from raak.reports import templates as report_templates
from raak.reports.models import ReportFile
from tests import mailserver
from tests.conftest import DEMO_FILE
from tests.mailserver import body, run_worker
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (browser is a fixture)
from tests.test_browser_cycle import COORD_EMAIL, ROUND, run_round_one

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"
R2, ROUND2 = "najaar-2011", "Najaar 2011"
smtp = mailserver.smtp  # a real SMTP server per test


@pytest.fixture
def year_site(transactional_db, live_server, django_user_model, settings):
    """As the cycle test's site, with the Slotrapportage published too (round one does
    not ask it) and the demo's report template."""
    # Every link in e-mail comes from SITE_URL: here, the test server.
    settings.SITE_URL = live_server.url
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    exchange.load(Path(__file__).parent / "data" / "test-questionnaire", publish=True)
    exchange.load(Path(exchange.__file__).parent / "data" / "slotrapportage.json", publish=True)
    report_templates.load(programme, actor="test")
    national = django_user_model.objects.create_user(
        "landelijk", password="geheim-wachtwoord", email="landelijk@example.org"
    )
    Role.objects.create(user=national, programme=programme, kind=Role.NATIONAL)
    today = timezone.localdate()
    closes_on = today + timedelta(days=10)
    open_round(programme, slug="voorjaar-2011", name=ROUND, peildatum=today, user=national,
               opens_on=today - timedelta(days=5), closes_on=closes_on,
               forms=["test-vragenlijst"])  # fmt: skip
    return live_server.url, national, closes_on


def about_round_two(message, word):
    """A message of round two whose subject or body says `word`."""
    text = (message["Subject"] + " " + body(message)).lower()
    return ROUND2.lower() in text and word in text


def step(page, name):
    shot(page, f"year-two-{name}")
    check_a11y(page, f"year-two-{name}")


def round_one_step(page, name):
    step(page, f"1-{name}")


def test_two_rounds(browser, year_site, smtp):  # noqa: F811
    site = year_site[0]
    context, nat, coord = run_round_one(browser, year_site, smtp, step=round_one_step)
    today = timezone.localdate()

    # Round two: the form proposes what round one asked; the Slotrapportage stays out.
    nat.goto(f"{site}{P}/rondes/")
    nat.get_by_label("Naam:", exact=True).fill(ROUND2)
    nat.get_by_label("Korte naam in de URL").fill(R2)
    nat.get_by_label("Peildatum").fill(f"{today + timedelta(days=1):%d-%m-%Y}")
    nat.get_by_label("Open vanaf").fill(f"{today:%d-%m-%Y}")
    nat.get_by_label("Uiterste inleverdatum").fill(f"{today + timedelta(days=10):%d-%m-%Y}")
    assert nat.get_by_label("Testvragenlijst").is_checked()
    assert not nat.get_by_label("Slotrapportage Regionale aanpak kindermishandeling").is_checked()
    step(nat, "2-01-open-round")
    nat.get_by_role("button", name="Ronde openen").click()
    assert f"Ronde “{ROUND2}” geopend" in nat.locator(".messages").inner_text()

    # Amsterdam starts from its answers of round one, saves a draft, does not submit.
    coord.goto(f"{site}/start/")
    main = coord.locator("main").inner_text()
    assert ROUND2 in main and "Testvragenlijst" in main and "Slotrapportage" not in main
    coord.get_by_role("link", name="Vul in: Testvragenlijst").click()
    assert f"uit “{ROUND}”" in coord.locator("main").inner_text()
    assert coord.get_by_label("alle ouders", exact=True).is_checked()
    step(coord, "2-02-prefilled")
    coord.get_by_role("button", name="Concept opslaan").click()
    assert "Concept opgeslagen" in coord.locator(".messages").inner_text()

    # The office closes: the confirmation lists Amsterdam as not submitted.
    nat.goto(f"{site}{P}/rondes/")
    nat.get_by_role("link", name=f"Sluiten… {ROUND2}").click()
    closing = nat.locator('[data-state="in_progress"]').inner_text()
    assert "Bezig: 1 regio" in closing and "Amsterdam" in closing
    assert nat.get_by_role("link", name="Nu herinneren Amsterdam").count() == 1
    step(nat, "2-03-close-confirmation")
    nat.get_by_role("button", name=f"Ja, sluit “{ROUND2}”").click()
    assert "gesloten" in nat.locator(".messages").inner_text()

    # ... and reopens it with a reason, which the history shows.
    nat.locator("summary", has_text=f"Heropenen {ROUND2}").click()
    nat.get_by_label(f"Reden van heropenen van “{ROUND2}”").fill(
        "Amsterdam had de vragenlijst nog niet ingediend."
    )
    step(nat, "2-04-reopen")
    nat.get_by_role("button", name=f"Heropenen {ROUND2}").click()
    assert "weer open" in nat.locator(".messages").inner_text()
    nat.locator("summary", has_text="Geschiedenis van de rondes").click()
    assert "Amsterdam had de vragenlijst nog niet ingediend." in nat.locator("main").inner_text()

    # Amsterdam sets its werkplan back by mistake; the office reverts that change from
    # the programme's history, with a reason (a recorded change itself).
    werkplan = MilestoneStatus.objects.select_related("milestone", "round", "region").get(
        round__slug=R2, region__slug="amsterdam", milestone__key="werkplan"
    )
    before = werkplan.status
    amsterdam_coord = get_user_model().objects.get(username="coord-amsterdam")
    save_milestone_status(werkplan.round, werkplan.region, werkplan.milestone,
                          user=amsterdam_coord, expected_version=werkplan.version,
                          status="not_started", period=None, note="")  # fmt: skip
    record = ChangeRecord.objects.get(
        round__slug=R2, kind="status", field="status", new="not_started"
    )
    nat.goto(f"{site}{P}/wijzigingen/")
    nat.locator(f'a[href$="/wijzigingen/{record.id}/terugdraaien/"]').click()
    nat.get_by_label("Reden").fill("Per abuis op niet gestart gezet")
    step(nat, "2-04b-revert")
    nat.get_by_role("button", name="Terugdraaien").click()
    assert "Teruggedraaid" in nat.locator(".messages").inner_text()
    werkplan.refresh_from_db()
    assert werkplan.status == before

    # Amsterdam submits the questionnaire and the report.
    questionnaire = f"{site}{P}/vragenlijsten/test-vragenlijst/ronde/{R2}/regio/amsterdam/"
    coord.goto(questionnaire)
    coord.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in coord.locator(".messages").inner_text()
    report = f"{site}{P}/ronde/{R2}/regio/amsterdam/rapportage/"
    coord.goto(report)
    coord.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in coord.locator(".messages").inner_text()

    # The office and the region's advisors hear of it, with a link from SITE_URL.
    run_worker()
    [submitted] = [m for m in smtp.to("landelijk@example.org") if about_round_two(m, "ingediend")]
    assert f"{site}{P}/ronde/{R2}/regio/amsterdam/rapportage/" in body(submitted)

    # The office returns it, reopening the questionnaire.
    nat.goto(f"{site}{P}/ronde/{R2}/indieningen/")
    nat.get_by_role("link", name="Beoordelen Amsterdam").click()
    nat.get_by_label("Toelichting voor de regio").fill("Klopt het calamiteitenplan nog?")
    assert nat.get_by_label("Testvragenlijst").is_checked()
    step(nat, "2-05-return")
    nat.get_by_role("button", name="Terugsturen").click()
    assert "Heropend: Testvragenlijst" in nat.locator(".messages").inner_text()

    run_worker()
    [returned] = [m for m in smtp.to(COORD_EMAIL) if about_round_two(m, "teruggestuurd")]
    assert "Klopt het calamiteitenplan nog?" in body(returned)

    # The questionnaire is editable again: Amsterdam changes an answer and resubmits.
    coord.goto(questionnaire)
    coord.locator("fieldset", has_text="Is er een calamiteitenplan?").get_by_label(
        "Nee", exact=True
    ).check()
    step(coord, "2-06-questionnaire-reopened")
    coord.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in coord.locator(".messages").inner_text()
    coord.goto(report)
    coord.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in coord.locator(".messages").inner_text()

    # The office accepts, closes and publishes after the confirmation of the states.
    nat.goto(f"{site}{P}/ronde/{R2}/indieningen/")
    nat.get_by_role("link", name="Beoordelen Amsterdam").click()
    nat.get_by_role("button", name="Accepteren").click()
    nat.goto(f"{site}{P}/rondes/{R2}/sluiten/")
    nat.get_by_role("button", name=f"Ja, sluit “{ROUND2}”").click()
    nat.get_by_role("link", name=f"Publiceren… {ROUND2}").click()
    confirm = nat.locator("main").inner_text()
    assert "1 regio geaccepteerd: de ingediende gegevens worden openbaar" in confirm
    assert "36 regio's niet begonnen: niet ingediend" in confirm
    assert f"niet ingediend; stand van {ROUND}" in confirm
    step(nat, "2-07-publish-confirmation")
    nat.get_by_role("button", name=f"Ja, publiceer “{ROUND2}”").click()
    assert "gepubliceerd" in nat.locator(".messages").inner_text()

    run_worker()
    assert [m for m in smtp.to(COORD_EMAIL) if about_round_two(m, "geaccepteerd")]
    published = [m for m in smtp.to(COORD_EMAIL) if about_round_two(m, "gepubliceerd")]
    assert published and f"{site}{P}/ronde/{R2}/" in body(published[0])

    # The report: drafted, published after its confirmation; the worker makes the PDF.
    nat.goto(f"{site}{P}/rapporten/{R2}/")
    nat.get_by_role("button", name="Concept opstellen").click()
    nat.get_by_role("link", name="Rapport publiceren…").click()
    step(nat, "2-08-report-publish-confirmation")
    nat.get_by_role("button", name="Ja, publiceer het rapport").click()
    assert "de PDF wordt nu gemaakt" in nat.locator(".messages").inner_text()
    run_worker()
    [pdf] = ReportFile.objects.filter(round__slug=R2, region=None, format="pdf")
    assert pdf.state == ReportFile.DONE and pdf.size > 0  # before any anonymous visit

    # An anonymous visitor sees round two and what the regions that did not submit show.
    visitor = browser.new_page(viewport={"width": 390, "height": 844})
    answer = visitor.goto(f"{site}{P}/ronde/{R2}/")
    assert answer.status == 200
    main = visitor.locator("main").inner_text()
    assert ROUND2 in main and "36 regio's hebben voor deze ronde niet ingediend" in main
    visitor.locator("summary", has_text="niet ingediend").click()
    assert f"Alkmaar: niet ingediend; stand van {ROUND}" in visitor.locator("main").inner_text()
    step(visitor, "2-09-public-round")
    visitor.goto(f"{site}{P}/regio/alkmaar/")
    assert f"niet ingediend; stand van {ROUND}" in visitor.locator("main").inner_text()
    # The public report links a file that exists: following it renders nothing.
    visitor.goto(f"{site}{P}/rapporten/{R2}/")
    visitor.get_by_role("link", name="PDF van dit rapport").click()
    assert visitor.get_by_role("button", name="PDF maken").count() == 0
    assert (
        visitor.get_by_role("link", name="Downloaden").count()
        + visitor.locator("a[href*='/download']").count()
        >= 1
    )
    step(visitor, "2-10-public-report-file")
    assert ReportFile.objects.filter(round__slug=R2).count() == 1

    # Every link in every message of both rounds starts with SITE_URL.
    found = [u for m in smtp.messages for u in re.findall(r"https?://\S+", body(m))]
    assert found and all(u.startswith(site + "/") for u in found), found

    # What was recorded on the way.
    assert ChangeRecord.objects.filter(field="heropend", round__slug=R2).count() == 1
    amsterdam = Response.objects.get(round__slug=R2, region__slug="amsterdam")
    assert amsterdam.state == Response.SUBMITTED
    assert get_user_model().objects.filter(username="coord-amsterdam").exists()
    for p in (coord, nat, visitor):
        p.close()
    context.close()
