"""The report's HTML page and a region's report in Chromium: 0 axe-core violations,
table of contents that jumps, hostile commentary inert, usable at 390 px."""

import pytest
from django.contrib.auth import get_user_model

from raak.programmes.models import Round
from raak.reports import templates
from raak.reports.models import Report, ReportText
from tests.conftest import browser_sign_in
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
