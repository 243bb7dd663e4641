"""Validation rules in headless Chromium, axe-checked, a screenshot per step
(test-artifacts/rules-*.png): a coordinator of Gouda saves a backwards move and sees the
warning at the field; tries to submit with an error and is refused with the list; fixes
the error, justifies the warnings and submits; the national office reads the
justification on the review page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from raak.accounts.models import Role
from raak.cycle.models import Submission
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.models import RuleJustification
from raak.programmes.status import open_round
from tests.conftest import DEMO_FILE, browser_sign_in
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (browser is a fixture)

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"
R = "voorjaar-2011"


@pytest.fixture
def rules_site(transactional_db, live_server, django_user_model):
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    national = django_user_model.objects.create_user("landelijk", password="x")
    Role.objects.create(user=national, programme=programme, kind=Role.NATIONAL)
    coord = django_user_model.objects.create_user("coord-gouda", password="x")
    Role.objects.create(user=coord, programme=programme, kind=Role.COORDINATOR,
                        region=programme.regions.get(slug="gouda"))  # fmt: skip
    today = timezone.localdate()
    open_round(programme, slug=R, name="Voorjaar 2011", peildatum=date(2011, 6, 1), user=national,
               opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=10))  # fmt: skip
    return live_server.url, national, coord


def step(page, name):
    shot(page, f"rules-{name}")
    check_a11y(page, f"rules-{name}")


def test_rules_in_the_browser(browser, rules_site):  # noqa: F811
    site, national, coord = rules_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_sign_in(context, site, coord)
    page = context.new_page()

    # A backwards move: the werkplan was done in the final report.
    page.goto(f"{site}{P}/ronde/{R}/regio/gouda/mijlpaal/werkplan/")
    page.get_by_label("Status").select_option("not_started")
    page.get_by_role("button", name="Opslaan").click()
    assert page.url.endswith("/mijlpaal/werkplan/#controles")
    results = page.locator("#controles")
    assert "Waarschuwing" in results.inner_text()
    assert "Deze mijlpaal was in de vorige ronde gereed en is dat nu niet meer" in (
        results.inner_text())  # fmt: skip
    step(page, "01-warning-at-the-field")

    # Submitting with an error (Voorjaar 2011 lies before the peildatum) is refused.
    page.goto(f"{site}{P}/ronde/{R}/regio/gouda/rapportage/")
    page.get_by_role("button", name="Indienen").click()
    assert "Indienen kan nog niet: 1 fout" in page.locator(".messages").inner_text()
    listing = page.locator("#controles ~ ul.results").inner_text()
    assert "De verwachte periode ligt vóór de peildatum" in listing
    assert not Submission.objects.exists()
    step(page, "02-refused-with-the-list")

    # Fix the error through its link, justify the two warnings, submit.
    page.locator("li.result.bad").get_by_role("link").click()
    page.get_by_label("Verwachte periode").fill("Najaar 2011")
    page.get_by_role("button", name="Opslaan").click()
    page.goto(f"{site}{P}/ronde/{R}/regio/gouda/rapportage/")
    assert page.locator("li.result.bad").count() == 0
    # Warnings: the werkplan moved back, and it and the protocol are not done after 2010.
    justifications = [
        ("Regionaal werkplan: Deze mijlpaal was in de vorige ronde",
         "Het werkplan wordt herzien na de fusie van twee gemeenten"),
        ("Regionaal werkplan: De programmaperiode is voorbij",
         "Het herziene werkplan is in september klaar"),
        ("Regionaal handelingsprotocol: De programmaperiode is voorbij",
         "De regionale meldcode volgt na de zomer"),
    ]  # fmt: skip
    assert page.locator("li.result.warn form").count() == len(justifications)
    for result, text in justifications:
        form = page.locator("li.result.warn", has_text=result).locator("form")
        form.get_by_label("Toelichting").fill(text)
        form.get_by_role("button", name="Toelichting opslaan").click()
        assert "Toelichting opgeslagen" in page.locator(".messages").inner_text()
    assert [j.target for j in RuleJustification.objects.order_by("id")] == [
        "werkplan", "werkplan", "handelingsprotocol"]  # fmt: skip
    assert RuleJustification.objects.get(target="handelingsprotocol").text == (
        "De regionale meldcode volgt na de zomer")  # fmt: skip
    step(page, "03-justified")
    page.get_by_role("button", name="Indienen").click()
    assert "Ingediend" in page.locator(".messages").inner_text()
    assert Submission.objects.get().state == Submission.SUBMITTED

    # The national office reads the justifications on the review page.
    office = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_sign_in(office, site, national)
    review = office.new_page()
    review.goto(f"{site}{P}/ronde/{R}/regio/gouda/rapportage/")
    text = review.locator("#controles ~ ul.results").inner_text()
    assert "Toelichting van de regio" in text
    assert "Het werkplan wordt herzien na de fusie van twee gemeenten" in text
    step(review, "04-review-page")
    # The office's rules page, the progress page and the region page with its step
    # charts and feedback, each axe-checked and without sideways scroll on a phone.
    for name, path in (("05-rules", f"{P}/regels/"), ("06-progress", f"{P}/voortgang/"),
                       ("07-region", f"{P}/regio/gouda/")):  # fmt: skip
        review.set_viewport_size({"width": 1280, "height": 900})
        review.goto(f"{site}{path}")
        if name == "06-progress":  # every round's open rule results, chart and table
            assert review.locator("#controles").count() == 1
            assert review.locator("svg[aria-labelledby='outstanding-title outstanding-desc']"
                                  ).count() == 1  # fmt: skip
            assert review.locator("td[data-count='errors']").count() == 2
        step(review, name)
        review.set_viewport_size({"width": 390, "height": 800})
        assert review.evaluate("document.documentElement.scrollWidth") <= 390, name
    review.goto(f"{site}{P}/ronde/{R}/regio/gouda/rapportage/")
    assert review.evaluate("document.documentElement.scrollWidth") <= 390
    # The coordinator's start page with the feedback list.
    page.goto(f"{site}/start/")
    assert "Let op bij uw gegevens" in page.locator("main").inner_text()
    step(page, "08-start-feedback")
