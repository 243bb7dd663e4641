"""Show-if in the page: the static script evaluates the same tree as the server, so a
region sees exactly the questions the server will keep. Chromium, axe, screenshots."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from raak.programmes.models import Programme
from raak.programmes.status import open_round
from raak.questionnaires import xlsform
from raak.questionnaires.models import Response
from tests.conftest import browser_sign_in
from tests.test_browser import browser, check_a11y, shot, site  # noqa: F401 (fixtures)
from tests.test_xlsform import workbook

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"


def test_show_if_lives_in_the_page_as_on_the_server(browser, site, tmp_path):  # noqa: F811
    programme = Programme.objects.get(slug="raak-2008-2010")
    xlsform.load(workbook(tmp_path / "form.xlsx"), publish=True)
    national = get_user_model().objects.get(username="landelijk")
    open_round(programme, slug="start", name="Start", peildatum=date(2011, 3, 1), user=national,
               forms=["test-formulier"])  # fmt: skip
    context = browser.new_context(viewport={"width": 390, "height": 900})
    browser_sign_in(context, site, get_user_model().objects.get(username="coord-gouda"))
    page = context.new_page()
    page.goto(f"{site}{P}/vragenlijsten/test-formulier/ronde/start/regio/gouda/")

    def visible(key):
        return page.locator(f'[data-question="{key}"]').is_visible()

    # relevant: budget needs ${aantal} > 2; sinds needs selected(${soort}, 'eigen');
    # tweede needs not(${soort} = 'landelijk') or ${aantal} >= 10.
    assert not visible("budget") and not visible("sinds") and visible("tweede")
    page.get_by_label("Hoeveel instellingen?").fill("3")
    assert visible("budget")
    page.get_by_label("landelijke aanpak").first.check()
    assert not visible("sinds") and not visible("tweede")
    page.get_by_label("Hoeveel instellingen?").fill("12")
    assert visible("tweede")
    page.get_by_label("eigen aanpak").first.check()
    assert visible("sinds") and visible("tweede") and not visible("tweede_other")
    page.locator('[data-question="tweede"]').get_by_label("Anders").check()
    assert visible("tweede_other")
    page.get_by_label("Sinds wanneer?").fill("01-02-2010")
    page.get_by_label("Budget (miljoen)").fill("2,5")
    page.get_by_label("Anders, namelijk:").fill("Een eigen variant")
    page.get_by_label("Hoeveel instellingen?").fill("1")  # hides budget again, keeps the rest
    assert not visible("budget") and visible("tweede")
    check_a11y(page, "show-if")
    shot(page, "questionnaire-show-if-390")
    with page.expect_navigation():
        page.get_by_role("button", name="Concept opslaan").click()
    response = Response.objects.get(region__slug="gouda")
    values = {a.question.key: a.value for a in response.answers.select_related("question")}
    # The server kept exactly what the page showed: budget was hidden, so it is gone.
    assert values == {"soort": "eigen", "aantal": 1, "sinds": "2010-02-01", "tweede": "other",
                      "tweede_other": "Een eigen variant"}  # fmt: skip
    # After reload the page starts in the same state.
    assert not visible("budget") and visible("sinds") and visible("tweede_other")
    context.close()


def test_the_national_office_builds_previews_and_publishes(browser, site):  # noqa: F811
    users = get_user_model().objects
    programme = Programme.objects.get(slug="raak-2008-2010")
    national = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_sign_in(national, site, users.get(username="landelijk"))
    page = national.new_page()
    page.goto(f"{site}{P}/vragenlijsten/")
    page.get_by_role("link", name="Nieuwe vragenlijst bouwen").click()
    page.get_by_label("Korte naam (in de adresregel)").fill("bouwtest")
    page.get_by_label("Naam", exact=True).fill("Bouwtest")
    page.get_by_role("button", name="Aanmaken en verder bouwen").click()
    for key, title in (("aanpak", "Aanpak"), ("details", "Details")):
        form = page.locator("form", has=page.get_by_role("button", name="Sectie toevoegen"))
        form.get_by_label("Sleutel").fill(key)
        form.get_by_label("Titel").fill(title)
        form.get_by_role("button", name="Sectie toevoegen").click()
    page.get_by_label("Nieuwe keuzelijst: naam").fill("soort")
    page.get_by_label("Keuzes").fill("eigen | eigen aanpak\nlandelijk | landelijke aanpak")
    page.get_by_role("button", name="Keuzelijst toevoegen").click()
    page.get_by_label("Sectie", exact=True).select_option("aanpak")
    page.get_by_label("Sleutel (naam van de vraag)").fill("soort")
    page.get_by_label("Soort", exact=True).select_option("single")
    page.get_by_label("Vraag", exact=True).fill("Welke aanpak?")
    page.get_by_label("Keuzelijst (bij een keuzevraag)").select_option("soort")
    page.get_by_role("button", name="Vraag toevoegen").click()
    page.get_by_label("Sectie", exact=True).select_option("details")
    page.get_by_label("Sleutel (naam van de vraag)").fill("sinds")
    page.get_by_label("Soort", exact=True).select_option("date")
    page.get_by_label("Vraag", exact=True).fill("Sinds wanneer?")
    # Checked as you type: an unknown question is named before saving.
    page.get_by_label("Alleen tonen als").fill("${sort} = 'eigen'")
    page.locator("#b-show-if-check").filter(has_text="“sort” is geen eerdere vraag").wait_for()
    page.get_by_label("Alleen tonen als").fill("${soort} = 'eigen'")
    page.locator("#b-show-if-check").filter(has_text="In orde.").wait_for()
    page.get_by_role("button", name="Vraag toevoegen").click()
    # Reorder by keyboard: focus the button and press Enter.
    page.get_by_role("button", name="Sectie Details omhoog").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "“soort” is geen eerdere vraag" in page.locator(".error-summary").inner_text()
    check_a11y(page, "builder")
    shot(page, "questionnaire-builder")
    page.goto(f"{site}{P}/vragenlijsten/bouwtest/bouwen/voorbeeld/")
    assert not page.locator('[data-question="sinds"]').is_visible()
    page.get_by_label("eigen aanpak").check()
    assert page.locator('[data-question="sinds"]').is_visible()
    check_a11y(page, "builder-preview")
    shot(page, "questionnaire-builder-preview")
    page.goto(f"{site}{P}/vragenlijsten/bouwtest/bouwen/")
    page.get_by_role("button", name="Versie 1 publiceren").click()
    assert "Gepubliceerd" in page.locator(".messages").inner_text()
    national.close()
    open_round(programme, slug="start", name="Start", peildatum=date(2011, 3, 1),
               user=users.get(username="landelijk"), forms=["bouwtest"])  # fmt: skip
    coordinator = browser.new_context(viewport={"width": 390, "height": 900})
    browser_sign_in(coordinator, site, users.get(username="coord-delft"))
    page = coordinator.new_page()
    page.goto(f"{site}{P}/vragenlijsten/bouwtest/ronde/start/regio/delft/")
    assert not page.locator('[data-question="sinds"]').is_visible()
    page.get_by_label("landelijke aanpak").check()
    assert not page.locator('[data-question="sinds"]').is_visible()
    page.get_by_label("eigen aanpak").check()
    page.get_by_label("Sinds wanneer?").fill("01-03-2009")
    with page.expect_navigation():
        page.get_by_role("button", name="Indienen").click()
    response = Response.objects.get(region__slug="delft", version__questionnaire__slug="bouwtest")
    assert response.state == Response.SUBMITTED
    assert {a.question.key: a.value for a in response.answers.select_related("question")} == {
        "soort": "eigen", "sinds": "2009-03-01"
    }  # fmt: skip
    shot(page, "questionnaire-built-answered-390")
    coordinator.close()
