"""The reporting cycle in headless Chromium, axe-checked, with a screenshot per step,
from the invitation on: the national office invites a new coordinator for Amsterdam;
the invitation arrives at a real SMTP server (aiosmtpd) started by the test; the
coordinator accepts it, sets a password, lands on the start page with the deadline and
the tasks, updates a status, answers the questionnaire and submits; the national office
returns it with a comment; the coordinator sees it on the start page, fixes and
resubmits; the national office accepts, closes, confirms and publishes; an anonymous
visitor sees the round; the national office withdraws it; the visitor no longer does."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from raak.accounts.models import Role
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.status import open_round
from raak.questionnaires import exchange
from tests import mailserver
from tests.conftest import DEMO_FILE, browser_sign_in
from tests.mailserver import body, invitation_link, run_worker
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (browser is a fixture)

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"
R = "voorjaar-2011"
ROUND = "Voorjaar 2011"
COORD_EMAIL = "coord-amsterdam@example.org"
COORD_PASSWORD = "Amstel-aan-zee-2011"
smtp = mailserver.smtp  # a real SMTP server per test


@pytest.fixture
def cycle_site(transactional_db, live_server, django_user_model, settings):
    """The demo programme with an open round and its questionnaire; Amsterdam has no
    coordinator yet (the test invites one)."""
    # Every link in e-mail comes from SITE_URL: here, the test server.
    settings.SITE_URL = live_server.url
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    exchange.load(Path(__file__).parent / "data" / "test-questionnaire", publish=True)
    national = django_user_model.objects.create_user(
        "landelijk", password="geheim-wachtwoord", email="landelijk@example.org"
    )
    Role.objects.create(user=national, programme=programme, kind=Role.NATIONAL)
    today = timezone.localdate()
    closes_on = today + timedelta(days=10)
    open_round(programme, slug=R, name=ROUND, peildatum=today, user=national,
               opens_on=today - timedelta(days=5), closes_on=closes_on,
               forms=["test-vragenlijst"])  # fmt: skip
    return live_server.url, national, closes_on


def step(page, name):
    shot(page, f"cycle-{name}")
    check_a11y(page, f"cycle-{name}")


def run_round_one(browser, cycle_site, smtp, step=step):  # noqa: F811
    """Round one, from the invitation to the publication: (context, national office's
    page, coordinator's page)."""
    site, national_user, closes_on = cycle_site
    # The national office invites a new coordinator for Amsterdam.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_sign_in(context, site, national_user)
    nat = context.new_page()
    nat.goto(f"{site}{P}/")
    nat.get_by_role("link", name="Mensen").click()
    nat.get_by_role("link", name="Iemand uitnodigen").click()
    nat.get_by_label("E-mailadres").fill(COORD_EMAIL)
    nat.get_by_label("Naam:", exact=True).fill("Anna Amstel")
    nat.get_by_label("regiocoördinator").check()
    nat.get_by_label("Amsterdam", exact=True).check()
    step(nat, "00a-invite")
    nat.get_by_role("button", name="Uitnodiging versturen").click()
    assert "klaargezet" in nat.locator(".messages").inner_text()
    assert COORD_EMAIL in nat.locator("main").inner_text()
    step(nat, "00b-invited")

    # The worker sends it; it arrives at the test's SMTP server.
    run_worker()
    [message] = smtp.to(COORD_EMAIL)
    assert "regiocoördinator: Amsterdam" in body(message)
    link = invitation_link(message)
    assert link.startswith(site)

    # The invitee follows the link (no session of their own), sets a password ...
    coord = browser.new_page(viewport={"width": 1280, "height": 900})
    coord.goto(link)
    assert "regiocoördinator: Amsterdam" in coord.locator("main").inner_text()
    assert coord.get_by_label("Uw naam").input_value() == "Anna Amstel"
    step(coord, "00c-accept-invitation")
    coord.get_by_label("Gebruikersnaam").fill("coord-amsterdam")
    coord.get_by_label("Wachtwoord:", exact=True).fill(COORD_PASSWORD)
    coord.get_by_label("Wachtwoord nog een keer").fill(COORD_PASSWORD)
    with coord.expect_navigation():
        coord.get_by_role("button", name="Account aanmaken en inloggen").click()
    # ... and lands signed in on the start page: the deadline and what is to be done.
    assert coord.url.endswith("/start/")
    assert "Welkom" in coord.locator(".messages").inner_text()
    assert "coord-amsterdam" in coord.locator("header details.account summary").inner_text()
    main = coord.locator("main").inner_text()
    assert "Regio Amsterdam" in main and ROUND in main and "niet begonnen" in main
    assert f"uiterste inleverdatum {closes_on:%d-%m-%Y}" in main
    assert "Nog te doen" in main and "Vragenlijst Testvragenlijst" in main
    assert "7 mijlpalen nog niet bijgewerkt" in main
    assert "Rapportage controleren en indienen" in main
    step(coord, "01-start-coordinator")
    user = get_user_model().objects.get(username="coord-amsterdam")
    assert user.email == COORD_EMAIL
    role = user.roles.get()
    assert (role.kind, role.region.slug) == (Role.COORDINATOR, "amsterdam")

    # Updates a status ...
    coord.get_by_role("link", name="Regionaal handelingsprotocol").click()
    coord.get_by_label("Status").select_option("done")
    coord.get_by_label("Toelichting").fill("Protocol vastgesteld door de stuurgroep")
    coord.get_by_role("button", name="Opslaan").click()
    assert "Opgeslagen" in coord.locator(".messages").inner_text()
    # ... answers the questionnaire (the start page's next task) ...
    coord.goto(f"{site}/start/")
    coord.get_by_role("link", name="Vul in: Testvragenlijst").click()
    coord.get_by_label("alle ouders", exact=True).check()
    coord.locator("fieldset", has_text="Is er een calamiteitenplan?").get_by_label(
        "Ja", exact=True
    ).check()
    coord.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in coord.locator(".messages").inner_text()
    step(coord, "02-questionnaire-submitted")
    # ... and submits the region's report.
    coord.goto(f"{site}/start/")
    coord.get_by_role("link", name="Rapportage controleren en indienen").click()
    report = coord.locator("main").inner_text()
    assert (
        "Protocol vastgesteld door de stuurgroep" in report
        and "Testvragenlijst: ingediend" in report
    )
    step(coord, "03-report-before-submit")
    coord.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in coord.locator(".messages").inner_text()
    assert "ingediend" in coord.locator("main").inner_text()
    step(coord, "04-start-submitted")

    # The national office lands on the overview and returns it with a comment.
    nat.goto(f"{site}/start/")
    assert nat.url.endswith(f"{P}/ronde/{R}/indieningen/")
    assert "1 van 37 ingediend" in nat.locator("main").inner_text()
    step(nat, "05-overview")
    nat.get_by_role("link", name="Beoordelen Amsterdam").click()
    nat.get_by_label("Toelichting voor de regio").fill(
        "Graag ook de datum van vaststelling noemen."
    )
    nat.get_by_role("button", name="Terugsturen").click()
    assert "Teruggestuurd" in nat.locator(".messages").inner_text()
    assert "1 teruggestuurd" in nat.locator("main").inner_text()
    step(nat, "06-overview-returned")

    # The coordinator sees the comment on the start page, fixes and resubmits.
    coord.goto(f"{site}/start/")
    assert "Graag ook de datum van vaststelling noemen." in coord.locator("main").inner_text()
    step(coord, "07-start-returned")
    coord.get_by_role("link", name="Pas de rapportage aan en dien opnieuw in").click()
    coord.get_by_role("link", name="Regionaal handelingsprotocol").click()
    coord.get_by_label("Toelichting").fill("Protocol vastgesteld door de stuurgroep op 3 maart")
    coord.get_by_role("button", name="Opslaan").click()
    coord.goto(f"{site}{P}/ronde/{R}/regio/amsterdam/rapportage/")
    coord.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in coord.locator(".messages").inner_text()

    # The national office accepts, closes, sees what becomes public, publishes.
    nat.goto(f"{site}{P}/ronde/{R}/indieningen/")
    nat.get_by_role("link", name="Beoordelen Amsterdam").click()
    assert "op 3 maart" in nat.locator("main").inner_text()
    nat.get_by_role("button", name="Accepteren").click()
    assert "1 geaccepteerd" in nat.locator("main").inner_text()
    nat.goto(f"{site}{P}/rondes/")
    nat.get_by_role("link", name=f"Sluiten… {ROUND}").click()
    closing = nat.locator("main").inner_text()
    assert "Nog niet geaccepteerd" in closing and "Niet begonnen: 36 regio's" in closing
    step(nat, "08a-close-confirmation")
    nat.get_by_role("button", name=f"Ja, sluit “{ROUND}”").click()
    nat.get_by_role("link", name=f"Publiceren… {ROUND}").click()
    confirm = nat.locator("main").inner_text()
    assert "Na publicatie is het volgende openbaar" in confirm and "Amsterdam" in confirm
    step(nat, "08-publish-confirmation")
    nat.get_by_role("button", name=f"Ja, publiceer “{ROUND}”").click()
    assert "gepubliceerd" in nat.locator(".messages").inner_text()
    return context, nat, coord


def test_the_reporting_cycle(browser, cycle_site, smtp):  # noqa: F811
    site = cycle_site[0]
    context, nat, coord = run_round_one(browser, cycle_site, smtp)

    # An anonymous visitor sees the round ...
    visitor = browser.new_page(viewport={"width": 390, "height": 844})
    answer = visitor.goto(f"{site}{P}/ronde/{R}/")
    assert answer.status == 200 and ROUND in visitor.locator("main").inner_text()
    step(visitor, "09-public-round")

    # ... until the national office withdraws it.
    nat.goto(f"{site}{P}/rondes/")
    nat.locator("summary", has_text=f"Publicatie intrekken {ROUND}").click()
    nat.get_by_label(f"Reden van intrekken van “{ROUND}”").fill(
        "Cijfers van Amsterdam worden herzien."
    )
    nat.get_by_role("button", name=f"Intrekken {ROUND}").click()
    assert "ingetrokken" in nat.locator(".messages").inner_text()
    assert "Cijfers van Amsterdam worden herzien." in nat.locator("main").inner_text()
    step(nat, "10-withdrawn")
    answer = visitor.goto(f"{site}{P}/ronde/{R}/")
    assert answer.status == 404
    visitor.goto(f"{site}{P}/regio/amsterdam/")
    assert ROUND not in visitor.locator("main").inner_text()
    step(visitor, "11-public-after-withdrawal")
    for p in (coord, nat, visitor):
        p.close()
    context.close()
