"""The report's HTML page and a region's report in Chromium: 0 axe-core violations,
table of contents that jumps, hostile commentary inert, usable at 390 px."""

import pytest
from django.contrib.auth import get_user_model

from raak.programmes.models import Round
from raak.reports import templates
from raak.reports.models import Report, ReportText
from tests.conftest import ARTIFACTS, browser_sign_in
from tests.test_browser import P, browser, check_a11y, shot, site  # noqa: F401

pytestmark = pytest.mark.browser
R = "eindrapportage-2011"


def test_published_report_page_is_accessible(browser, site):  # noqa: F811
    programme = Round.objects.get(slug=R).programme
    tpl = templates.load(programme, templates.DEMO_TEMPLATE)
    rnd = Round.objects.get(slug=R)
    report = Report.objects.create(programme=programme, round=rnd, template=tpl,
                                   chapters=tpl.chapters, title="Eindrapportage RAAK",
                                   state=Report.PUBLISHED)  # fmt: skip
    ReportText.objects.create(
        report=report, key="conclusies",
        text="<script>window.hacked=1</script> **Conclusie**\n\n- punt een\n- punt twee",
    )  # fmt: skip
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}{P}/rapporten/{R}/")
    assert page.evaluate("window.hacked") is None
    assert page.locator(".commentary strong", has_text="Conclusie").count() == 1
    assert page.locator("svg[role=img]").count() == 9
    page.get_by_role("link", name="Bijlage 1: Tabel stand van zaken mijlpalen").click()
    assert page.url.endswith("#h-bijlage-1")
    check_a11y(page, "report")
    shot(page, "report-page")
    page.set_viewport_size({"width": 390, "height": 844})
    check_a11y(page, "report-390")
    page.goto(f"{site}{P}/rapporten/{R}/regio/amsterdam/")
    check_a11y(page, "region-report")
    shot(page, "region-report")
    page.close()


def test_draft_report_for_the_national_office(browser, site):  # noqa: F811
    programme = Round.objects.get(slug=R).programme
    templates.load(programme, templates.DEMO_TEMPLATE)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_sign_in(context, site, get_user_model().objects.get(username="landelijk"))
    page = context.new_page()
    page.goto(f"{site}{P}/rapporten/")
    check_a11y(page, "report-list")
    page.get_by_role("button", name="Concept opstellen").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Voorwoord").first.click()
    page.get_by_label("Tekst").fill("Een *voorwoord* van het landelijk bureau.")
    check_a11y(page, "report-text")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.locator(".commentary em", has_text="voorwoord").count() == 1
    check_a11y(page, "report-draft")
    shot(page, "report-draft")
    context.close()


# The outermost elements that stick out on the right (named in a failure).
WIDE = """(w) => [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.right > w + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 1);
}).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_pages_fit_a_phone_and_headings_hyphenate(browser, site, lang):  # noqa: F811
    """At 390 px the published report, the report list and a region's report do not
    scroll sideways: wide tables scroll in their own named box; headings hyphenate in
    Dutch instead of breaking mid-word (issue #22)."""
    programme = Round.objects.get(slug=R).programme
    tpl = templates.load(programme, templates.DEMO_TEMPLATE)
    Report.objects.create(programme=programme, round=Round.objects.get(slug=R), template=tpl,
                          chapters=tpl.chapters, title="Eindrapportage RAAK",
                          state=Report.PUBLISHED)  # fmt: skip
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/taal/{lang}/?next={P}/rapporten/")
    for name, path in (
        ("list", f"{P}/rapporten/"),
        ("report", f"{P}/rapporten/{R}/"),
        ("region", f"{P}/rapporten/{R}/regio/amsterdam/"),
    ):
        response = page.goto(f"{site}{path}")
        assert response.ok, (name, response.status)
        width = page.evaluate("document.documentElement.scrollWidth")
        # The whole report is too tall for one screenshot: its first screen.
        page.screenshot(path=str(ARTIFACTS / f"report-phone-{name}-{lang}.png"),
                        full_page=name != "report")  # fmt: skip
        assert width <= 390, f"{name} ({lang}): {width}px: {page.evaluate(WIDE, 390)}"
        check_a11y(page, f"report {name} at 390 px ({lang})")
        headings = page.evaluate(
            """() => [...document.querySelectorAll('main h1, main h2, main h3')].map(h => [
                 h.textContent.trim().slice(0, 40), getComputedStyle(h).hyphens,
                 h.closest('[lang]').getAttribute('lang')])"""
        )
        assert headings, name
        for text, hyphens, heading_lang in headings:
            assert hyphens == "auto", (name, text)
            if name != "list":  # the report itself is Dutch in either interface
                assert heading_lang == "nl", (name, text, heading_lang)
    # Every table of the report is in a named, focusable scroll box.
    page.goto(f"{site}{P}/rapporten/{R}/")
    loose = page.evaluate(
        """() => [...document.querySelectorAll('article.report table')]
             .filter(t => !t.closest('.scroll[role=region][tabindex="0"][aria-label]'))
             .map(t => (t.caption ? t.caption.textContent : t.className).slice(0, 60))"""
    )
    assert loose == [], loose
    context.close()
