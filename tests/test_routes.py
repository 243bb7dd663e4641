"""Route maps: access for every page, validation, consent-gated names, publication with
review, the finder, completeness, and import/export."""

import io
import json
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from raak.programmes.models import ChangeRecord
from raak.programmes.tables import FormatError
from raak.routes import completeness, finder, loading, service
from raak.routes.models import Contact, Publication, RegionRoute
from tests.conftest import sign_in

P = "/raak-2008-2010"
ROUTES = (
    Path(__file__).resolve().parents[1] / "raak" / "routes" / "data" / "route-map-2008-2010.json"
)
WHO = ["anonymous", "viewer_a", "coord_b", "coord_a", "national"]
GOOD = {"organisation": "Veilig Thuis Hollands Midden", "role": "advies en melden",
        "phone": "0800 2000", "email": "", "website": "", "opening_hours": "24 uur per dag",
        "person_name": "", "consent_on": "", "version": "0"}  # fmt: skip


@pytest.fixture
def routes(people):
    loading.load(ROUTES)
    return people


@pytest.fixture
def clients(routes):
    out = {"anonymous": Client()}
    for name in WHO[1:]:
        out[name] = sign_in(Client(), routes[name])
    return out


def add(client, step="melden", region="gouda", **values):
    return client.post(
        f"{P}/routekaart/regio/{region}/wijzigen/stap/{step}/nieuw/", {**GOOD, **values}
    )


def publish(client, region="gouda"):
    revision = RegionRoute.objects.get(region__slug=region).revision
    return client.post(
        f"{P}/routekaart/regio/{region}/wijzigen/publiceren/", {"revision": revision}
    )


R = f"{P}/routekaart/regio/gouda"
# url, GET statuses, POST statuses (None: not a POST page), in WHO order.
MATRIX = [
    (f"{P}/routekaart/", [200, 200, 200, 200, 200], None),
    (f"{P}/routekaart/?gemeente=Gouda", [302, 302, 302, 302, 302], None),
    (f"{P}/routekaart/volledigheid/", [302, 403, 403, 403, 200], None),
    (f"{R}/", [200, 200, 200, 200, 200], None),
    (f"{P}/routekaart/regio/atlantis/", [404, 404, 404, 404, 404], None),
    (f"{R}/wijzigen/", [302, 403, 404, 200, 200], [302, 403, 404, 400, 400]),
    (f"{R}/wijzigen/stap/melden/nieuw/", [302, 403, 404, 200, 200], [302, 403, 404, 400, 400]),
    (f"{R}/wijzigen/stap/bestaat-niet/nieuw/", [302, 403, 404, 404, 404], None),
    (f"{R}/wijzigen/protocol/", [302, 403, 404, 405, 405], [302, 403, 404, 400, 400]),
    (f"{R}/wijzigen/publiceren/", [302, 403, 403, 403, 405], [302, 403, 403, 403, 302]),
]  # fmt: skip


@pytest.mark.parametrize("url,get,post", MATRIX, ids=[m[0] for m in MATRIX])
def test_access(clients, url, get, post):
    assert [clients[w].get(url).status_code for w in WHO] == get
    if post:
        assert [clients[w].post(url, {}).status_code for w in WHO] == post


def test_access_to_a_contact_and_its_deletion(clients):
    assert add(clients["coord_a"]).status_code == 302
    c = Contact.objects.get()
    url = f"{R}/wijzigen/contact/{c.id}/"
    assert [clients[w].get(url).status_code for w in WHO] == [302, 403, 404, 200, 200]
    # Another region's URL with this contact's id: not found, even for the national office.
    assert (
        clients["national"].get(f"{P}/routekaart/regio/leiden/wijzigen/contact/{c.id}/").status_code
        == 404
    )
    delete = url + "verwijderen/"
    assert [clients[w].post(delete, {"version": 1}).status_code for w in WHO[:3]] == [302, 403, 404]
    assert clients["coord_a"].get(delete).status_code == 405
    assert Contact.objects.exists()
    assert clients["coord_a"].post(delete, {"version": 1}).status_code == 302
    assert not Contact.objects.exists()


