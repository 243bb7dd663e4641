"""Screens that work for everyone (issue #14), in headless Chromium: no page scrolls
sideways on a phone (390 px) or a laptop (1280 px), wide tables scroll in their own
named box, the national picture prints with every column, the signed-in header stays
within two rows. Screenshots in test-artifacts/screens-*.png; look at them."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from raak.programmes.status import open_round
from tests.conftest import browser_sign_in
from tests.test_browser import P, browser, check_a11y, shot, site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def page_for(browser, site, viewport, username=None):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    if username:
        browser_sign_in(context, site, get_user_model().objects.get(username=username))
    return context.new_page()


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


# The outermost elements that stick out on the right: what a failure message should name.
WIDE = """(w) => [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.right > w + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 1);
}).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def pages(site):  # noqa: F811
    from raak.programmes.models import Programme

    programme = Programme.objects.get(slug=P.strip("/"))
    user = get_user_model().objects.get(username="landelijk")
    rnd = open_round(programme, slug="juni-2011", name="Voortgang juni 2011",
                     peildatum=date(2011, 6, 1), user=user)  # fmt: skip
    milestone = programme.milestones.order_by("position").first()
    return [
        ("national", None, f"{P}/"),
        ("region", None, f"{P}/regio/nijmegen/"),
        ("forecast", None, f"{P}/verwacht/"),
        ("catalogue", None, f"{P}/activiteiten/?q=scholing"),
        ("edit-status", "coord-delft",
         f"{P}/ronde/{rnd.slug}/regio/delft/mijlpaal/{milestone.key}/"),
    ]  # fmt: skip


@pytest.mark.parametrize("name,viewport", [("phone", PHONE), ("laptop", LAPTOP)])
def test_no_page_scrolls_sideways(browser, site, name, viewport):  # noqa: F811
    for page_name, username, path in pages(site):
        page = page_for(browser, site, viewport, username)
        response = page.goto(site + path)
        assert response.ok, (page_name, response.status)
        width = scroll_width(page)
        shot(page, f"screens-{page_name}-{name}")
        assert width <= viewport["width"], (
            f"{page_name} at {name}: {width}px wide: {page.evaluate(WIDE, viewport['width'])}"
        )
        check_a11y(page, f"{page_name} at {name}")
        page.context.close()


def test_signed_in_header_stays_within_two_rows_at_1280(browser, site):  # noqa: F811
    page = page_for(browser, site, LAPTOP, "landelijk")  # the longest menu
    page.goto(f"{site}{P}/")
    items = page.locator("header.site nav li")
    assert items.count() >= 12
    for language in ("en", "nl"):  # Dutch last: the checks below read Dutch names
        page.goto(f"{site}/taal/{language}/?next={P}/")
        rows = page.evaluate(
            "() => new Set([...document.querySelectorAll('header.site nav li')]"
            ".map(li => Math.round(li.getBoundingClientRect().top))).size"
        )
        row = items.first.bounding_box()["height"]
        header = page.locator("header.site").bounding_box()["height"]
        assert rows <= 2 and header <= 2 * row + 32, (language, rows, header, row)
    # The account menu opens without JavaScript and stays on the screen.
    account = page.locator("header details.account")
    assert not page.get_by_role("link", name="Mijn account").is_visible()
    account.locator("summary").click()
    assert page.get_by_role("link", name="Mijn account").is_visible()
    assert page.get_by_role("button", name="Uitloggen (landelijk)").is_visible()
    box = account.locator("ul").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"]
    assert scroll_width(page) <= LAPTOP["width"]
    shot(page, "screens-header-national-office")
    check_a11y(page, "header with the account menu open")
    page.context.close()


def test_national_picture_prints_every_column_without_navigation(browser, site):  # noqa: F811
    a4 = {"width": 794, "height": 1123}  # A4 at 96 dpi: what a printed page has room for
    page = page_for(browser, site, a4)
    page.goto(f"{site}{P}/")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert (
        page.locator(".annex-section").first.evaluate("e => getComputedStyle(e).breakBefore")
        == "page"
    )
    annex = page.locator("table.annex").first
    last = annex.locator("thead th").last
    assert last.inner_text() == "Eindfoto"
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= a4["width"], box
    assert scroll_width(page) <= a4["width"], page.evaluate(WIDE, a4["width"])
    shot(page, "screens-national-print")
    page.context.close()


MORE_PAGES = [
    (None, "action-points", {}),
    (None, "protocols", {}),
    (None, "training", {}),
    (None, "network", {}),
    (None, "questionnaires", {}),
    (None, "reports", {}),
    ("coord-delft", "region", {"region_slug": "delft"}),
    ("coord-delft", "protocol-region", {"region_slug": "delft"}),
    ("coord-delft", "network-region", {"region_slug": "delft"}),
    ("coord-delft", "start", None),
    ("landelijk", "rounds", {}),
    ("landelijk", "submissions", {"round_slug": "juni-2011"}),
    ("landelijk", "people", {}),
    ("landelijk", "security", {}),
    ("landelijk", "security-log", {}),
    ("landelijk", "api-tokens", None),
    ("landelijk", "advisor-notes", {}),
    ("landelijk", "people-invite", {}),
    ("landelijk", "reminder-plan", {"round_slug": "juni-2011"}),
    ("landelijk", "route-overview", {}),
    ("coord-delft", "route-edit", {"region_slug": "delft"}),
    ("coord-delft", "account", None),
    (None, "route-find", {}),
    (None, "login", None),
    # Nested pages whose breadcrumbs came later (issue #14 follow-up).
    (None, "region-report", {"round_slug": "eindrapportage-2011", "region_slug": "delft"}),
    (None, "national-map", {"round_slug": "eindrapportage-2011"}),
    (None, "route-region", {"region_slug": "delft"}),
    ("landelijk", "remind-now", {"round_slug": "juni-2011"}),
    ("landelijk", "questionnaire-import", {}),
    ("landelijk", "questionnaire-new", {}),
]


def test_the_other_pages_fit_a_phone(browser, site):  # noqa: F811
    from django.urls import reverse

    pages(site)  # opens the round juni-2011 with a change to show
    slug = P.strip("/")
    too_wide = []
    for username, name, kwargs in MORE_PAGES:
        path = reverse(name, kwargs=None if kwargs is None else {"slug": slug, **kwargs})
        page = page_for(browser, site, PHONE, username)
        response = page.goto(site + path)
        assert response.ok, (name, response.status)
        if scroll_width(page) > PHONE["width"]:
            shot(page, f"screens-too-wide-{name}")
            too_wide.append((name, scroll_width(page), page.evaluate(WIDE, PHONE["width"])))
        check_a11y(page, f"{name} at phone width")
        page.context.close()
    assert not too_wide


def test_region_page_prints_without_navigation_within_the_page(browser, site):  # noqa: F811
    a4 = {"width": 794, "height": 1123}
    page = page_for(browser, site, a4)
    page.goto(f"{site}{P}/regio/gouda/")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator("nav.crumbs").is_visible()
    assert scroll_width(page) <= a4["width"], page.evaluate(WIDE, a4["width"])
    shot(page, "screens-region-print")
    page.context.close()
