"""The route map in headless Chromium: a coordinator fills it in, the national office
publishes, a professional finds it by municipality, reads it on a phone and prints it."""

import re
import subprocess

import pytest

from raak.accounts.models import Role
from raak.knowledge.loading import load_action_points, load_activities
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.routes import loading, service
from raak.routes.models import Step
from tests.conftest import ARTIFACTS, DEMO_FILE, KNOWLEDGE, browser_sign_in
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (fixture)
from tests.test_routes import ROUTES

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"


@pytest.fixture
def site(transactional_db, live_server, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    load_activities(KNOWLEDGE / "activities-2008-2010.json")
    load_action_points(KNOWLEDGE / "action-points-2011.json")
    loading.load(ROUTES)
    users = {}
    for username, region, kind in [
        ("landelijk", None, Role.NATIONAL),
        ("coord-gouda", "gouda", Role.COORDINATOR),
    ]:
        users[username] = django_user_model.objects.create_user(
            username, password="geheim-wachtwoord"
        )
        Role.objects.create(user=users[username], programme=programme, kind=kind,
                            region=programme.regions.get(slug=region) if region else None)  # fmt: skip
    return live_server.url, programme, users


def page_for(browser, url, user=None, width=1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    if user:
        browser_sign_in(context, url, user)
    return context.new_page()


def fill_contact(page, step_title, **fields):
    section = page.locator("section.edit-step").filter(
        has=page.get_by_role("heading", name=step_title)
    )
    section.get_by_role("link", name="Contact toevoegen").click()
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Opslaan").click()


def test_coordinator_fills_in_national_publishes_professional_finds_and_prints(browser, site):  # noqa: F811
    url, programme, users = site
    coord = page_for(browser, url, users["coord-gouda"])
    coord.goto(f"{url}{P}/routekaart/regio/gouda/wijzigen/")
    shot(coord, "route-edit-empty")
    assert "Routekaart: namen en rugnummers" in coord.locator("h1").inner_text()
    check_a11y(coord, "route-edit-empty")
    # A javascript: website and a bad phone number are refused with clear messages.
    fill_contact(coord, "Signaleren", **{"Organisatie of contactpunt": "Netwerk aandachtsfunctionarissen Midden-Holland",
                 "Telefoon": "12345", "Website": "javascript:alert(1)"})  # fmt: skip
    errors = coord.locator(".error-summary").inner_text()
    assert (
        "“12345” is geen geldig telefoonnummer" in errors
        and "alleen adressen die beginnen met https://" in errors
    )
    shot(coord, "route-contact-error")
    check_a11y(coord, "route-contact-error")
    coord.get_by_label("Telefoon").fill("0182 123 456")
    coord.get_by_label("Website").fill("https://www.example.org/aandachtsfunctionarissen")
    coord.get_by_role("button", name="Opslaan").click()
    assert "Contact opgeslagen" in coord.locator(".messages").inner_text()
    fill_contact(coord, "Advies vragen en melden", **{"Organisatie of contactpunt": "Advies- en Meldpunt Kindermishandeling",
                 "Wat zij doen bij deze stap": "advies en melden", "Telefoon": "0800-2000",
                 "E-mail": "amk@example.org", "Bereikbaar": "24 uur per dag"})  # fmt: skip
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    coord.get_by_label("Protocoldocument van de regio").set_input_files(
        files=[
            {"name": "Protocol Midden-Holland.pdf", "mimeType": "application/pdf", "buffer": pdf}
        ]
    )
    coord.get_by_role("button", name="Uploaden").click()
    assert "Protocoldocument opgeslagen" in coord.locator(".messages").inner_text()
    assert "Wijzigingen wachten op publicatie" in coord.locator("main").inner_text()
    shot(coord, "route-edit-filled")
    check_a11y(coord, "route-edit-filled")

    # Not public until the national office publishes.
    visitor = page_for(browser, url)
    visitor.goto(f"{url}{P}/routekaart/regio/gouda/")
    assert "Deze routekaart is nog niet ingevuld." in visitor.locator("main").inner_text()
    national = page_for(browser, url, users["landelijk"])
    national.goto(f"{url}{P}/routekaart/regio/gouda/wijzigen/")
    national.get_by_role("button", name="Deze versie publiceren").click()
    assert "Gepubliceerd" in national.locator(".messages").inner_text()

    # A professional in Gouda finds the route map by the municipality's name.
    visitor.goto(f"{url}{P}/routekaart/")
    check_a11y(visitor, "route-find")
    visitor.get_by_label("Gemeente (naam of CBS-code)").fill("Gouda")
    visitor.get_by_role("button", name="Zoeken").click()
    assert visitor.url.startswith(f"{url}{P}/routekaart/regio/gouda/")
    main = visitor.locator("main").inner_text()
    assert "Zorgen over een kind in regio Gouda? Zo handelt u." in main
    assert "Advies- en Meldpunt Kindermishandeling" in main and "0800 2000" in main
    assert (
        "Netwerk aandachtsfunctionarissen Midden-Holland" in main
        and "Protocol Midden-Holland.pdf" in main
    )
    assert visitor.locator('a[href="tel:+318002000"]').count() == 1
    shot(visitor, "route-region-desktop")
    check_a11y(visitor, "route-region")
    # A municipality no region names: the nearest region, to be checked.
    visitor.goto(f"{url}{P}/routekaart/?gemeente=Waddinxveen")
    assert "De dichtstbijzijnde regio is Gouda" in visitor.locator("main").inner_text()
    shot(visitor, "route-find-nearest")
    check_a11y(visitor, "route-find-nearest")

    # On a phone: no sideways scrolling.
    phone = page_for(browser, url, width=390)
    for path, name in [
        ("/routekaart/regio/gouda/", "route-region-390"),
        ("/routekaart/", "route-find-390"),
    ]:
        phone.goto(f"{url}{P}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, name
        shot(phone, name)
        check_a11y(phone, name)


def test_print_view_fits_one_a4_page_with_contacts_on_every_step(browser, site):  # noqa: F811
    url, programme, users = site
    region = programme.regions.get(slug="gouda")
    national = users["landelijk"]
    for step in Step.objects.filter(programme=programme):
        for n, kind in enumerate(step.contact_kinds[:2]):
            service.save_contact(region, step, None, {
                "organisation": f"{kind[:60]} Midden-Holland", "role": kind[:60],
                "phone": f"0182 12{n} 456", "email": f"info{n}@example.org",
                "website": "https://www.example.org/routekaart", "opening_hours": "werkdagen 9–17 uur",
                "person_name": "", "consent_on": None,
            }, expected_version=0, user=national, programme=programme)  # fmt: skip
    service.save_route(region, sectors=["onderwijs", "kinderopvang", "jeugdgezondheidszorg", "huisartsen"],
                       expected_version=1, user=national, programme=programme)  # fmt: skip
    service.publish(region, expected_revision=service.route_for(region).revision, user=national,
                    programme=programme)  # fmt: skip
    page = page_for(browser, url)
    page.goto(f"{url}{P}/routekaart/regio/gouda/")
    page.emulate_media(media="print")
    shot(page, "route-region-print")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "route-region-print.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1) == "1", info
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Zo handelt u" in text and "Zorgcoördinatie" in text and "Inloggen" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(ARTIFACTS / "route-region-print-pdf")],
                   check=True)  # fmt: skip

    national_page = page_for(browser, url, national)
    national_page.goto(f"{url}{P}/routekaart/volledigheid/")
    assert (
        "1 van 37 regio’s gepubliceerd, 1 met contacten bij elke stap"
        in national_page.locator("main").inner_text()
    )
    shot(national_page, "route-overview")
    check_a11y(national_page, "route-overview")
