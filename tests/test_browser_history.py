"""The change history and a revert in headless Chromium, axe-checked, screenshots in
test-artifacts/: a coordinator's status change and a submission e-mailed through a real
SMTP server (links from SITE_URL); the national office filters the programme-wide
history, reads labels (not stored keys), reverts the status with a reason, sees the
conflict page for a change made since, the messages page, switches a kind of message
off on the account page; the history fits a 390 px phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from raak.accounts.models import Role
from raak.cycle import submissions
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.models import ChangeRecord, MessageOptOut, MilestoneStatus
from raak.programmes.status import open_round, save_milestone_status
from tests import mailserver
from tests.conftest import DEMO_FILE, browser_sign_in
from tests.mailserver import body, run_worker
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (browser is a fixture)

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"
R = "voorjaar-2011"
smtp = mailserver.smtp


@pytest.fixture
def history_site(transactional_db, live_server, django_user_model, settings):
    settings.SITE_URL = live_server.url
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    # Without the demo's validation rules, which would block the submission below at
    # today's peildatum (the rules have their own browser test).
    programme.rules.all().delete()
    national = django_user_model.objects.create_user(
        "landelijk", password="geheim-wachtwoord", email="landelijk@example.org"
    )
    Role.objects.create(user=national, programme=programme, kind=Role.NATIONAL)
    coord = django_user_model.objects.create_user("coord-gouda", email="gouda@example.org")
    gouda = programme.regions.get(slug="gouda")
    Role.objects.create(user=coord, programme=programme, kind=Role.COORDINATOR, region=gouda)
    today = timezone.localdate()
    rnd = open_round(programme, slug=R, name="Voorjaar 2011", peildatum=today, user=national,
                     opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=10))  # fmt: skip
    return live_server.url, national, coord, rnd, gouda


def status(rnd, region, key):
    return MilestoneStatus.objects.select_related("milestone").get(
        round=rnd, region=region, milestone__key=key
    )


def test_history_and_revert(browser, history_site, smtp):  # noqa: F811
    site, national, coord, rnd, gouda = history_site
    s = status(rnd, gouda, "werkplan")
    before = s.status
    save_milestone_status(rnd, gouda, s.milestone, user=coord, expected_version=s.version,
                          status="not_started", period=None, note="")  # fmt: skip
    # A submission, e-mailed to the national office with a link from SITE_URL.
    submissions.transition(rnd, gouda, "submit", user=coord)
    run_worker()
    [message] = smtp.to("landelijk@example.org")
    assert f"{site}{P}/ronde/{R}/regio/gouda/rapportage/" in body(message)
    submissions.transition(rnd, gouda, "return", user=national, comment="Werkplan klopt niet")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_sign_in(context, site, national)
    page = context.new_page()
    page.goto(f"{site}{P}/rondes/")
    page.get_by_role("link", name="Wijzigingen").click()
    page.get_by_label("Regio").select_option("gouda")
    page.get_by_label("Soort wijziging").select_option("status")
    page.get_by_role("button", name="Filteren").click()
    table = page.locator("table").inner_text()
    assert "Regionaal werkplan" in table and "niet gestart" in table and "not_started" not in table
    shot(page, "history-01-filtered")
    check_a11y(page, "history-filtered")

    record = ChangeRecord.objects.get(kind="status", field="status", new="not_started")
    page.locator(f'a[href$="/wijzigingen/{record.id}/terugdraaien/"]').click()
    page.get_by_label("Reden").fill("Per abuis op niet gestart gezet")
    shot(page, "history-02-revert")
    check_a11y(page, "history-revert")
    page.get_by_role("button", name="Terugdraaien").click()
    assert "Teruggedraaid" in page.locator(".messages").inner_text()
    assert status(rnd, gouda, "werkplan").status == before
    assert "Per abuis op niet gestart gezet" in page.locator("table").inner_text()
    shot(page, "history-03-reverted")
    check_a11y(page, "history-reverted")

    # The same record again: changed since (by the revert) -> the conflict page.
    page.goto(f"{site}{P}/wijzigingen/{record.id}/terugdraaien/")
    page.get_by_label("Reden").fill("Nog eens")
    page.get_by_role("button", name="Terugdraaien").click()
    assert "sindsdien gewijzigd" in page.locator("h1").inner_text()
    shot(page, "history-04-conflict")
    check_a11y(page, "history-conflict")

    page.goto(f"{site}{P}/berichten/")
    assert "landelijk@example.org" in page.locator("table").inner_text()
    shot(page, "history-05-messages")
    check_a11y(page, "messages")

    # The account page: switch one kind of message off.
    page.goto(f"{site}/mijn-account/")
    page.get_by_label("een ronde is gepubliceerd").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    assert "opgeslagen" in page.locator(".messages").inner_text()
    assert list(MessageOptOut.objects.filter(user=national).values_list("kind", flat=True)) == [
        "published"
    ]
    shot(page, "history-06-account-messages")
    check_a11y(page, "account-messages")

    # A phone: no sideways scrolling (the table scrolls in its own box).
    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{site}{P}/wijzigingen/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "history-07-phone")
    check_a11y(phone, "history-phone")
    context.close()
