"""Screens that work for everyone (issue #14): the home page's programme chooser, the
programme page without a national picture, the favicon, breadcrumbs and the header's
account menu. The browser side (phone width, print) is in tests/test_browser_screens.py."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.conftest import sign_in


@pytest.fixture
def two_programmes(db):
    """What `raak demo --synthetic` makes: the demo programme and a fictional one that
    has published rounds with questionnaire answers but no milestones or indicators."""
    call_command("demo", "--no-serve", "--synthetic", stdout=StringIO())


def client_for(username):
    client = Client()
    if username:
        sign_in(client, get_user_model().objects.get(username=username))
    return client


def main(response):
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("username", [None, "landelijk", "coord-amsterdam"])
def test_every_programme_in_the_chooser_leads_to_a_page(two_programmes, username):
    client = client_for(username)
    home = client.get("/")
    assert home.status_code == 200
    links = re.findall(r'<li><a href="(/[a-z0-9-]+/)">', main(home))
    assert sorted(links) == ["/fictief-2008-2010/", "/raak-2008-2010/"]
    for link in links:
        page = client.get(link, follow=True)
        assert page.status_code == 200, (username, link, page.redirect_chain)
    demo = client.get("/raak-2008-2010/", follow=True)
    assert demo.redirect_chain[-1][0].startswith("/raak-2008-2010/ronde/")
    fictional = client.get("/fictief-2008-2010/")
    text = main(fictional)
    assert "Voorbeeldprogramma met fictieve gegevens" in text
    assert "geen mijlpalen of indicatoren" in text
    # Its links go to pages that exist for this visitor too.
    for link in re.findall(r'<li><a href="(/fictief-2008-2010/[^"]+)">', text):
        assert client.get(link).status_code == 200, (username, link)


def test_a_round_of_a_programme_without_a_picture_leads_to_the_programme_page(two_programmes):
    page = Client().get("/fictief-2008-2010/ronde/eindfoto/")
    assert page.status_code == 302 and page["Location"] == "/fictief-2008-2010/"


def test_programme_without_a_published_round_says_so(demo):
    demo.rounds.update(state="open")
    page = Client().get(f"/{demo.slug}/")
    assert page.status_code == 200
    assert "Er is nog geen gepubliceerde ronde." in page.content.decode()


def test_favicon_is_answered_and_linked(demo):
    client = Client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert client.post("/favicon.ico").status_code == 405
    page = client.get(f"/{demo.slug}/", follow=True).content.decode()
    svg = re.search(r'<link rel="icon" href="([^"]+\.svg)" type="image/svg\+xml">', page)
    assert svg, "pages link the SVG icon"
    from django.contrib.staticfiles import finders

    assert finders.find(svg.group(1).removeprefix("/static/")).endswith("favicon.svg")


def crumbs(response):
    text = response.content.decode()
    found = re.search(
        r'<nav class="crumbs" aria-label="(?:Kruimelpad|Breadcrumbs)"><ol>(.*?)</ol></nav>',
        text,
        re.S,
    )
    assert found, "the page has breadcrumbs"
    return re.findall(
        r'<li(?: aria-current="page")?>(?:<a href="([^"]+)">)?([^<]+)', found.group(1)
    )


def test_nested_pages_have_breadcrumbs_back_up(demo, people, open_round):
    client = sign_in(Client(), people["coord_a"])
    region = client.get(f"/{demo.slug}/regio/gouda/")
    assert crumbs(region) == [(f"/{demo.slug}/", demo.name), ("", "Gouda")]
    milestone = demo.milestones.order_by("position").first()
    form = client.get(f"/{demo.slug}/ronde/{open_round.slug}/regio/gouda/mijlpaal/{milestone.key}/")
    assert form.status_code == 200
    assert crumbs(form) == [
        (f"/{demo.slug}/", demo.name),
        (f"/{demo.slug}/regio/gouda/", "Gouda"),
        ("", milestone.name),
    ]
    assert 'aria-current="page">' + milestone.name in form.content.decode()
    # Top-level pages have none: the header menu is their way back.
    assert "crumbs" not in client.get(f"/{demo.slug}/verwacht/").content.decode()


def test_section_pages_lead_back_to_their_section(practice, knowledge, people):
    from raak.knowledge.models import Activity

    slug = practice.slug
    client = sign_in(Client(), people["coord_a"])
    assert crumbs(client.get(f"/{slug}/protocollen/gouda/"))[1] == (
        f"/{slug}/protocollen/",
        "Protocollen",
    )
    assert crumbs(client.get(f"/{slug}/netwerk/gouda/"))[1] == (f"/{slug}/netwerk/", "Netwerk")
    activity = Activity.objects.first()
    page = client.get(f"/{slug}/activiteiten/{activity.key}/")
    assert crumbs(page)[1] == (f"/{slug}/activiteiten/", "Activiteiten")


def test_office_and_form_pages_lead_back_to_their_section(demo, people):
    slug = demo.slug
    national = sign_in(Client(), people["national"])
    assert crumbs(national.get(f"/{slug}/beveiliging/logboek/")) == [
        (f"/{slug}/", demo.name),
        (f"/{slug}/beveiliging/", "Beveiliging"),
        ("", "Beveiligingslog"),
    ]
    coordinator = sign_in(Client(), people["coord_a"])
    page = coordinator.get(f"/{slug}/netwerk/gouda/instelling/nieuw/")
    assert crumbs(page)[2:] == [(f"/{slug}/netwerk/gouda/", "Gouda"), ("", "Instelling toevoegen")]


def assert_crumbs_lead_up(client, url, expected):
    """The page's crumbs are exactly `expected`, the last one is the page itself (no
    link), and every crumb link answers 200 for the same visitor."""
    page = client.get(url)
    assert page.status_code == 200, url
    assert crumbs(page) == expected, url
    for href, text in expected[:-1]:
        assert client.get(href, follow=True).status_code == 200, (url, href, text)
    assert 'aria-current="page">' + expected[-1][1] in page.content.decode()


def test_report_cycle_map_route_and_questionnaire_pages_have_breadcrumbs(demo, people, open_round):
    from raak.questionnaires import exchange
    from raak.reports import templates
    from raak.reports.models import Report, ReportFile
    from tests.test_questionnaires import DATA

    templates.load(demo, templates.DEMO_TEMPLATE)
    exchange.load(DATA, publish=True)
    slug, home = demo.slug, (f"/{demo.slug}/", demo.name)
    published = demo.rounds.get(state="published")
    reports = (f"/{slug}/rapporten/", "Rapporten")
    questionnaires = (f"/{slug}/vragenlijsten/", "Vragenlijsten")

    national = sign_in(Client(), people["national"])
    assert national.post(f"/{slug}/rapporten/{published.slug}/nieuw/").status_code == 302
    report = Report.objects.get(round=published)
    report_crumb = (f"/{slug}/rapporten/{published.slug}/", report.title)
    round_file = ReportFile.objects.create(
        programme=demo, round=published, format="pdf", fingerprint="f"
    )
    region_file = ReportFile.objects.create(
        programme=demo, round=published, format="html", fingerprint="g",
        region=demo.regions.get(slug="gouda"),
    )  # fmt: skip
    region_report = (
        f"/{slug}/rapporten/{published.slug}/regio/gouda/",
        f"Regiorapport: Gouda · {published.name}",
    )
    for url, expected in [
        (report_crumb[0], [home, reports, ("", report.title)]),
        (report_crumb[0] + "tekst/voorwoord/", [home, reports, report_crumb, ("", "Voorwoord")]),
        (f"/{slug}/rapportbestand/{round_file.pk}/",
         [home, reports, report_crumb, ("", "Rapportbestand (PDF)")]),
        (f"/{slug}/rapportbestand/{region_file.pk}/",
         [home, reports, region_report, ("", "Rapportbestand (HTML)")]),
        (f"/{slug}/ronde/{open_round.slug}/herinneringen/nu/", [
            home,
            (f"/{slug}/ronde/{open_round.slug}/indieningen/", "Indieningen"),
            (f"/{slug}/ronde/{open_round.slug}/herinneringen/", "Herinneringen"),
            ("", "Nu herinneren"),
        ]),
        (f"/{slug}/adviseurs/", [home, ("", "Notities van implementatieadviseurs")]),
        (f"/{slug}/vragenlijsten/importeren/",
         [home, questionnaires, ("", "Vragenlijst importeren")]),
        (f"/{slug}/vragenlijsten/test-vragenlijst/antwoorden-importeren/", [
            home, questionnaires,
            (f"/{slug}/vragenlijsten/test-vragenlijst/bouwen/", "Testvragenlijst"),
            ("", "Antwoorden importeren"),
        ]),
        (f"/{slug}/vragenlijsten/nieuw/", [home, questionnaires, ("", "Nieuwe vragenlijst")]),
    ]:  # fmt: skip
        assert_crumbs_lead_up(national, url, expected)

    # Public pages, cached whole for anonymous visitors: the crumbs carry nothing of the
    # visitor, so anonymous (first and cached answer) and a coordinator see the same.
    coordinator = sign_in(Client(), people["coord_a"])
    for url, expected in [
        (region_report[0], [home, reports, ("", region_report[1])]),
        (f"/{slug}/ronde/{published.slug}/kaarten/", [
            home,
            (f"/{slug}/ronde/{published.slug}/", f"Landelijk beeld: {published.name}"),
            ("", "Kaarten"),
        ]),
        (f"/{slug}/routekaart/regio/gouda/",
         [home, (f"/{slug}/routekaart/", "Routekaarten"), ("", "Routekaart regio Gouda")]),
    ]:  # fmt: skip
        for client in (Client(), Client(), coordinator):
            assert_crumbs_lead_up(client, url, expected)

    # In English the labels are English.
    english = Client()
    english.get("/taal/en/", {"next": "/"})
    page = english.get(region_report[0])
    assert 'aria-label="Breadcrumbs"' in page.content.decode()
    assert crumbs(page) == [
        (home[0], demo.name_en or demo.name), (reports[0], "Reports"),
        ("", f"Regional report: Gouda · {published.name_en or published.name}"),
    ]  # fmt: skip
