"""People and roles in headless Chromium: the national office invites a new coordinator
for Amsterdam, the message arrives at a real SMTP server, the invitee follows the link,
sets a password and lands signed in. Screenshots in test-artifacts/, axe on every page."""

import pytest
from django.contrib.auth import get_user_model

from raak.accounts.models import Role
from raak.programmes import tables
from raak.programmes.importing import import_programme
from tests import mailserver, test_browser
from tests.conftest import DEMO_FILE, browser_sign_in
from tests.mailserver import body, invitation_link, run_worker

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"
# Fixtures and helpers shared with the main browser test.
browser = test_browser.browser
smtp = mailserver.smtp
check_a11y, shot = test_browser.check_a11y, test_browser.shot


@pytest.fixture
def office(transactional_db, live_server, django_user_model, settings):
    settings.SITE_URL = live_server.url  # links in e-mail point at this test's server
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    national = django_user_model.objects.create_user(
        "landelijk", password="geheim-wachtwoord", email="landelijk@example.org"
    )
    Role.objects.create(user=national, programme=programme, kind=Role.NATIONAL)
    gouda = django_user_model.objects.create_user("coord-gouda", email="gouda@example.org")
    Role.objects.create(user=gouda, programme=programme, kind=Role.COORDINATOR,
                        region=programme.regions.get(slug="gouda"))  # fmt: skip
    return live_server.url, national


def test_invite_a_coordinator_who_accepts_in_the_browser(browser, office, smtp):
    site, national = office
    context = browser_sign_in(browser.new_context(viewport={"width": 1280, "height": 900}),
                              site, national)  # fmt: skip
    page = context.new_page()
    page.goto(f"{site}{P}/")
    page.get_by_role("link", name="Mensen").click()
    assert "coord-gouda" in page.locator("main").inner_text()
    check_a11y(page, "people")
    shot(page, "people")
    page.get_by_role("link", name="Iemand uitnodigen").click()
    check_a11y(page, "people-invite")
    # Bad input first: a coordinator needs exactly one region.
    page.get_by_label("E-mailadres").fill("nieuwe.coordinator@example.org")
    page.get_by_label("Naam:", exact=True).fill("Noor Nieuw")
    page.get_by_label("regiocoördinator").check()
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert "precies één regio" in page.locator(".error-summary").inner_text()
    check_a11y(page, "people-invite-error")
    shot(page, "people-invite-error")
    page.get_by_label("Amsterdam", exact=True).check()
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert "klaargezet" in page.locator(".messages").inner_text()
    assert "nieuwe.coordinator@example.org" in page.locator("main").inner_text()
    assert "in de wachtrij" in page.locator("main").inner_text()

    run_worker()  # what `raak worker` does in production
    [message] = smtp.to("nieuwe.coordinator@example.org")
    assert "regiocoördinator: Amsterdam" in body(message)
    link = invitation_link(message)
    assert link.startswith(site)
    page.reload()
    assert "in de wachtrij" not in page.locator("main").inner_text()
    shot(page, "people-pending")

    invitee = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    invitee.goto(link)
    assert "regiocoördinator: Amsterdam" in invitee.locator("main").inner_text()
    assert invitee.get_by_label("Uw naam").input_value() == "Noor Nieuw"
    check_a11y(invitee, "invitation-accept")
    shot(invitee, "invitation-accept-390")
    invitee.get_by_label("Gebruikersnaam").fill("noor")
    invitee.get_by_label("Wachtwoord:", exact=True).fill("kort")
    invitee.get_by_label("Wachtwoord nog een keer").fill("kort")
    invitee.get_by_role("button", name="Account aanmaken en inloggen").click()
    assert "te kort" in invitee.locator(".error-summary").inner_text()
    check_a11y(invitee, "invitation-accept-error")
    invitee.get_by_label("Wachtwoord:", exact=True).fill("Amstel-aan-zee-2011")
    invitee.get_by_label("Wachtwoord nog een keer").fill("Amstel-aan-zee-2011")
    invitee.get_by_role("button", name="Account aanmaken en inloggen").click()
    assert "Welkom" in invitee.locator(".messages").inner_text()
    assert "noor" in invitee.locator("header details.account summary").inner_text()
    shot(invitee, "invitation-accepted")
    check_a11y(invitee, "invitation-accepted")
    noor = get_user_model().objects.get(username="noor")
    assert noor.roles.get().region.slug == "amsterdam"

    # The link is single use.
    invitee.goto(link)
    assert "al gebruikt" in invitee.locator("main").inner_text()
    check_a11y(invitee, "invitation-used")
    shot(invitee, "invitation-used")

    # The office sees the new coordinator and can change the role.
    page.goto(f"{site}{P}/mensen/")
    page.get_by_role("link", name="noor").click()
    check_a11y(page, "person")
    page.get_by_label("Rol:", exact=True).first.select_option("viewer")
    page.get_by_role("button", name="Rol wijzigen").click()
    assert "Rol gewijzigd" in page.locator(".messages").inner_text()
    shot(page, "person")
    assert noor.roles.get().kind == "viewer"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}{P}/mensen/")
    shot(page, "people-390")
    check_a11y(page, "people-390")
    context.close()
    invitee.close()
