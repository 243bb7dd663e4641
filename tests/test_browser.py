"""The main flows in real headless Chromium, with axe-core (WCAG 2.1 AA) on every page.

Screenshots land in test-artifacts/ (kept by CI); look at them after a change.
"""

import os
from pathlib import Path

import pytest

from raak.accounts.models import Role
from raak.knowledge.loading import load_action_points, load_activities
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.protocols import loading as protocols
from raak.training import loading as training
from tests.conftest import ARTIFACTS, CHROMIUM, DEMO_FILE, KNOWLEDGE, browser_sign_in

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM use in the
    # test body is still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield b
        b.close()


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    load_activities(KNOWLEDGE / "activities-2008-2010.json")
    load_action_points(KNOWLEDGE / "action-points-2011.json")
    protocols.load(KNOWLEDGE.parents[1] / "protocols" / "data" / "protocols-2008-2010.json")
    training.load(KNOWLEDGE.parents[1] / "training" / "data" / "training-2008-2010.json")
    for username, region, kind in [
        ("landelijk", None, Role.NATIONAL),
        ("coord-delft", "delft", Role.COORDINATOR),
        ("coord-gouda", "gouda", Role.COORDINATOR),
        ("coord-leiden", "leiden", Role.COORDINATOR),
    ]:
        user = django_user_model.objects.create_user(username, password="geheim-wachtwoord")
        Role.objects.create(user=user, programme=programme, kind=kind,
                            region=programme.regions.get(slug=region) if region else None)  # fmt: skip
    return live_server.url


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_a11y(page, name):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def login(browser, site, username):
    """A page of a signed-in user (second factor verified for the national office);
    the login itself is tested in tests/test_browser_security.py."""
    from django.contrib.auth import get_user_model

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_sign_in(context, site, get_user_model().objects.get(username=username))
    page = context.new_page()
    page.goto(f"{site}/")
    return page


def test_public_pages_render_and_are_accessible(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Regionale aanpak kindermishandeling 2008–2010"
    )
    body = page.locator("main").inner_text()
    assert "36 (97%)" in body and "29 (78%), waarvan 2 gedeeltelijk" in body
    assert "70,3" in body and "13,5" in body and "16,2" in body and "97,3" in body and "2,7" in body
    assert page.locator("svg.map a.region").count() == 37
    shot(page, "national")
    check_a11y(page, "national")
    # Keyboard: markers on the map are reachable and named.
    page.locator("svg.map a.region").first.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").endswith("uitvoering")
    page.goto(f"{site}{P}/regio/nijmegen/")
    assert "1e kwartaal 2011" in page.locator("main").inner_text()
    shot(page, "region-nijmegen")
    check_a11y(page, "region")
    page.goto(f"{site}{P}/verwacht/")
    assert page.locator("svg.timeline rect").count() == 12
    shot(page, "forecast")
    check_a11y(page, "forecast")
    page.goto(f"{site}/inloggen/")
    check_a11y(page, "login")
    page.close()


def test_coordinator_edits_and_the_national_picture_shows_it(browser, site):
    national = login(browser, site, "landelijk")
    national.goto(f"{site}{P}/rondes/")
    check_a11y(national, "rounds")
    national.get_by_label("Naam:", exact=True).fill("Voortgang juni 2011")
    national.get_by_label("Korte naam in de URL").fill("juni-2011")
    national.get_by_label("Peildatum").fill("01-06-2011")
    national.get_by_label("Open vanaf").fill("01-05-2011")
    national.get_by_label("Uiterste inleverdatum").fill("15-06-2011")
    national.get_by_role("button", name="Ronde openen").click()
    assert "geopend" in national.locator(".messages").inner_text()
    shot(national, "rounds")

    coordinator = login(browser, site, "coord-delft")
    coordinator.goto(f"{site}{P}/regio/delft/")
    coordinator.get_by_role(
        "link", name="Wijzigen Regionaal handelingsprotocol, Voortgang juni 2011"
    ).click()
    check_a11y(coordinator, "edit-status")
    # Bad input first: a clear message, nothing saved.
    coordinator.get_by_label("Status").select_option("expected")
    coordinator.get_by_label("Verwachte periode").fill("ooit")
    coordinator.get_by_role("button", name="Opslaan").click()
    errors = coordinator.locator(".error-summary").inner_text()
    assert "Verwachte periode" in errors and "1e kwartaal 2011" in errors
    shot(coordinator, "edit-status-error")
    check_a11y(coordinator, "edit-status-error")
    coordinator.get_by_label("Status").select_option("done")
    coordinator.get_by_label("Verwachte periode").fill("")
    coordinator.get_by_label("Toelichting").fill("Regionale meldcode vastgesteld")
    coordinator.get_by_role("button", name="Opslaan").click()
    assert "Opgeslagen" in coordinator.locator(".messages").inner_text()
    history = coordinator.locator("main").inner_text()
    assert "coord-delft" in history and "Regionale meldcode vastgesteld" in history
    shot(coordinator, "region-delft-after-edit")

    # The live round is on the national picture for the national office at once ...
    national.goto(f"{site}{P}/ronde/juni-2011/")
    assert "30 (81%), waarvan 2 gedeeltelijk" in national.locator("main").inner_text()
    # ... and for everyone once it is closed and published.
    national.goto(f"{site}{P}/rondes/")
    national.get_by_role("link", name="Sluiten… Voortgang juni 2011").click()
    national.get_by_role("button", name="Ja, sluit “Voortgang juni 2011”").click()
    national.get_by_role("link", name="Publiceren… Voortgang juni 2011").click()
    national.get_by_label("Ja, ik publiceer deze ronde ook al heeft geen regio ingediend").check()
    national.get_by_role("button", name="Ja, publiceer “Voortgang juni 2011”").click()
    coordinator.goto(f"{site}{P}/")
    card = coordinator.locator('[data-milestone="handelingsprotocol"]').inner_text()
    assert "30 (81%)" in card and "waarvan 2 gedeeltelijk" in card
    assert "waren dit nog 29 regio's" in card
    shot(coordinator, "national-after-edit")
    check_a11y(coordinator, "national-after-edit")


