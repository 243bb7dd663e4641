"""Issue #14 in a real browser: the second programme (fictieve gegevens) with its own
words, its list of regions that moved opened, in Dutch and English at phone width,
with axe-core (WCAG 2.1 AA) on each page."""

import json

import pytest
from django.conf import settings

from raak.programmes import tables
from raak.programmes.importing import import_programme
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (fixture)
from tests.test_wording import PAGES, second_programme

pytestmark = pytest.mark.browser


@pytest.fixture
def other_site(transactional_db, live_server, tmp_path):
    path = tmp_path / "hg.json"
    path.write_text(json.dumps(second_programme(), ensure_ascii=False))
    import_programme(tables.read(path), actor="test")
    return live_server.url


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_second_programme_pages_are_accessible(browser, other_site, lang):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang,
                          "url": other_site}])  # fmt: skip
    page = context.new_page()
    for name, url in PAGES.items():
        page.goto(other_site + url)
        if name == "national":
            page.locator("details.moves summary").first.click()
            moved = page.locator("details.moves li").first
            assert moved.is_visible()
            assert ("afgerond" if lang == "nl" else "completed") in page.locator(
                "details.moves"
            ).first.inner_text()
        check_a11y(page, f"wording-{name}-{lang}")
        shot(page, f"wording-{name}-{lang}-390")
    context.close()
