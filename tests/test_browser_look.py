"""The look in Chromium: NL Design System components with RAAK's default theme and with
a second theme (another primary colour and font stack in its own token stylesheet).
The theme changes the computed colours of the header and of a primary button; every
page stays at 0 axe violations in both themes (contrast included) and at 390 px without
sideways scrolling; no page asks another origin for anything. Screenshots of the
national picture, a region, the status form with an error, the submissions overview and
the report's cover, per theme and width, land in test-artifacts/look-*.png."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from raak.look import theme as themes
from raak.programmes.models import Programme, Round
from raak.programmes.status import open_round
from raak.reports import templates
from raak.reports.models import Report
from tests.conftest import ARTIFACTS, browser_sign_in
from tests.test_browser import P, browser, check_a11y, site  # noqa: F401

pytestmark = pytest.mark.browser
R1 = "eindrapportage-2011"
SECOND = """.test-theme-two {
  --raak-color-primary: #5c1a5c;
  --raak-color-primary-hover: #3d103d;
  --raak-font-family: Georgia, "DejaVu Serif", serif;
}"""
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="17" fill="#ffffff" stroke="#f2c230" stroke-width="4"/></svg>'


def tour(browser, site, label):  # noqa: F811
    """Visit the acceptance pages as the right person at both widths; return the
    computed header and primary-button colours and fonts of the status form."""
    users = get_user_model().objects
    foreign = []

    def page_for(username):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        if username:
            browser_sign_in(context, site, users.get(username=username))
        page = context.new_page()
        page.on(
            "request",
            lambda r: None if r.url.startswith((site, "data:")) else foreign.append(r.url),
        )
        return page

    anonymous, coordinator, national = (
        page_for(None),
        page_for("coord-gouda"),
        page_for("landelijk"),
    )
    form = f"{P}/ronde/juni-2011/regio/gouda/mijlpaal/handelingsprotocol/"
    visits = [
        (anonymous, f"{P}/ronde/{R1}/", "national"),
        (anonymous, f"{P}/regio/gouda/", "region"),
        (coordinator, form, "status-form-error"),
        (national, f"{P}/ronde/juni-2011/indieningen/", "submissions"),
        (national, f"{P}/rapporten/{R1}/", "report-cover"),
        (anonymous, "/toegankelijkheid/", "accessibility"),
        (anonymous, "/help/coordinator/", "help"),
    ]
    found = {}
    for width in (1280, 390):
        for page, url, name in visits:
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            page.goto(site + url)
            if name == "status-form-error":
                page.get_by_label("Status").select_option("expected")
                page.get_by_label("Verwachte periode").fill("ooit")
                # Measured after the answer's load event, when its stylesheets apply:
                # the error summary is in the DOM before the theme's tokens may be.
                with page.expect_navigation():
                    page.get_by_role("button", name="Opslaan").click()
                assert "Verwachte periode" in page.locator(".error-summary").inner_text()
                assert (
                    page.locator(
                        ".utrecht-form-field--invalid .utrecht-form-field-error-message"
                    ).count()
                    == 1
                )
                found["button"] = page.evaluate(
                    "() => { const s = getComputedStyle(document.querySelector('main button.utrecht-button--primary-action'));"
                    " return [s.backgroundColor, s.fontFamily]; }"
                )
                found["header"] = page.evaluate(
                    "() => getComputedStyle(document.querySelector('header.utrecht-page-header')).backgroundColor"
                )
            # The whole report is tens of thousands of pixels long: its cover is the top.
            page.screenshot(path=str(ARTIFACTS / f"look-{label}-{name}-{width}.png"),
                            full_page=name != "report-cover")  # fmt: skip
            check_a11y(page, f"{label}-{name}-{width}")
            # The report's wide tables too scroll in their own boxes.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
                f"{name} scrolls sideways at {width} px"
            )
    assert foreign == [], f"requests to another origin: {foreign}"
    for page in (anonymous, coordinator, national):
        page.context.close()
    return found


def test_default_and_second_theme(browser, site):  # noqa: F811
    programme = Programme.objects.get()
    national = get_user_model().objects.get(username="landelijk")
    open_round(programme, slug="juni-2011", name="Voortgang juni 2011", peildatum=date(2011, 6, 1),
               user=national)  # fmt: skip
    tpl = templates.load(programme)
    Report.objects.create(programme=programme, round=Round.objects.get(slug=R1), template=tpl,
                          chapters=tpl.chapters, title="Eindrapportage RAAK")  # fmt: skip

    default = tour(browser, site, "default")
    assert default["header"] == "rgb(11, 59, 111)" and default["button"][0] == "rgb(11, 59, 111)"
    assert "system-ui" in default["button"][1]

    themes.save({"class_name": "test-theme-two", "tokens": themes.check_tokens(SECOND.encode()),
                 "organisation_name": "Testgemeente Twee", "logo": LOGO, "logo_type": "image/svg+xml"},
                via="cli")  # fmt: skip
    second = tour(browser, site, "second")
    assert second["header"] == "rgb(92, 26, 92)" and second["button"][0] == "rgb(92, 26, 92)"
    assert "Georgia" in second["button"][1]