def test_nothing_public_before_publication_and_exactly_the_reviewed_revision_after(clients):
    coord, national, anon = clients["coord_a"], clients["national"], clients["anonymous"]
    page = anon.get(f"{R}/").content.decode()
    assert (
        "Deze routekaart is nog niet ingevuld." in page and "Contacten: nog niet ingevuld." in page
    )
    add(coord, organisation="AMK Hollands Midden")
    assert "AMK Hollands Midden" not in anon.get(f"{R}/").content.decode()
    # The region's own members see that something waits; the public does not.
    assert "nog niet gepubliceerd" in clients["viewer_a"].get(f"{R}/").content.decode()
    assert "nog niet gepubliceerd" not in anon.get(f"{R}/").content.decode()
    # The national office reviews revision 1; the region adds another contact meanwhile.
    stale = RegionRoute.objects.get(region__slug="gouda").revision
    add(coord, organisation="Onbekeken Organisatie")
    r = national.post(f"{R}/wijzigen/publiceren/", {"revision": stale})
    assert r.status_code == 302 and not Publication.objects.exists()
    assert publish(national).status_code == 302
    page = anon.get(f"{R}/").content.decode()
    assert "AMK Hollands Midden" in page and "Onbekeken Organisatie" in page
    assert "Laatst gecontroleerd: " + date.today().strftime("%d-%m-%Y") in page
    # A later edit stays out until the next publication.
    add(coord, organisation="Later Toegevoegd")
    assert "Later Toegevoegd" not in anon.get(f"{R}/").content.decode()
    assert ChangeRecord.objects.filter(subject="routekaart", field="gepubliceerd").count() == 1


def test_validation_messages_and_nothing_saved(clients):
    coord = clients["coord_a"]
    cases = [
        ({"phone": "12345"}, "“12345” is geen geldig telefoonnummer; schrijf bijvoorbeeld 020 123 4567"),
        ({"email": "info@"}, "“info@” is geen geldig e-mailadres"),
        ({"website": "javascript:alert(1)"}, "alleen adressen die beginnen met https:// of http://"),
        ({"website": "JavaScript:alert(1)"}, "alleen adressen die beginnen met https://"),
        ({"website": "data:text/html,<b>x</b>"}, "alleen adressen die beginnen met https://"),
        ({"organisation": "  "}, "Vul de naam van de organisatie of het contactpunt in."),
        ({"phone": "", "email": "", "website": ""}, "Geef ten minste een telefoonnummer, e-mailadres of website"),
        ({"person_name": "Jan Jansen"}, "Een naam alleen met de datum waarop de persoon toestemming gaf"),
        ({"person_name": "Jan Jansen", "consent_on": "gisteren"}, "Toestemming gegeven op"),
    ]  # fmt: skip
    for values, message in cases:
        r = add(coord, **values)
        assert r.status_code == 400, values
        assert message in r.content.decode(), values
    assert (
        not Contact.objects.exists()
        and not ChangeRecord.objects.filter(subject__startswith="routekaart")
        .exclude(field="import")
        .exists()
    )
    # Good Dutch and international forms are accepted and stored in one notation.
    for phone, stored in [("+31 (0)71 123 4567", "071 123 4567"), ("06-12345678", "06 12345678"),
                          ("0800-2000", "0800 2000")]:  # fmt: skip
        assert add(coord, phone=phone, organisation=phone).status_code == 302
        assert Contact.objects.get(organisation=phone).phone == stored
    assert add(coord, website="www.veiligthuis.nl", organisation="W").status_code == 302
    assert Contact.objects.get(organisation="W").website == "https://www.veiligthuis.nl"