def test_english_interface(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Milestones", exact=True).is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    check_a11y(page, "national-en")
    shot(page, "national-en")
    page.close()


def test_catalogue_search_and_action_points(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}{P}/activiteiten/")
    assert "108 activiteiten" in page.locator("main").inner_text()
    check_a11y(page, "catalogue")
    page.get_by_label("Zoeken", exact=True).fill("coordinator")
    page.get_by_label("Thema").select_option("handelingsprotocollen")
    page.get_by_role("button", name="Zoeken").click()
    assert "1 activiteit" in page.locator("main").inner_text()
    shot(page, "catalogue-search")
    page.locator(".results a").first.click()
    assert "Zorgoog" in page.locator("main").inner_text()
    check_a11y(page, "activity")
    shot(page, "activity")
    page.goto(f"{site}{P}/actiepunten/")
    assert "63 actiepunten, 26 regio’s" in page.locator("main").inner_text()
    check_a11y(page, "action-points")
    shot(page, "action-points")
    page.close()


def test_protocols_training_and_network(browser, site):
    coordinator = login(browser, site, "coord-delft")
    coordinator.goto(f"{site}{P}/protocollen/")
    assert (
        "Bij acht van de zeventien regio’s is dit het geval."
        in coordinator.locator("main").inner_text()
    )
    check_a11y(coordinator, "protocols")
    shot(coordinator, "protocols")
    coordinator.goto(f"{site}{P}/protocollen/delft/wijzigen/")
    check_a11y(coordinator, "protocol-edit")
    coordinator.get_by_label(
        "Convenant Regionale aanpak kindermishandeling", exact=True
    ).select_option("yes")
    coordinator.get_by_role("button", name="Opslaan").click()
    assert "Checklist opgeslagen" in coordinator.locator(".messages").inner_text()
    shot(coordinator, "protocol-delft")
    coordinator.goto(f"{site}{P}/scholing/")
    assert "ruim 500" in coordinator.locator("main").inner_text()
    check_a11y(coordinator, "training")
    shot(coordinator, "training")
    coordinator.goto(f"{site}{P}/netwerk/delft/instelling/nieuw/")
    check_a11y(coordinator, "network-add")
    coordinator.get_by_label("Instelling:", exact=True).fill("GGD Haaglanden")
    coordinator.get_by_label("Sector:", exact=True).fill("jeugdgezondheidszorg")
    coordinator.get_by_label("Aandachtsfunctionaris kindermishandeling aangesteld").check()
    coordinator.get_by_role("button", name="Opslaan").click()
    assert "GGD Haaglanden" in coordinator.locator("main").inner_text()
    check_a11y(coordinator, "network-region")
    coordinator.goto(f"{site}{P}/netwerk/")
    assert "100,0" in coordinator.locator("main").inner_text()
    check_a11y(coordinator, "network")
    shot(coordinator, "network")


def test_two_coordinators_answer_a_questionnaire_in_two_rounds(browser, site, tmp_path):
    from datetime import date
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from raak.programmes.models import Programme, Round
    from raak.programmes.status import change_round_state, open_round
    from raak.questionnaires import exchange

    # The questionnaire comes in through the spreadsheet format (XLSX).
    version = exchange.load(Path(__file__).parent / "data" / "test-questionnaire", publish=True)
    call_command(
        "export",
        "questionnaire",
        "test-vragenlijst",
        "--format",
        "xlsx",
        "--output",
        str(tmp_path),
        stdout=StringIO(),
    )
    call_command(
        "import", "questionnaire", str(next(tmp_path.iterdir())), "--publish", stdout=StringIO()
    )
    programme = Programme.objects.get(slug="raak-2008-2010")
    national = get_user_model().objects.get(username="landelijk")
    pages = {u: login(browser, site, u) for u in ("coord-gouda", "coord-leiden")}
    plan = {  # round -> region -> (voorlichting, calamiteitenplan)
        "start": {"gouda": ("geen ouders", "Nee"), "leiden": ("een deel van de ouders", "Nee")},
        "eind": {"gouda": ("alle ouders", "Ja"), "leiden": ("alle ouders", "Nee")},
    }
    for slug, peildatum in (("start", date(2011, 3, 1)), ("eind", date(2011, 9, 1))):
        rnd = open_round(
            programme, slug=slug, name=slug.capitalize(), peildatum=peildatum, user=national,
            forms=["test-vragenlijst"],
        )  # fmt: skip
        for region, (level, plan_answer) in plan[slug].items():
            page = pages[f"coord-{region}"]
            page.goto(f"{site}{P}/vragenlijsten/test-vragenlijst/ronde/{slug}/regio/{region}/")
            if slug == "start" and region == "gouda":
                shot(page, "questionnaire-form")
                check_a11y(page, "questionnaire-form")
                page.get_by_label("Hoeveel instellingen doen mee?").fill("veel")
                page.get_by_role("button", name="Concept opslaan").click()
                assert "Vul een getal in" in page.locator(".error-summary").inner_text()
                shot(page, "questionnaire-error")
                page.get_by_label("Hoeveel instellingen doen mee?").fill("12")
            page.get_by_label(level, exact=True).check()
            page.locator("fieldset", has_text="Is er een calamiteitenplan?").get_by_label(
                plan_answer, exact=True
            ).check()
            page.get_by_role("button", name="Indienen").click()
            assert "Ingediend" in page.locator(".messages").inner_text()
        change_round_state(rnd, Round.CLOSED, user=national)
        change_round_state(
            Round.objects.get(pk=rnd.pk), Round.PUBLISHED, user=national, confirmed=True
        )
    shot(pages["coord-gouda"], "questionnaire-submitted")

    public = browser.new_page(viewport={"width": 1280, "height": 900})
    public.goto(f"{site}{P}/vragenlijsten/test-vragenlijst/vergelijk/?van=start&naar=eind")
    item = public.locator('section[data-item="voorlichting"] table').inner_text()
    # By hand: start none 1, some 1; end all 2.
    assert "alle ouders\t0\t0,0\t2\t5,4" in item
    assert "geen ouders\t1\t2,7\t0\t0,0" in item
    assert (
        "2 omhoog, 0 omlaag, 0 gelijk"
        in public.locator('section[data-item="voorlichting"]').inner_text()
    )
    check_a11y(public, "comparison")
    shot(public, "comparison")
    out = StringIO()
    call_command(
        "compare",
        "--questionnaire",
        "test-vragenlijst",
        "--from",
        "start",
        "--to",
        "eind",
        stdout=out,
    )
    import json

    levels = {
        lv["key"]: (lv["from"], lv["to"]) for lv in json.loads(out.getvalue())["items"][0]["levels"]
    }
    assert levels == {"all": (0, 2), "some": (1, 0), "none": (1, 0), "unknown": (0, 0)}
    assert version.responses.count() == 0  # answers went to the re-imported (latest) version
    analyst = login(browser, site, "landelijk")
    analyst.goto(f"{site}{P}/vragenlijsten/")
    check_a11y(analyst, "questionnaires")
    analyst.goto(f"{site}{P}/vragenlijsten/test-vragenlijst/codering/?ronde=eind")
    analyst.get_by_label("Sleutel").fill("samenwerking")
    analyst.get_by_label("Naam", exact=True).fill("Samenwerking")
    analyst.get_by_role("button", name="Thema toevoegen").click()
    assert "Thema toegevoegd" in analyst.locator(".messages").inner_text()
    check_a11y(analyst, "coding")
    shot(analyst, "coding")
