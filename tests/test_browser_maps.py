"""Issue #14 in Chromium: the national picture's maps switch without a reload and keep
a numbered key beside them; the catalogue marks search terms. Screenshots in
test-artifacts/ (map-*.png, catalogue-marked.png) are there to be looked at."""

import pytest

from tests.conftest import ARTIFACTS
from tests.test_browser import browser, check_a11y, shot, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_switching_maps_keeps_the_page(browser, site, width, height):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{site}{P}/ronde/eindrapportage-2011/")
    assert page.locator("svg.map .numbers text").count() == 37
    assert page.locator("ol.map-key li").count() == 37
    shot(page, f"map-national-{width}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("section.maps").screenshot(path=str(ARTIFACTS / f"map-section-{width}.png"))
    check_a11y(page, f"map-national-{width}")
    # A marker on the window survives only if the page is not reloaded.
    page.evaluate("window.stillHere = true")
    first_heading = page.locator("#map-heading").text_content()
    link = page.locator("a[data-map-fragment]").nth(1)
    title = link.inner_text()
    link.click()
    page.wait_for_function(
        "t => document.getElementById('map-heading').textContent.startsWith(t.slice(0, 10))",
        arg=title,
    )
    assert page.evaluate("window.stillHere") is True
    assert "?kaart=" in page.url
    assert page.evaluate("document.activeElement.id") == "map-heading"
    assert link.get_attribute("aria-current") == "true"
    assert page.locator("a[data-map-fragment][aria-current]").count() == 1
    assert page.locator("svg.map .numbers text").count() == 37
    shot(page, f"map-switched-{width}")
    check_a11y(page, f"map-switched-{width}")
    page.go_back()
    page.wait_for_function("!location.search.includes('kaart=')")
    assert page.evaluate("window.stillHere") is True
    # Going back fetches the first map again: wait until it is shown, so the request has
    # ended before the test's database is emptied (the live server would still hold it).
    page.wait_for_function(
        "t => document.getElementById('map-heading').textContent === t", arg=first_heading
    )
    page.close()


def test_catalogue_marks_terms_and_shows_the_theme_tree(browser, site):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}{P}/activiteiten/?q=meldcode")
    assert page.locator(".results mark").count() > 0
    assert page.locator("#thema optgroup").count() == 2
    assert page.locator("#provincie option", has_text="Noord-Brabant").count() == 1
    shot(page, "catalogue-marked")
    page.locator("form.filters").screenshot(path=str(ARTIFACTS / "catalogue-filters.png"))
    page.locator(".results").screenshot(path=str(ARTIFACTS / "catalogue-results.png"))
    check_a11y(page, "catalogue-marked")


def test_forecast_axis(browser, site):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}{P}/verwacht/")
    boxes = [
        t.bounding_box() for t in page.locator("svg.timeline text[y='11']").all()
    ]  # the axis labels as the browser lays them out
    assert len(boxes) >= 3
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a["x"] + a["width"] <= b["x"], "axis labels overlap"
    shot(page, "forecast-axis")
    page.locator("svg.timeline").screenshot(path=str(ARTIFACTS / "forecast-timeline.png"))
    check_a11y(page, "forecast-axis")


def test_a_thousand_regions_map(browser, site):  # noqa: F811
    from tests.test_readable import import_thousand_regions

    import_thousand_regions()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/duizend/ronde/ronde-1/kaarten/?kaart=m0")
    assert page.locator("svg.map a.region").count() == 1000
    assert page.locator(".map-key-groups li").count() == 1000
    # The long key scrolls in its own box instead of stretching the page.
    box = page.locator(".map-key-groups").bounding_box()
    assert box["height"] < 900
    page.locator("section.maps").screenshot(path=str(ARTIFACTS / "map-section-1000.png"))
    check_a11y(page, "map-1000")


def test_a_thousand_regions_national_page_in_pages(browser, site):  # noqa: F811
    """Issue #12: above 100 regions the annex comes in pages and the maps have a page
    of their own; the page stays small, accessible and usable at 390 px."""
    from tests.test_readable import import_thousand_regions

    import_thousand_regions()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{site}/duizend/ronde/ronde-1/")
    assert page.locator("svg.map").count() == 0
    assert page.locator("table.annex").first.locator("tbody tr").count() == 50
    page.get_by_role("link", name="3", exact=True).first.click()
    page.wait_for_url("**pagina=3**")
    assert page.locator("nav.pages strong[aria-current=page]").first.inner_text() == "3"
    shot(page, "national-1000-page-3")
    check_a11y(page, "national-1000")
