"""The static site of `raak publish-static` opened from disk (file://) in Chromium: every
page is visited, every link and resource it has resolves to a file of the site, nothing
fails to load, no script runs, and a sample of 30 pages has no axe violations."""

import io
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import call_command

from raak.knowledge.loading import load_action_points, load_activities
from raak.programmes import tables
from raak.programmes.importing import import_programme
from tests.conftest import DEMO_FILE, KNOWLEDGE
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
P = "raak-2008-2010"
SAMPLE = 30

# Attributes resolved against the page (an SVG <a>'s .href is not a string).
LINKS = """() => [...document.querySelectorAll('[href], [src]')].map(
  e => new URL(e.getAttribute('href') ?? e.getAttribute('src'), document.baseURI).href)"""


@pytest.fixture
def static_site(db, tmp_path, settings):
    settings.SITE_URL = "https://raak.example.org"
    import_programme(tables.read(DEMO_FILE), actor="test")
    load_activities(KNOWLEDGE / "activities-2008-2010.json")
    load_action_points(KNOWLEDGE / "action-points-2011.json")
    call_command("publish-static", "--programme", P, "--output", str(tmp_path / "site"),
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    return tmp_path / "site"


def test_static_site_from_disk_has_no_broken_links_and_no_axe_violations(browser, static_site):  # noqa: F811
    root = static_site.resolve()
    pages = sorted(root.rglob("*.html"))
    assert len(pages) > 200
    # The sample: the kinds of page first (national picture, a map, a region, forecast,
    # catalogue, open data, route map, site pages), then spread over the rest.
    first = [
        root / P / "ronde" / "eindrapportage-2011" / "index.html",
        root / P / "ronde" / "eindrapportage-2011" / "index.kaart-werkplan.html",
        root / P / "regio" / "amsterdam" / "index.html",
        root / P / "verwacht" / "index.html",
        root / P / "activiteiten" / "index.html",
        root / P / "open-data" / "index.html",
        root / P / "open-data" / "eindrapportage-2011" / "index.html",
        root / P / "routekaart" / "regio" / "gouda" / "index.html",
        root / "help" / "index.html",
        root / "toegankelijkheid" / "index.html",
    ]
    # Redirects lead on at once (axe would check the page they lead to).
    rest = [p for p in pages if p not in first and b"http-equiv" not in p.read_bytes()]
    sample = first + rest[:: max(1, len(rest) // (SAMPLE - len(first)))][: SAMPLE - len(first)]
    assert len(sample) == SAMPLE
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    failed, broken, scripts = [], [], []
    # What the pages load. axe reads the stylesheets again with XMLHttpRequest, which
    # Chromium refuses from file:// (CORS): those requests are axe's, not the site's.
    # A load cut off by going to the next page (the favicon, ERR_ABORTED) is no failure;
    # that every file exists is checked link by link below.
    page.on("requestfailed", lambda r: r.resource_type != "xhr"
            and "ERR_ABORTED" not in (r.failure or "") and failed.append(r.url))  # fmt: skip
    page.on("console", lambda m: m.type == "error" and not m.text.startswith(
        ("Access to XMLHttpRequest", "Failed to load resource: net::ERR_FAILED")
    ) and failed.append(m.text))  # fmt: skip
    checked = 0
    for path in pages:
        page.goto(path.as_uri())
        if b'http-equiv="refresh"' in path.read_bytes():
            # A redirect (the programme's page to its newest round) leads on by itself.
            here = path.as_uri()
            page.wait_for_url(lambda url: url != here)  # noqa: B023 (used at once)
            page.wait_for_load_state()
            assert Path(unquote(urlsplit(page.url).path)).is_file(), page.url
        scripts += [str(path)] * page.locator("script").count()
        for url in page.evaluate(LINKS):
            parts = urlsplit(url)
            if parts.scheme != "file":
                continue  # the live site (log in, the language switch) or another site
            checked += 1
            if not Path(unquote(parts.path)).is_file():
                broken.append((str(path.relative_to(root)), url))
        if path in sample:
            assert page.evaluate("document.styleSheets.length") >= 3, path
            check_a11y(page, str(path.relative_to(root)))
    shot(page, "static-site-last-page")
    page.goto(first[0].as_uri())
    shot(page, "static-site-national")
    # Without JavaScript the map switcher is a link to the page with that map.
    switch = page.locator("a[href*='index.kaart-scholingsplan.html']").first
    switch.click()
    assert page.url.split("#")[0].endswith("index.kaart-scholingsplan.html")
    assert page.locator("svg.map a.region").count() == 37
    context.close()
    assert not broken, broken[:20]
    assert not failed, failed[:20]
    assert not scripts, scripts[:5]
    assert checked > 5000  # the demo: about 8,000 links and resources
