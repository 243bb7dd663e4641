"""The open-data pages in headless Chromium: no axe violations, no sideways scroll on a
phone, in Dutch and English."""

import pytest

from tests.test_browser import P, browser, check_a11y, shot, site  # noqa: F401 (fixtures)
from tests.test_browser_screens import PHONE, page_for, scroll_width

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/open-data/", "/open-data/eindrapportage-2011/"])
def test_open_data_pages_are_accessible_on_a_phone(browser, site, path):  # noqa: F811
    page = page_for(browser, site, PHONE)
    for language in ("nl", "en"):
        page.goto(f"{site}/taal/{language}/?next={P}{path}")
        assert page.get_by_role("link", name="CSV").first.is_visible() or path.endswith(
            "open-data/"
        )
        assert scroll_width(page) <= PHONE["width"], (path, language)
        shot(page, f"opendata-{path.strip('/').replace('/', '-')}-{language}")
        check_a11y(page, f"{path} ({language})")
    page.context.close()
