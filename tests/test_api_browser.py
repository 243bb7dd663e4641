"""The token page and the API documentation page in headless Chromium, with axe-core."""

import pytest

from raak.accounts.models import Role
from raak.programmes import tables
from raak.programmes.importing import import_programme
from tests.conftest import DEMO_FILE, browser_sign_in
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    user = django_user_model.objects.create_user("coord-gouda", password="geheim-wachtwoord")
    Role.objects.create(user=user, programme=programme, kind=Role.COORDINATOR,
                        region=programme.regions.get(slug="gouda"))  # fmt: skip
    return live_server.url, user


def test_token_page_makes_shows_once_and_revokes(browser, site):  # noqa: F811
    url, user = site
    context = browser_sign_in(
        browser.new_context(viewport={"width": 390, "height": 844}), url, user
    )
    page = context.new_page()
    page.goto(f"{url}/api-sleutels/")
    check_a11y(page, "api-tokens-empty")
    page.get_by_label("Naam").fill("Dashboard gemeente Gouda")
    page.get_by_label("lezen en wijzigen").check()
    page.get_by_role("button", name="Token maken").click()
    raw = page.get_by_role("textbox", name="Token").input_value()
    assert raw.startswith("raak_")
    check_a11y(page, "api-tokens-created")
    shot(page, "api-tokens-created")
    # The token works against the API from the same browser (no session used there).
    response = context.request.get(
        f"{url}/api/v1/programmes/raak-2008-2010/regions/gouda",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status == 200 and response.headers["api-version"] == "1.0.0"
    page.goto(f"{url}/api-sleutels/")
    assert raw not in page.content()
    page.get_by_role("button", name="Intrekken Dashboard gemeente Gouda").click()
    assert page.get_by_text("is ingetrokken").is_visible()
    check_a11y(page, "api-tokens-revoked")
    shot(page, "api-tokens-revoked")
    context.close()


def test_documentation_page(browser, site):  # noqa: F811
    url, _user = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/api/v1/docs")
    assert page.get_by_role("heading", name="RAAK API 1.0.0").is_visible()
    assert page.locator("#op-getRoundSummary").is_visible()
    check_a11y(page, "api-docs")
    shot(page, "api-docs")
    page.close()
