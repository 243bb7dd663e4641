"""Single sign-on in real headless Chromium: the login page's button, the provider's
own page (oidc-provider-mock, over HTTP in a thread), back to RAAK signed in; an
unknown person's page; axe-core on RAAK's pages, and a phone's width."""

import pytest

from raak.accounts import oidc
from raak.accounts.demo import create_demo_users
from raak.programmes import tables
from raak.programmes.importing import import_programme
from tests.conftest import DEMO_FILE
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (fixture)
from tests.test_oidc import provider  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, settings, provider):  # noqa: F811
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    create_demo_users(programme)
    settings.OIDC_DISCOVERY_URL = f"{provider.url}/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "raak-browser", "geheim"
    settings.OIDC_ORGANISATION = "Gemeente Voorbeeld"
    oidc._client.cache_clear()
    yield live_server.url
    oidc._client.cache_clear()


def through_the_provider(page, site, sub):
    page.goto(f"{site}/inloggen/")
    page.get_by_role("link", name="Inloggen met Gemeente Voorbeeld").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("#subject-input").fill(sub)
    with page.expect_navigation(url=f"{site}/**"):
        # The form with the subject field (the page also lists earlier subjects).
        page.locator("form:has(#subject-input) button[type=submit]").click()


def test_a_coordinator_signs_in_through_the_providers_page(browser, site, provider):  # noqa: F811
    provider.user("gouda-sub", email="coord-gouda@example.org", email_verified=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{site}/inloggen/")
    check_a11y(page, "login-with-sso")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "login-with-sso")
    through_the_provider(page, site, "gouda-sub")
    assert page.url == f"{site}/start/"
    assert "coord-gouda" in page.locator("header").inner_text()
    shot(page, "sso-start")


def test_an_unknown_person_sees_why_and_gets_nothing(browser, site, provider):  # noqa: F811
    provider.user("vreemd", email="vreemd@example.org", email_verified=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    through_the_provider(page, site, "vreemd")
    assert "/inloggen/oidc/terug/" in page.url
    assert page.get_by_role("heading", name="Niet ingelogd").is_visible()
    assert "Vraag het landelijk bureau om een uitnodiging" in page.locator("main").inner_text()
    check_a11y(page, "sso-refused")
    shot(page, "sso-refused")