def test_hostile_text_is_inert(clients):
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"'
    add(clients["coord_a"], organisation=hostile, role=hostile, opening_hours=hostile,
        email="a@example.org", website="https://example.org/?q=<x>")  # fmt: skip
    publish(clients["national"])
    for url in (f"{R}/", f"{R}/wijzigen/"):
        page = clients["national"].get(url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_names_only_with_consent_and_never_in_exports_without_the_flag(clients, tmp_path):
    coord = clients["coord_a"]
    assert add(coord, person_name="Anna de Vries", consent_on="01-03-2026").status_code == 302
    c = Contact.objects.get()
    assert c.person_name == "Anna de Vries" and c.consent_on == date(2026, 3, 1)
    # The change log says a name was added, not which.
    assert not ChangeRecord.objects.filter(new__contains="Anna").exists()
    assert ChangeRecord.objects.filter(field="naam contactpersoon", new="toegevoegd").exists()
    publish(clients["national"])
    assert "Anna de Vries" in clients["anonymous"].get(f"{R}/").content.decode()
    # Removing the name clears its consent date too.
    r = coord.post(f"{R}/wijzigen/contact/{c.id}/", {**GOOD, "person_name": "", "consent_on": "01-03-2026",
                                                     "version": c.version})  # fmt: skip
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.person_name == "" and c.consent_on is None
    # …and takes it off the public page at once, without waiting for a review.
    assert "Anna de Vries" not in clients["anonymous"].get(f"{R}/").content.decode()
    assert ChangeRecord.objects.filter(field="naam uit publicatie").exists()
    c.person_name, c.consent_on = "Anna de Vries", date(2026, 3, 1)
    c.save()
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / fmt
        call_command(
            "export", "route-maps", "--format", fmt, "--output", str(out), stdout=io.StringIO()
        )
        assert "Anna" not in _text(out)
        call_command("export", "route-maps", "--format", fmt, "--output", str(out / "p"),
                     "--include-personal-data", stdout=io.StringIO())  # fmt: skip
        assert "Anna de Vries" in _text(out / "p")


def _text(folder):
    text = ""
    for f in sorted(folder.glob("*")):
        if f.suffix == ".xlsx":
            wb = openpyxl.load_workbook(f)
            text += " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
        elif f.is_file():
            text += f.read_text(encoding="utf-8")
    return text


def test_conflicting_edits_are_refused(clients):
    add(clients["coord_a"])
    c = Contact.objects.get()
    url = f"{R}/wijzigen/contact/{c.id}/"
    first = clients["coord_a"].post(url, {**GOOD, "role": "eerste", "version": 1})
    second = clients["national"].post(url, {**GOOD, "role": "tweede", "version": 1})
    assert first.status_code == 302 and second.status_code == 409
    assert "iemand anders heeft dit contact intussen gewijzigd" in second.content.decode()
    c.refresh_from_db()
    assert c.role == "eerste" and c.version == 2
    # The sectors form as well.
    edit = f"{R}/wijzigen/"
    version = RegionRoute.objects.get(region__slug="gouda").version
    assert (
        clients["coord_a"]
        .post(edit, {"sectors": "onderwijs; kinderopvang", "version": version})
        .status_code
        == 302
    )
    r = clients["national"].post(edit, {"sectors": "huisartsen", "version": version})
    assert r.status_code == 409
    assert RegionRoute.objects.get(region__slug="gouda").sectors == ["onderwijs", "kinderopvang"]


def test_protocol_upload_checked_by_content(clients, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    coord = clients["coord_a"]
    fake = SimpleUploadedFile(
        "protocol.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    r = coord.post(f"{R}/wijzigen/protocol/", {"document": fake})
    assert r.status_code == 400 and "geen PDF-, DOCX- of ODT-document" in r.content.decode()
    pdf = SimpleUploadedFile(
        "Protocol Gouda.pdf", b"%PDF-1.4\nprotocol\n", content_type="application/pdf"
    )
    assert coord.post(f"{R}/wijzigen/protocol/", {"document": pdf}).status_code == 302
    doc = RegionRoute.objects.get(region__slug="gouda").protocol
    url = f"{R}/document/{doc.id}/"
    # A draft document: the region and the national office only.
    assert [clients[w].get(url).status_code for w in WHO] == [404, 200, 404, 200, 200]
    publish(clients["national"])
    assert clients["anonymous"].get(url).status_code == 200
    assert b"%PDF-1.4" in b"".join(clients["anonymous"].get(url).streaming_content)
    assert "Protocol Gouda.pdf" in clients["anonymous"].get(f"{R}/").content.decode()


def test_finder(routes, clients):
    anon = clients["anonymous"]
    # The centrumgemeente by name (any case, no diacritics needed) or by CBS code.
    for q in ("Gouda", "gouda", "GM0513", "513"):
        r = anon.get(f"{P}/routekaart/", {"gemeente": q})
        assert r.status_code == 302 and r["Location"].startswith(f"{P}/routekaart/regio/gouda/"), q
    # A municipality no region claims: the nearest centrumgemeente, to be checked.
    r = anon.get(f"{P}/routekaart/", {"gemeente": "Waddinxveen"})
    page = r.content.decode()
    assert r.status_code == 200 and "De dichtstbijzijnde regio is <strong>Gouda</strong>" in page
    assert "Controleer of uw gemeente bij deze regio hoort." in page
    assert "legt niet vast welke gemeenten bij een regio horen" in page
    r = anon.get(f"{P}/routekaart/", {"gemeente": "sudwest fryslan"})
    assert "Súdwest-Fryslân" in r.content.decode()
    # Several matches: a choice; none: a message.
    assert (
        "Welke gemeente bedoelt u?"
        in anon.get(f"{P}/routekaart/", {"gemeente": "Berg"}).content.decode()
    )
    assert (
        "Geen gemeente gevonden"
        in anon.get(f"{P}/routekaart/", {"gemeente": "Atlantis"}).content.decode()
    )
    # Member municipalities, where a programme lists them, come first.
    region = routes["coord_a"].roles.get().region
    region.municipalities.create(code="GM0627", name="Waddinxveen")
    cache.clear()  # a programme import would record the change; this shortcut does not
    r = anon.get(f"{P}/routekaart/", {"gemeente": "Waddinxveen"})
    assert r.status_code == 302 and "/regio/gouda/?gemeente=GM0627" in r["Location"]


def test_finder_distance():
    waddinxveen = finder.search("Waddinxveen")[0]
    gouda = finder.search("Gouda")[0]
    from raak.lib import geo

    g = geo.load()
    km = finder._km(g.municipalities[waddinxveen.code].point, g.municipalities[gouda.code].point)
    assert 3 < km < 12  # about 7 km between the two centres


def test_completeness_and_stale_flag(clients, settings):
    coord, national = clients["coord_a"], clients["national"]
    for step in ("signaleren", "verwijzen-en-toeleiden", "melden", "zorgcoordinatie"):
        add(coord, step=step, organisation=f"Org {step}")
    publish(national)
    steps, rows = completeness.overview(routes_programme(), date.today())
    gouda = next(r for r in rows if r.region.slug == "gouda")
    assert gouda.complete and not gouda.stale and not gouda.pending
    RegionRoute.objects.filter(region__slug="gouda").update(checked_on=date(2024, 1, 1))
    Publication.objects.filter(region__slug="gouda").update(checked_on=date(2024, 1, 1))
    page = national.get(f"{P}/routekaart/volledigheid/").content.decode()
    assert "1 van 37 regio’s gepubliceerd, 1 met contacten bij elke stap, 1 verouderd" in page
    settings.ROUTE_MAP_STALE_MONTHS = 36
    assert completeness.summary(routes_programme(), date.today())["stale"] == 0
    assert completeness.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def routes_programme():
    from raak.programmes.models import Programme

    return Programme.objects.get(slug="raak-2008-2010")


def test_the_route_summary_on_the_national_picture_follows_a_publication_at_once(clients):
    """The summary is cached with the programme's data version (issue #12), for the
    public page and for members alike; a publication is a recorded change."""
    url = f"{P}/ronde/eindrapportage-2011/"
    anon, national = clients["anonymous"], clients["national"]
    for c in (anon, national):
        assert "0 van 37 regio’s hebben een gepubliceerde routekaart" in c.get(url).content.decode()
    add(clients["coord_a"], organisation="AMK Hollands Midden")
    assert publish(national).status_code == 302
    for c in (anon, national):
        assert "1 van 37 regio’s hebben een gepubliceerde routekaart" in c.get(url).content.decode()


def test_national_picture_shows_the_summary(clients):
    page = clients["anonymous"].get(f"{P}/ronde/eindrapportage-2011/").content.decode()
    assert "0 van 37 regio’s hebben een gepubliceerde routekaart" in page
    assert "Volledigheid per regio" not in page
    assert (
        "Volledigheid per regio"
        in clients["national"].get(f"{P}/ronde/eindrapportage-2011/").content.decode()
    )


def test_import_export_round_trip(clients, tmp_path):
    add(clients["coord_a"], organisation="=HYPERLINK(\"http://evil\")", role="+31 rol", opening_hours="-1",
        person_name="Anna de Vries", consent_on="01-03-2026")  # fmt: skip
    add(clients["coord_a"], step="signaleren", organisation="@Org", website="https://example.org/a")
    version = RegionRoute.objects.get(region__slug="gouda").version
    clients["coord_a"].post(f"{R}/wijzigen/", {"sectors": "onderwijs; jgz", "version": version})
    programme = routes_programme()
    before = loading.tables(programme, include_personal_data=True)
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / fmt
        call_command(
            "export", "route-maps", "--format", fmt, "--output", str(out), stdout=io.StringIO()
        )
        if fmt == "csv":
            text = (out / "contacts.csv").read_text()
            assert (
                "'=HYPERLINK" in text and "'@Org" in text and "'+31 rol" in text and "'-1" in text
            )
        if fmt == "xlsx":
            ws = openpyxl.load_workbook(out / f"route-maps-{programme.slug}.xlsx")["contacts"]
            cell = next(
                c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPER")
            )
            assert cell.data_type == "s"
        source = out if fmt == "csv" else next(out.glob("*.*"))
        call_command("import", "route-maps", str(source), stdout=io.StringIO())
        # The export had no names; the names recorded stay.
        assert loading.tables(programme, include_personal_data=True) == before, fmt


def test_import_is_all_or_nothing_with_named_rows(routes, tmp_path):
    doc = json.loads(ROUTES.read_text())
    doc["contacts"] = [
        {"region": "gouda", "step": "melden", "organisation": "Goed", "phone": "0800 2000"},
        {
            "region": "gouda",
            "step": "melden",
            "organisation": "Fout",
            "website": "javascript:alert(1)",
        },
        {"region": "atlantis", "step": "melden", "organisation": "X", "phone": "0800 2000"},
        {"region": "gouda", "step": "bestaat-niet", "organisation": "Y", "phone": "12"},
        {"region": "gouda", "step": "melden", "organisation": "Z", "person_name": "Jan"},
    ]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError) as e:
        loading.load(path)
    text = "\n".join(str(p) for p in e.value.problems)
    assert "contacts[1]" in text and "website" in text and "https://" in text
    assert "onbekende regio “atlantis”" in text and "onbekende stap “bestaat-niet”" in text
    assert "“12” is geen geldig telefoonnummer" in text
    assert "zonder vastgelegde toestemming geen persoonsgegevens" in text
    assert not Contact.objects.exists()


def test_demo_loads_the_steps_and_no_contacts(db):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    programme = routes_programme()
    assert [s.key for s in programme.route_steps.all()] == [
        "signaleren", "verwijzen-en-toeleiden", "melden", "zorgcoordinatie"]  # fmt: skip
    assert all(
        s.source.startswith("Eindrapportage RAAK 2008–2010") for s in programme.route_steps.all()
    )
    assert not Contact.objects.exists() and not Publication.objects.exists()


def test_service_refuses_a_name_without_consent_in_the_database(routes):
    from django.db import IntegrityError, transaction

    region = routes["coord_a"].roles.get().region
    step = routes_programme().route_steps.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(region=region, step=step, organisation="X", person_name="Jan")
    assert service.current_publication(region) is None


def test_synthetic_demo_fills_one_fictional_region(db):
    call_command("demo", "--no-serve", "--synthetic", stdout=io.StringIO())
    fictional = Publication.objects.get()
    assert fictional.region.programme.slug == "fictief-2008-2010"
    assert not Publication.objects.filter(region__programme__slug="raak-2008-2010").exists()
    page = (
        Client()
        .get(f"/fictief-2008-2010/routekaart/regio/{fictional.region.slug}/")
        .content.decode()
    )
    assert page.count("(fictieve gegevens)") >= 7 and "Fictieve gegevens" in page
    assert "Contacten: nog niet ingevuld." not in page


def test_reading_names_in_the_editor_is_logged(clients):
    from raak.accounts.models import SecurityEvent

    add(clients["coord_a"], person_name="Anna de Vries", consent_on="01-03-2026")
    clients["coord_a"].get(f"{R}/wijzigen/")
    event = SecurityEvent.objects.get(event="personal-data-read")
    assert event.details["region"] == "gouda" and "Anna" not in json.dumps(event.details)


def test_protocol_upload_refuses_a_zip_bomb(clients, settings, tmp_path):
    import zipfile

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", b"\0" * 50_000_000)  # 50 MB inflated from ~50 kB
    bomb = SimpleUploadedFile("protocol.odt", buf.getvalue())
    r = clients["coord_a"].post(f"{R}/wijzigen/protocol/", {"document": bomb})
    assert r.status_code == 400 and "geen PDF-, DOCX- of ODT-document" in r.content.decode()
    assert RegionRoute.objects.get(region__slug="gouda").protocol is None


def test_accepting_a_submission_publishes_the_route_map_as_submitted(clients, open_round):
    from django.contrib.auth import get_user_model

    from raak.cycle.submissions import transition

    coord, national = clients["coord_a"], clients["national"]
    users = get_user_model().objects
    add(coord, organisation="Ingediend Meldpunt")
    region = RegionRoute.objects.get(region__slug="gouda").region
    transition(open_round, region, "submit", user=users.get(username="coord-a"))
    transition(open_round, region, "accept", user=users.get(username="national"))
    assert "Ingediend Meldpunt" in clients["anonymous"].get(f"{R}/").content.decode()
    assert ChangeRecord.objects.filter(
        field="gepubliceerd", actor="indiening voorjaar-2011 geaccepteerd"
    ).exists()
    # Changed after submitting: accepting does not publish what nobody reviewed.
    transition(
        open_round, region, "return", user=users.get(username="national"), comment="nog niet"
    )
    transition(open_round, region, "submit", user=users.get(username="coord-a"))
    add(coord, organisation="Na Indiening")
    transition(open_round, region, "accept", user=users.get(username="national"))
    assert "Na Indiening" not in clients["anonymous"].get(f"{R}/").content.decode()
    assert Publication.objects.count() == 1
    assert national.get(f"{R}/wijzigen/").status_code == 200


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_region_page_and_route_map_link_each_other(clients, lang):
    """A visitor of the public region page finds its route map, and back (issue #22)."""
    c = Client()
    c.cookies["django_language"] = lang
    page = c.get(f"{P}/regio/gouda/").content.decode()
    link = f'href="{R}/"'
    assert link in page
    text = "Zorgen over een kind in deze regio?" if lang == "nl" else "Worried about a child"
    assert re.search(rf"{re.escape(link)}>{text}", page)
    route = c.get(f"{R}/").content.decode()
    assert f'href="{P}/regio/gouda/"' in route
    assert ("Stand van zaken van regio Gouda" if lang == "nl" else "State of affairs") in route


def test_no_route_link_for_a_programme_without_route_map(db, tmp_path):
    """A programme without route steps has no route map to link to."""
    from raak.programmes import tables
    from raak.programmes.importing import import_programme
    from tests.test_wording import SLUG, second_programme

    path = tmp_path / "p.json"
    path.write_text(json.dumps(second_programme()))
    import_programme(tables.read(path))
    page = Client().get(f"/{SLUG}/regio/noord/").content.decode()
    assert "routekaart" not in page
