"""Open data per published round (issue #24): stable URLs, CSV/XLSX/CSVW, the DCAT-AP-NL
catalogue, 410 after withdrawal, and nothing unpublished or personal in any file."""

import csv
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from raak.programmes.models import MilestoneStatus, Round
from raak.programmes.status import change_round_state

from .conftest import sign_in

P = "/raak-2008-2010/open-data"
R = f"{P}/eindrapportage-2011"
REPO = Path(__file__).resolve().parents[1]
# Where CI has the shapes: beside the repository. DCAT_AP_NL_SHAPES points elsewhere.
SHAPES = Path(os.environ.get("DCAT_AP_NL_SHAPES") or REPO / ".." / "shared" / "dcat-ap-nl")
TABLES = ["mijlpalen", "mijlpalen-per-regio", "indicatoren-per-regio", "regios", "statussen"]


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_milestone_summary_says_what_the_report_says(client, demo):
    found = {(r["mijlpaal"], r["status"]): r for r in rows(client, f"{R}/mijlpalen.csv")}
    assert found["werkplan", "done"]["aantal"] == "36"
    assert found["werkplan", "done"]["percentage"] == "97.3"
    assert found["handelingsprotocol", "done"]["aantal"] == "27"
    assert found["handelingsprotocol", "partial"]["aantal"] == "2"
    assert {r["regio_totaal"] for r in found.values()} == {"37"}


def test_annex_tables_have_a_row_per_region_and_no_notes(client, demo):
    annex = rows(client, f"{R}/mijlpalen-per-regio.csv")
    assert len(annex) == 37 * demo.milestones.count()
    gouda = next(
        r for r in annex if r["regio"] == "gouda" and r["mijlpaal"] == "handelingsprotocol"
    )
    assert gouda["status"] == "partial" and gouda["verwachte_periode"] == "Voorjaar 2011"
    assert gouda["verwacht_vanaf"] == "2011-03-01"
    body = b"".join(client.get(f"{R}/{t}.csv").content for t in TABLES)
    assert b"convenanten CJG" not in body  # Gouda's note in the published round
    assert b"Werkzaamheden bij iemand anders" not in body  # indicator notes
    indicators = rows(client, f"{R}/indicatoren-per-regio.csv")
    almere = next(
        r
        for r in indicators
        if r["regio"] == "almere" and r["indicator"] == "regiocoordinator-na-2010"
    )
    assert almere["antwoord"] == "yes" and almere["datum"] == "2011-04-14"


def _download(client, url, folder):
    response = client.get(url)
    assert response.status_code == 200, url
    (folder / url.rsplit("/", 1)[1]).write_bytes(response.content)


@pytest.mark.parametrize("table", ["mijlpalen", "mijlpalen-per-regio", "indicatoren-per-regio",
                                   "regios", "statussen"])  # fmt: skip
def test_csvw_metadata_validates_with_the_csvw_package(client, demo, tmp_path, table):
    """The `csvw` package (PyPI; its `csvwvalidate` command) reads the metadata, every
    CSV it names, checks datatypes, required cells, primary and foreign keys."""
    from csvw import CSVW

    meta = f"{R}/{table}-metadata.json"
    _download(client, meta, tmp_path)
    metadata = json.loads((tmp_path / f"{table}-metadata.json").read_text())
    for t in metadata["tables"]:
        _download(client, f"{R}/{t['url']}", tmp_path)
    found = CSVW(str(tmp_path / f"{table}-metadata.json"), validate=True, strict=True)
    assert found.is_valid, [str(w.message) for w in found.warnings]
    columns = metadata["tables"][0]["tableSchema"]["columns"]
    assert all(set(c["titles"]) == {"nl", "en"} for c in columns)
    # The same file under the name CSVW processors look for by default.
    assert (
        client.get(f"{R}/{table}.csv-metadata.json").content
        == (tmp_path / f"{table}-metadata.json").read_bytes()
    )


def test_region_and_status_columns_refer_to_published_code_lists(client, demo):
    meta = client.get(f"{R}/mijlpalen-per-regio-metadata.json").json()
    keys = meta["tables"][0]["tableSchema"]["foreignKeys"]
    assert {k["columnReference"]: k["reference"]["resource"] for k in keys} == {
        "regio": "regios.csv", "status": "statussen.csv",
    }  # fmt: skip
    regions = {r["regio"]: r for r in rows(client, f"{R}/regios.csv")}
    assert regions["amsterdam"]["centrumgemeente_cbscode"] == "GM0363"
    assert regions["amsterdam"]["provincie_cbscode"] == "PV27"
    statuses = {r["status"]: r for r in rows(client, f"{R}/statussen.csv")}
    assert statuses["done"]["label_en"] == "done and/or in progress"


