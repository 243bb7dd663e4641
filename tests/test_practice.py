"""Protocol checklist, training reach and the network of aandachtsfunctionarissen."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from raak.network.models import Institution, Meeting, Officer
from raak.programmes.models import ChangeRecord
from raak.programmes.tables import FormatError
from raak.protocols.models import Check, Component, Finding
from raak.training import loading as training
from raak.training.models import Reach
from tests.conftest import sign_in

P = "/raak-2008-2010"
WHO = ["anonymous", "coord_a", "coord_b", "viewer_a", "national"]
OFFICER = "Jansen-Vertrouwelijk"


@pytest.fixture
def clients(people, practice):
    out = {"anonymous": Client()}
    for name in WHO[1:]:
        c = Client()
        sign_in(c, people[name])
        out[name] = c
    return out


@pytest.fixture
def network(clients, demo):
    gouda = demo.regions.get(slug="gouda")
    school = Institution.objects.create(region=gouda, name="Basisschool De Linde", sector="primair onderwijs",
                                        officer_appointed=True)  # fmt: skip
    Officer.objects.create(
        institution=school, name=OFFICER, email="jansen@example.org", consent_on=date(2011, 1, 5)
    )
    Institution.objects.create(region=gouda, name="Kinderdagverblijf Hummel", sector="kinderopvang")
    Meeting.objects.create(region=gouda, date=date(2011, 2, 1), attendance=14)
    return clients


def test_checklist_and_seed_findings(practice):
    assert Component.objects.count() == 17  # the components chapter 1 lists
    assert set(Component.objects.values_list("level", flat=True)) == {
        "beleid",
        "uitvoering",
        "implementatie",
        "verbindingen",
    }
    assert Check.objects.count() == 0  # the seed gives no per-region values
    eight = Finding.objects.get(component__key="samenwerkingsafspraken")
    assert (eight.count, eight.of_total) == (8, 17) and "acht van de zeventien" in eight.sentence
    assert Finding.objects.get(component__key="instellingsprotocollen").count == 14
    page = Client().get(f"{P}/protocollen/").content.decode()
    assert "Bij acht van de zeventien regio’s is dit het geval." in page


def test_training_reach_figures_of_the_seed(practice):
    figures = {
        (r.region.slug, r.sector.split(" (")[0], r.professionals, r.qualifier)
        for r in Reach.objects.all()
    }
    assert figures == {
        ("den-bosch", "primair onderwijs", 1100, "exact"),
        ("eindhoven", "ambulancezorg", 180, "exact"),
        ("eindhoven", "huisartsen", 250, "exact"),
        ("venlo", "kinderopvang en peuterspeelzalen", 500, "more_than"),
        ("rotterdam", "Centrum voor Jeugd en Gezin", 500, "about"),
    }
    assert all(r.sentence for r in Reach.objects.all())
    page = Client().get(f"{P}/scholing/").content.decode()
    assert (
        "ruim 500" in page
        and "1100" in page
        and "In november 2010 werden 180 man/vrouw ambulancepersoneel geschoold" in page
    )


def test_access_to_practice_pages(clients):
    matrix = {
        f"{P}/protocollen/": dict.fromkeys(WHO, 200),
        f"{P}/protocollen/gouda/": dict.fromkeys(WHO, 200),
        f"{P}/protocollen/gouda/wijzigen/": {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200},
        f"{P}/scholing/": dict.fromkeys(WHO, 200),
        f"{P}/scholing/bereik/gouda/nieuw/": {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200},
        f"{P}/netwerk/": dict.fromkeys(WHO, 200),
        f"{P}/netwerk/gouda/": dict.fromkeys(WHO, 200),
        f"{P}/netwerk/gouda/functionaris/nieuw/": {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200},
        f"{P}/netwerk/gouda/onzin/nieuw/": {"anonymous": 302, "coord_a": 404, "coord_b": 404, "viewer_a": 403, "national": 404},
    }  # fmt: skip
    for url, expected in matrix.items():
        assert {who: clients[who].get(url).status_code for who in WHO} == expected, url


def test_personal_data_never_reaches_outsiders(network, tmp_path):
    clients = network
    for who in ("anonymous", "coord_b"):
        for url in (f"{P}/netwerk/gouda/", f"{P}/netwerk/", f"{P}/regio/gouda/"):
            body = clients[who].get(url).content.decode()
            assert OFFICER not in body and "jansen@example.org" not in body, (who, url)
    for who in ("coord_a", "viewer_a", "national"):
        assert OFFICER in clients[who].get(f"{P}/netwerk/gouda/").content.decode()
    # Coverage is public: 1 of 2 institutions in Gouda.
    coverage = clients["anonymous"].get(f"{P}/netwerk/").content.decode()
    assert "Basisschool" not in coverage or OFFICER not in coverage
    # Exports leave names out unless asked for.
    call_command("export", "network", "--output", str(tmp_path / "plain"), stdout=StringIO())
    plain = (tmp_path / "plain" / "network-raak-2008-2010.json").read_text()
    assert OFFICER not in plain and json.loads(plain)["officers"] == []
    call_command(
        "export",
        "network",
        "--include-personal-data",
        "--output",
        str(tmp_path / "full"),
        stdout=StringIO(),
    )
    assert OFFICER in (tmp_path / "full" / "network-raak-2008-2010.json").read_text()
    # The change log, shown to region members, names the institution, not the person.
    clients["coord_a"].post(f"{P}/netwerk/gouda/functionaris/nieuw/", {
        "institution": Institution.objects.get(name="Kinderdagverblijf Hummel").id, "name": "P. de Vries",
        "consent_on": "01-03-2011"})  # fmt: skip
    assert not ChangeRecord.objects.filter(new__contains="de Vries").exists()
    assert Institution.objects.get(name="Kinderdagverblijf Hummel").officer_appointed


def test_officer_without_consent_is_refused(network):
    before = Officer.objects.count()
    response = network["coord_a"].post(f"{P}/netwerk/gouda/functionaris/nieuw/", {
        "institution": Institution.objects.get(name="Kinderdagverblijf Hummel").id, "name": "P. de Vries",
        "consent_on": ""})  # fmt: skip
    assert "consent_on" in response.context["form"].errors
    assert Officer.objects.count() == before


def test_network_import_refuses_officers_without_consent(practice, tmp_path):
    path = tmp_path / "network.json"
    path.write_text(json.dumps({
        "format": "raak-network/1", "programme": "raak-2008-2010",
        "institutions": [{"region": "gouda", "name": "GGD", "sector": "jeugdgezondheidszorg", "officer_appointed": True}],
        "officers": [{"region": "gouda", "institution": "GGD", "name": "X", "email": "", "phone": "", "consent_on": ""}],
        "meetings": [],
    }))  # fmt: skip
    from raak.network.loading import load

    with pytest.raises(FormatError, match="officers\\[0\\], kolom consent_on"):
        load(path)
    assert Institution.objects.count() == 0


def test_protocol_checklist_editing(clients):
    url = f"{P}/protocollen/gouda/wijzigen/"
    data = {"answer-convenant": "yes", "evidence-convenant": "Convenant CJG Hollands Midden, art. 3", "version-convenant": "0",
            "answer-regionale-meldcode": "partly", "version-regionale-meldcode": "0"}  # fmt: skip
    bad = clients["coord_a"].post(url, {**data, "answer-monitoring": "misschien"})
    assert bad.status_code == 200 and "Kies een van de antwoorden" in bad.content.decode()
    assert Check.objects.count() == 0
    assert clients["coord_a"].post(url, data).status_code == 302
    assert Check.objects.get(component__key="convenant").evidence.startswith("Convenant CJG")
    stale = clients["national"].post(url, {**data, "answer-convenant": "no"})
    assert "iemand anders heeft dit intussen gewijzigd" in stale.content.decode()
    assert Check.objects.get(component__key="convenant").answer == "yes"
    overview = Client().get(f"{P}/protocollen/").content.decode()
    assert (
        '<tr data-component="convenant"><th scope="row">Convenant Regionale aanpak kindermishandeling</th><td class="num">1</td>'
        in overview
    )


def test_reach_form(clients):
    url = f"{P}/scholing/bereik/gouda/nieuw/"
    bad = clients["coord_a"].post(
        url, {"sector": "huisartsen", "professionals": "-3", "qualifier": "exact", "period": "ooit"}
    )
    assert set(bad.context["form"].errors) == {"professionals", "period"}
    assert Reach.objects.filter(region__slug="gouda").count() == 0
    ok = clients["coord_a"].post(
        url,
        {
            "sector": "huisartsen",
            "professionals": "40",
            "qualifier": "about",
            "period": "voorjaar 2011",
        },
    )
    assert ok.status_code == 302
    assert Reach.objects.get(region__slug="gouda").period_text == "voorjaar 2011"


@pytest.mark.parametrize("kind", ["training", "protocols", "network"])
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_import_export_is_identical(network, tmp_path, kind, fmt):
    def export(out):
        call_command("export", kind, "--format", fmt, "--output", str(out), stdout=StringIO())
        return {p.name: p.read_bytes() for p in out.iterdir()}

    first = export(tmp_path / "first")
    source = tmp_path / "first"
    call_command(
        "import", kind, str(source if fmt == "csv" else next(source.iterdir())), stdout=StringIO()
    )
    assert export(tmp_path / "second") == first


def test_bad_training_file_changes_nothing(practice, tmp_path):
    path = tmp_path / "t.json"
    doc = json.loads(
        (Path(training.__file__).parent / "data" / "training-2008-2010.json").read_text()
    )
    doc["reach"][0]["professionals"] = "veel"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError, match="reach\\[0\\], kolom professionals"):
        training.load(path)
    assert Reach.objects.count() == 5


def test_importing_an_export_without_personal_data_keeps_officers(network, tmp_path):
    call_command("export", "network", "--output", str(tmp_path), stdout=StringIO())
    call_command(
        "import", "network", str(tmp_path / "network-raak-2008-2010.json"), stdout=StringIO()
    )
    assert Officer.objects.filter(name=OFFICER).exists()