def test_csv_is_rfc4180_and_xlsx_writes_formulas_as_text(client, demo):
    demo.regions.filter(slug="gouda").update(name="=HYPERLINK(1)")
    demo.data_version += 1
    demo.save()
    body = client.get(f"{R}/mijlpalen-per-regio.csv").content
    assert (
        body.startswith(b"regio,regio_naam,")
        and b"\r\n" in body
        and b"\n" not in body.replace(b"\r\n", b"")
    )
    assert b"'=HYPERLINK(1)" in body
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"{R}/mijlpalen-per-regio.xlsx").content))
    cells = [c for row in wb.active.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_unpublished_rounds_have_no_open_data(client, demo, open_round, people):
    assert client.get(f"{P}/{open_round.slug}/mijlpalen.csv").status_code == 404
    assert client.get(f"{P}/{open_round.slug}/").status_code == 404
    # Not even for the national office: open data is what is public.
    national = sign_in(client, people["national"])
    assert national.get(f"{P}/{open_round.slug}/mijlpalen.csv").status_code == 404
    page = national.get(f"{P}/").content.decode()
    assert open_round.slug not in page
    assert client.get(f"{R}/onbekend.csv").status_code == 404
    assert client.get(f"{R}/mijlpalen.pdf").status_code == 404
    assert client.get(f"{P}/onbekend/mijlpalen.csv").status_code == 404


def test_withdrawn_round_is_gone_with_its_reason(client, demo, people):
    rnd = demo.rounds.get(slug="eindrapportage-2011")
    assert client.get(f"{R}/mijlpalen.csv").status_code == 200
    change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="Fout in Bijlage 1")
    for url in [f"{R}/", *(f"{R}/{t}.{ext}" for t in TABLES for ext in ("csv", "xlsx")),
                f"{R}/mijlpalen-metadata.json"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 410, url
        assert "Fout in Bijlage 1" in response.content.decode()
    assert "eindrapportage-2011" not in client.get(f"{P}/catalog.ttl").content.decode()
    change_round_state(rnd, Round.PUBLISHED, user=people["national"], confirmed=True)
    assert client.get(f"{R}/mijlpalen.csv").status_code == 200


def test_change_since_the_previous_published_round(client, demo, open_round, people):
    """A second round published: its change table compares with the first."""
    gouda = demo.regions.get(slug="gouda")
    MilestoneStatus.objects.filter(
        round=open_round, region=gouda, milestone__key="handelingsprotocol"
    ).update(status="done", note="GEHEIME NOTITIE")
    change_round_state(open_round, Round.CLOSED, user=people["national"])
    change_round_state(open_round, Round.PUBLISHED, user=people["national"], confirmed=True)
    found = {(r["onderdeel"], r["categorie"]): r
             for r in rows(client, f"{P}/{open_round.slug}/verandering.csv")}  # fmt: skip
    assert found["handelingsprotocol", "done"]["aantal_vorige_ronde"] == "27"
    assert found["handelingsprotocol", "done"]["aantal"] == "28"
    assert found["handelingsprotocol", "done"]["verschil"] == "1"
    assert found["handelingsprotocol", "partial"]["verschil"] == "-1"
    assert client.get(f"{R}/verandering.csv").status_code == 404  # the first has no previous


def _shapes():
    """All the DCAT-AP-NL 3.0 shapes, from ../shared/dcat-ap-nl beside the repository
    (where CI has them). Missing outside CI: skipped loudly; in CI: a failure."""
    files = sorted(SHAPES.glob("*.ttl"))
    if len(files) < 5:
        message = f"DCAT-AP-NL shapes missing in {SHAPES.resolve()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip("!!! " + message + " !!!")
    from rdflib import Graph

    shapes = Graph()
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


def shacl_results(data):
    """(violations, warnings) of pyshacl over `data` with every shape file."""
    from pyshacl import validate
    from rdflib import Graph
    from rdflib.namespace import SH

    _conforms, report, _text = validate(data, shacl_graph=_shapes(), inference="none",
                                        advanced=True, allow_warnings=True)  # fmt: skip
    assert isinstance(report, Graph)
    found = {"Violation": [], "Warning": [], "Info": []}
    for result in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1]
        found[severity].append(
            (str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultPath)),
             str(report.value(result, SH.resultMessage)))
        )  # fmt: skip
    return found["Violation"], found["Warning"]


def test_dcat_catalogue_has_no_violations_of_dcat_ap_nl(client, demo, open_round, people):
    from rdflib import Graph
    from rdflib.namespace import DCAT, DCTERMS, RDF

    change_round_state(open_round, Round.CLOSED, user=people["national"])
    change_round_state(open_round, Round.PUBLISHED, user=people["national"], confirmed=True)
    ttl = client.get(f"{P}/catalog.ttl")
    assert ttl["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=ttl.content, format="turtle")
    violations, warnings = shacl_results(graph)
    assert violations == [], "\n".join(sorted({f"{v[1]}: {v[2]}" for v in violations}))
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    # 3 tables of the first round; 3 + the change table of the second.
    assert len(datasets) == 7
    for dataset in datasets:
        assert len(list(graph.objects(dataset, DCAT.distribution))) == 3
        assert {o.language for o in graph.objects(dataset, DCTERMS.title)} == {"nl", "en"}
    # Every file the catalogue names is there.
    for url in set(graph.objects(None, DCAT.downloadURL)):
        path = str(url).removeprefix("http://127.0.0.1:8000")
        assert client.get(path).status_code == 200, path
    licences = set(graph.objects(None, DCTERMS.license))
    assert licences == {URIRef_cc0()}
    same = Graph().parse(data=client.get(f"{P}/catalog.jsonld").content, format="json-ld")
    assert len(same) == len(graph)
    print("DCAT-AP-NL warnings:", len(warnings), sorted({w[1] for w in warnings}))


def URIRef_cc0():
    from rdflib import URIRef

    return URIRef("http://publications.europa.eu/resource/authority/licence/CC0")


def _crawl(client, start):
    """Every open-data URL reachable from `start` by links under /<programme>/open-data/,
    with its body."""
    import re

    seen, todo, bodies = set(), [start], {}
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content
        if response["Content-Type"].startswith("text/html"):
            for href in re.findall(r'href="([^"#?]+)"', response.content.decode()):
                if "/open-data/" in href and href.startswith("/"):
                    todo.append(href)
    return bodies


def test_no_unpublished_personal_or_free_text_data_in_any_open_data_file(client, db):
    """Across features: the demo with its synthetic programme (submitted questionnaire
    answers with open answers, a route map with consented names), an open round with
    notes in it, and every file of every programme's open data."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from raak.programmes.models import IndicatorValue, Programme
    from raak.programmes.status import open_round
    from raak.questionnaires.models import Answer, Question
    from raak.routes import service as routes
    from raak.routes.models import Contact

    call_command("demo", "--no-serve", "--synthetic", stdout=io.StringIO())
    demo = Programme.objects.get(slug="raak-2008-2010")
    office = get_user_model().objects.get(username="landelijk")
    rnd = open_round(demo, slug="geheim-2012", name="Geheime ronde 2012",
                     peildatum=date(2012, 1, 1), user=office)  # fmt: skip
    MilestoneStatus.objects.filter(round=rnd, region__slug="gouda").update(
        note="GEHEIME NOTITIE van Gouda", status="expected", expected_text="Najaar 2030"
    )
    # A consented name on a published route map of the fictional programme.
    fictional = Programme.objects.get(slug="fictief-2008-2010")
    region = fictional.regions.order_by("position", "name").first()
    step = fictional.route_steps.get(key="melden")
    routes.save_contact(region, step, None, {
        "organisation": "Veilig Thuis (fictieve gegevens)", "role": "melden", "phone": "",
        "email": "anna@example.org", "website": "", "opening_hours": "",
        "person_name": "Anna de Vries", "consent_on": date(2026, 3, 1),
    }, expected_version=0, user=None, programme=fictional)  # fmt: skip
    routes.publish(region, expected_revision=routes.route_for(region).revision, user=None,
                   programme=fictional)  # fmt: skip
    names = [n for n in Contact.objects.values_list("person_name", flat=True) if n]
    assert names, "the synthetic demo has consented names"
    notes = {n for n in MilestoneStatus.objects.values_list("note", flat=True) if len(n) > 10}
    notes |= {n for n in IndicatorValue.objects.values_list("note", flat=True) if len(n) > 10}
    texts = {
        a for a in Answer.objects.filter(question__type=Question.TEXT).values_list("value", flat=True)
        if isinstance(a, str) and len(a) > 10
    }  # fmt: skip
    assert texts, "the synthetic demo has open answers"
    forbidden = [*names, *notes, *texts, "geheim-2012", "Geheime ronde", "Najaar 2030",
                 "anna@example.org", "coord-",
                 *(e for e in get_user_model().objects.values_list("email", flat=True) if e)]  # fmt: skip
    files = 0
    for programme in Programme.objects.all():
        bodies = _crawl(client, f"/{programme.slug}/open-data/")
        bodies[f"/{programme.slug}/open-data/catalog.ttl"] = client.get(
            f"/{programme.slug}/open-data/catalog.ttl"
        ).content
        for url, body in bodies.items():
            if url.endswith(".xlsx"):
                wb = openpyxl.load_workbook(io.BytesIO(body))
                text = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows()
                                 for c in row if c.value is not None)  # fmt: skip
            else:
                text = body.decode("utf-8")
            files += bool(url.rsplit("/", 1)[1])
            found = [f for f in forbidden if f in text]
            assert not found, (url, found)
    assert files > 40
    fictional = client.get("/fictief-2008-2010/open-data/").content.decode()
    assert "vragenlijsten.csv" in fictional


def test_open_data_page_lists_datasets_formats_and_licence_and_is_linked(client, demo):
    page = client.get(f"{P}/").content.decode()
    for table in ("mijlpalen", "mijlpalen-per-regio", "indicatoren-per-regio"):
        for name in (f"{table}.csv", f"{table}.xlsx", f"{table}-metadata.json"):
            assert f"{R}/{name}" in page
    assert "Creative Commons CC0 1.0 Universal" in page and "catalog.ttl" in page
    assert (
        f'href="{R}/"' in client.get("/raak-2008-2010/ronde/eindrapportage-2011/").content.decode()
    )
    client.get("/taal/en/")
    english = client.get(f"{R}/").content.decode()
    assert "Licence" in english and "Milestones: regions per status" in english
    assert "Final report: milestones and forecast" in english


def test_api_serves_the_same_tables_and_published_reports(client, demo, people):
    from raak.reports import templates as report_templates
    from raak.reports.models import Report

    api = "/api/v1/programmes/raak-2008-2010"
    listing = client.get(f"{api}/rounds/eindrapportage-2011/open-data").json()
    keys = [t["key"] for t in listing["items"]]
    assert keys == ["mijlpalen", "mijlpalen-per-regio", "indicatoren-per-regio", "regios",
                    "statussen"]  # fmt: skip
    first = listing["items"][1]
    assert first["files"]["csv"].endswith(f"{R}/mijlpalen-per-regio.csv")
    assert first["files"]["csvw"].endswith(f"{R}/mijlpalen-per-regio-metadata.json")
    table = client.get(
        f"{api}/rounds/eindrapportage-2011/open-data/mijlpalen-per-regio?pageSize=100"
    ).json()
    assert table["count"] == 37 * 7 and len(table["items"]) == 100
    csv_rows = rows(client, f"{R}/mijlpalen-per-regio.csv")
    assert table["items"][0]["regio"] == csv_rows[0]["regio"]
    assert table["items"][0]["status"] == csv_rows[0]["status"]
    assert [c["name"] for c in table["columns"]] == list(csv_rows[0])
    # Reports: only published ones.
    rnd = demo.rounds.get(slug="eindrapportage-2011")
    template = report_templates.load(demo)
    report = Report.objects.create(programme=demo, round=rnd, template=template,
                                   chapters=template.chapters, title="Eindrapport")  # fmt: skip
    assert client.get(f"{api}/reports").json()["count"] == 0
    Report.objects.filter(id=report.id).update(state=Report.PUBLISHED)
    found = client.get(f"{api}/reports").json()["items"]
    assert [r["title"] for r in found] == ["Eindrapport"]
    assert {f["format"] for f in found[0]["files"]} == {"pdf", "html"}
    # Withdrawn: 410 with the reason.
    change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="Herziening")
    gone = client.get(f"{api}/rounds/eindrapportage-2011/open-data/mijlpalen")
    assert gone.status_code == 410 and gone.json()["reason"] == "Herziening"
    assert gone["Content-Type"] == "application/problem+json"
    assert client.get(f"{api}/reports").json()["count"] == 0


def test_publication_writes_the_files_for_nginx_and_withdrawal_removes_them_first(
    client, demo, people, tmp_path, settings, django_capture_on_commit_callbacks
):
    """Publishing (a task) writes every open-data file under RAAK_DATA_DIR/public as RAAK
    serves it; withdrawing removes the round's files before change_round_state returns,
    so nginx falls through to RAAK, which answers 410."""
    from raak.opendata import public

    settings.DATA_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    rnd = demo.rounds.get(slug="eindrapportage-2011")
    with django_capture_on_commit_callbacks(execute=True):
        change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="Fout")
        change_round_state(rnd, Round.PUBLISHED, user=people["national"], confirmed=True)
    base = tmp_path / "public" / "raak-2008-2010" / "open-data"
    for name in ("mijlpalen.csv", "mijlpalen.xlsx", "mijlpalen-metadata.json",
                 "mijlpalen.csv-metadata.json", "statussen.csv"):  # fmt: skip
        on_disk = (base / "eindrapportage-2011" / name).read_bytes()
        if not name.endswith(".xlsx"):  # XLSX holds its own creation time
            assert on_disk == client.get(f"{R}/{name}").content, name
    assert b"eindrapportage-2011" in (base / "catalog.ttl").read_bytes()
    # Withdrawn: gone before the function returns, without running the task.
    with django_capture_on_commit_callbacks(execute=False):
        change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="Fout")
    assert not (base / "eindrapportage-2011").exists()
    assert not (base / "catalog.ttl").exists()
    assert client.get(f"{R}/mijlpalen.csv").status_code == 410
    # The task then writes the catalogue without the round.
    public.refresh(demo)
    assert b"eindrapportage-2011" not in (base / "catalog.ttl").read_bytes()
    assert not (base / "eindrapportage-2011").exists()


def test_the_publisher_is_the_organisation_the_theme_names(
    client, demo, people, tmp_path, settings, django_capture_on_commit_callbacks
):
    """One organisation: the catalogue, the CSVW metadata and the files nginx serves name
    the theme's organisation (its name, website and e-mail), the settings only fill what
    the theme leaves empty, and a change in the theme writes the files on disk again."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, FOAF

    from raak.look import theme as themes
    from raak.opendata import public

    settings.DATA_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.ORGANISATION_NAME = "Naam uit de instellingen"
    settings.CONTACT_EMAIL = "instellingen@example.org"
    public.refresh(demo)
    base = tmp_path / "public" / "raak-2008-2010" / "open-data"
    graph = Graph().parse(data=client.get(f"{P}/catalog.ttl").content, format="turtle")
    assert Literal("Naam uit de instellingen", lang="nl") in set(graph.objects(None, FOAF.name))
    assert b"Naam uit de instellingen" in (base / "catalog.ttl").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        themes.save({"organisation_name": "GGD Testregio", "website_url": "https://ggd.example.org/",
                     "contact_email": "opendata@ggd.example.org"}, via="cli")  # fmt: skip
    graph = Graph().parse(data=client.get(f"{P}/catalog.ttl").content, format="turtle")
    org = URIRef("https://ggd.example.org/")
    assert set(graph.objects(None, DCTERMS.publisher)) == {org}
    assert graph.value(org, FOAF.name) == Literal("GGD Testregio", lang="nl")
    assert graph.value(org, FOAF.mbox) == URIRef("mailto:opendata@ggd.example.org")
    assert "Naam uit de instellingen" not in client.get(f"{P}/catalog.ttl").content.decode()
    metadata = client.get(f"{R}/mijlpalen-metadata.json").json()
    assert metadata["dc:publisher"] == "GGD Testregio"
    # The files nginx serves were written again by the task the change started.
    on_disk = (base / "catalog.ttl").read_bytes().decode()
    assert "GGD Testregio" in on_disk and "Naam uit de instellingen" not in on_disk
    assert "GGD Testregio" in (base / "eindrapportage-2011" / "mijlpalen-metadata.json").read_text()
    # A change of the colours alone leaves the files alone.
    (base / "catalog.ttl").write_text("unchanged")
    with django_capture_on_commit_callbacks(execute=True):
        themes.save({"class_name": "ggd-x"}, via="cli")
    assert (base / "catalog.ttl").read_text() == "unchanged"
    violations, _warnings = shacl_results(graph)
    assert violations == [], violations
