"""Regression tests for the findings of the hostile test (issue #8): each failed on
the code before its fix."""

import csv
import io
import json
import struct
import tempfile
import zipfile
from datetime import date
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from raak.training import loading as training
from tests import races
from tests.conftest import sign_in

P = "/raak-2008-2010"


# --- 1. the national picture compares only with rounds the viewer may see -----------


@pytest.fixture
def hidden_round(demo, people, open_round):
    """Round A (voorjaar-2011) closed but never published; round B after it published."""
    from raak.programmes.models import Round

    open_round.state = Round.CLOSED
    open_round.name = "Geheime tussenronde"
    open_round.save()
    later = Round.objects.create(
        programme=demo, slug="najaar-2011", name="Najaar 2011",
        peildatum=date(2011, 12, 1), state=Round.PUBLISHED,
    )  # fmt: skip
    return open_round, later


def test_change_since_previous_round_skips_unpublished_rounds(hidden_round, people):
    hidden, later = hidden_round
    url = f"{P}/ronde/{later.slug}/"
    body = Client().get(url).content.decode()
    assert "Geheime tussenronde" not in body
    published = hidden.programme.rounds.get(slug="eindrapportage-2011").name
    assert published in body  # compared with the latest published round instead
    body = sign_in(Client(), people["national"]).get(url).content.decode()
    assert "Geheime tussenronde" in body  # the national office may see every round
    for who in ("coord_a", "viewer_a", "coord_b"):
        body = sign_in(Client(), people[who]).get(url).content.decode()
        assert "Geheime tussenronde" not in body, who


# --- 3 and 4. evidence documents: damaged, odd or bombed ZIPs are refused ---------

ODT = b"application/vnd.oasis.opendocument.text"
STATUS_URL = f"{P}/ronde/voorjaar-2011/regio/gouda/mijlpaal/handelingsprotocol/"


def _zip(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return bytearray(buf.getvalue())


def _patch_first_member(data, *, flags=None, method=None):
    """Change the flags or compression method of the first member, in its local
    header and in the central directory (as a hostile tool would)."""
    central = data.index(b"PK\x01\x02")
    if flags is not None:
        data[6:8] = struct.pack("<H", flags)
        data[central + 8 : central + 10] = struct.pack("<H", flags)
    if method is not None:
        data[8:10] = struct.pack("<H", method)
        data[central + 10 : central + 12] = struct.pack("<H", method)
    return bytes(data)


def _corrupt_deflate():
    data = _zip([("mimetype", ODT * 50)])
    start = 30 + len("mimetype")
    data[start : start + 8] = b"\xff" * 8  # an invalid deflate block
    return bytes(data)


def _odt_bomb():
    # The attack from the issue: a small file whose `mimetype` inflates enormously.
    return bytes(_zip([("mimetype", ODT + b" " * (40 * 1024 * 1024))]))


BAD_DOCUMENTS = {
    "encrypted": lambda: _patch_first_member(_zip([("mimetype", ODT)]), flags=1),
    "implode": lambda: _patch_first_member(_zip([("mimetype", ODT)]), method=6),
    "corrupt-deflate": _corrupt_deflate,
    "zip-bomb": _odt_bomb,
}


@pytest.mark.parametrize("case", BAD_DOCUMENTS)
def test_damaged_or_bombed_odt_is_refused_with_a_message(people, open_round, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from raak.programmes.models import EvidenceDocument

    c = sign_in(Client(), people["coord_a"])
    upload = SimpleUploadedFile("plan.odt", BAD_DOCUMENTS[case]())
    response = c.post(STATUS_URL, {"status": "done", "expected": "", "note": "", "version": 1,
                                   "document": upload})  # fmt: skip
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["document"])
    assert "plan.odt" in errors and "veilig" in errors, errors
    assert EvidenceDocument.objects.count() == 0


def test_a_real_odt_is_still_accepted():
    from raak.programmes import evidence

    data = bytes(_zip([("mimetype", ODT), ("content.xml", b"<office/>")]))
    assert evidence.sniff(data[:8], data) == "odt"


# --- 4. XLSX imports: zip bombs and entity expansion are refused --------------------


def _rewrite_xlsx(path, change):
    """Rewrite the workbook at `path`, member by member, through change(name, data)."""
    src = zipfile.ZipFile(path)
    members = [(i.filename, change(i.filename, src.read(i.filename))) for i in src.infolist()]
    src.close()
    path.write_bytes(bytes(_zip(members)))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>"""


def _bomb(name, data):
    if name == "xl/worksheets/sheet1.xml":
        head, tail = data.split(b">", 2)[:2], data.split(b">", 2)[2]
        return b">".join(head) + b">" + b" " * (40 * 1024 * 1024) + tail
    return data


def _laughs(name, data):
    return BILLION_LAUGHS if name == "xl/worksheets/sheet1.xml" else data


@pytest.mark.parametrize("change,message", [(_bomb, "zip-bom"), (_laughs, "DTD")])
def test_programme_xlsx_bombs_are_refused(demo, tmp_path, change, message):
    from raak.programmes.exporting import export_programme
    from raak.programmes.tables import FormatError, read

    (path,) = export_programme(demo, "xlsx", tmp_path)
    _rewrite_xlsx(path, change)
    with pytest.raises(FormatError, match=message):
        read(path)


@pytest.mark.parametrize("change,message", [(_bomb, "zip-bom"), (_laughs, "DTD")])
def test_flat_xlsx_bombs_are_refused(practice, tmp_path, change, message):
    from raak.programmes.tables import FormatError

    call_command("export", "training", "--format", "xlsx", "--output", str(tmp_path),
                 stdout=StringIO())  # fmt: skip
    (path,) = tmp_path.glob("*.xlsx")
    _rewrite_xlsx(path, change)
    with pytest.raises(FormatError, match=message):
        training.load(path)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "training", str(path), stdout=StringIO(), stderr=err)


# --- 5. formula injection: user text is written as text and round-trips ------------

DANGEROUS = ['=HYPERLINK("https://evil.example.org","klik")', "+31 6 1234", "-min", "@SUM(A1)",
             "'apostrof", "=1+2"]  # fmt: skip
FREE_TEXT = {"note", "description", "text", "context", "obstacles", "sentence", "help"}


def _csv_cells(directory):
    return [cell for f in directory.glob("*.csv")
            for row in csv.reader(f.open(encoding="utf-8")) for cell in row]  # fmt: skip


def _check_xlsx_is_text(path):
    wb = openpyxl.load_workbook(path, data_only=False)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    return [c.value for c in cells]


def _inject(doc, schema):
    """Put dangerous text into the free-text columns of a JSON export."""
    n, used = 0, set()
    for table, columns in schema.items():
        rows = doc.get(table)
        if not isinstance(rows, list):
            continue
        for row in rows[:3]:
            for col, kind in columns:
                if col in FREE_TEXT and kind == "str":
                    row[col] = DANGEROUS[n % len(DANGEROUS)]
                    used.add(row[col])
                    n += 1
    return used


@pytest.fixture
def everything(knowledge, practice, people):
    from raak.network.models import Institution, Meeting

    gouda = knowledge.regions.get(slug="gouda")
    Institution.objects.create(region=gouda, name="Basisschool De Linde", sector="onderwijs")
    Meeting.objects.create(region=gouda, date=date(2011, 2, 1), attendance=14, note="x")
    return knowledge


@pytest.mark.parametrize(
    "kind", ["activities", "action-points", "training", "network", "protocols"]
)
def test_flat_exports_write_formulas_as_text_and_round_trip(everything, tmp_path, kind):
    from raak.core.exchange import KINDS

    def export(fmt, out):
        call_command("export", kind, "--format", fmt, "--output", str(out), stdout=StringIO())
        return out

    (path,) = export("json", tmp_path / "a").glob("*.json")
    doc = json.loads(path.read_text())
    used = _inject(doc, KINDS[kind].spec[1])
    assert used
    path.write_text(json.dumps(doc))
    call_command("import", kind, str(path), stdout=StringIO())
    wanted = json.loads(next(export("json", tmp_path / "b").glob("*.json")).read_text())
    for fmt in ("csv", "xlsx"):
        out = export(fmt, tmp_path / fmt)
        if fmt == "csv":
            cells = _csv_cells(out)
            assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
            assert {"'" + v for v in used} <= set(cells)
            source = out
        else:
            (source,) = out.glob("*.xlsx")
            assert used <= set(_check_xlsx_is_text(source))
        call_command("import", kind, str(source), stdout=StringIO())
        again = json.loads(
            next(export("json", tmp_path / f"{fmt}-again").glob("*.json")).read_text()
        )
        assert again == wanted, fmt


def test_programme_export_writes_formulas_as_text_and_round_trips(demo, tmp_path):
    from raak.programmes.exporting import export_programme
    from raak.programmes.importing import import_programme
    from raak.programmes.models import MilestoneStatus, RegionNote
    from raak.programmes.tables import read

    status = MilestoneStatus.objects.filter(round__slug="eindrapportage-2011").first()
    # The published round is frozen; a fresh import of the file is what round-trips.
    (path,) = export_programme(demo, "json", tmp_path / "json")
    doc = json.loads(path.read_text())
    doc["programme"]["description"] = DANGEROUS[0]
    doc["regions"][0]["notes"] = [{"date_text": "2010", "text": "=1+2", "source": "'apostrof"}]
    doc["rounds"][0]["milestone_statuses"][0]["note"] = "@SUM(A1)"
    path.write_text(json.dumps(doc))
    demo.delete()
    import_programme(read(path), actor="test")
    from raak.programmes.models import Programme

    demo = Programme.objects.get()
    first = export_programme(demo, "json", tmp_path / "first")[0].read_text()
    for fmt in ("csv", "xlsx"):
        paths = export_programme(demo, fmt, tmp_path / fmt)
        if fmt == "csv":
            cells = _csv_cells(tmp_path / fmt)
            assert "'=1+2" in cells and "''apostrof" in cells and "'@SUM(A1)" in cells
            source = tmp_path / fmt
        else:
            source = paths[0]
            assert DANGEROUS[0] in _check_xlsx_is_text(source)
        Programme.objects.all().delete()
        import_programme(read(source), actor="test")
        demo = Programme.objects.get()
        again = export_programme(demo, "json", tmp_path / f"again-{fmt}")[0].read_text()
        assert again == first, fmt
    assert RegionNote.objects.filter(text="=1+2", source="'apostrof").exists()
    assert status is not None


def test_forecast_download_writes_formulas_as_text(people, open_round):
    from raak.programmes.models import MilestoneStatus

    s = MilestoneStatus.objects.filter(
        round=open_round, status__in=MilestoneStatus.WITH_PERIOD
    ).first()
    s.note = DANGEROUS[0]
    s.save()
    c = sign_in(Client(), people["national"])
    body = c.get(f"{P}/verwacht.csv?ronde={open_round.slug}").content.decode()
    assert "'=HYPERLINK" in body and ',"=HYPERLINK' not in body and ",=HYPERLINK" not in body
    response = c.get(f"{P}/verwacht.xlsx?ronde={open_round.slug}")
    path = Path(tempfile.mkdtemp()) / "verwacht.xlsx"
    path.write_bytes(response.content)
    assert DANGEROUS[0] in _check_xlsx_is_text(path)


def test_formula_cells_in_an_import_are_refused_by_place(demo, tmp_path):
    from raak.programmes.exporting import export_programme
    from raak.programmes.tables import FormatError, read

    (path,) = export_programme(demo, "xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["region_notes"]["C2"] = "=1+2"
    wb.save(path)
    with pytest.raises(FormatError) as e:
        read(path)
    assert "region_notes, rij 2, kolom text" in str(e.value) and "formule" in str(e.value)


def test_spreadsheet_escape_is_exactly_undone():
    from raak.lib.spreadsheets import csv_cell, from_csv

    for text in [*DANGEROUS, "gewoon", "", "''twee", "\tTab", "\rCR"]:
        assert from_csv(csv_cell(text)) == text
    assert csv_cell("\tTab") == "'\tTab"


# --- 3. tampered numbers in forms give a message or a 404, never a 500 -------------

QDATA = Path(__file__).resolve().parent / "data" / "test-questionnaire"


@pytest.fixture
def questionnaire_round(people, demo):
    from raak.programmes.status import open_round
    from raak.questionnaires import exchange

    version = exchange.load(QDATA, publish=True)
    rnd = open_round(demo, slug="start", name="Start", peildatum=date(2011, 3, 1),
                     user=people["national"], forms=["test-vragenlijst"])  # fmt: skip
    return version, rnd


@pytest.mark.parametrize("lock", ["abc", "", "1e3", "²", "9" * 40, "-1"])
def test_a_tampered_lock_on_a_response_is_refused(questionnaire_round, people, lock):
    from raak.questionnaires.models import Response

    version, _rnd = questionnaire_round
    c = sign_in(Client(), people["coord_a"])
    url = f"{P}/vragenlijsten/test-vragenlijst/ronde/start/regio/gouda/"
    response = c.post(url, {"version_id": version.id, "lock": lock, "action": "save"})
    assert response.status_code == 200
    assert "niet compleet" in response.content.decode()
    assert not Response.objects.filter(answers__isnull=False).exists()


@pytest.mark.parametrize("answer", ["abc", "", "9" * 40, "1.5"])
def test_a_tampered_answer_on_the_coding_page_is_a_400(questionnaire_round, people, answer):
    # The coding page became a work list (several answers per save): a malformed id
    # anywhere in the form refuses the whole post with 400.
    from raak.questionnaires.models import Coding

    c = sign_in(Client(), people["national"])
    url = f"{P}/vragenlijsten/test-vragenlijst/codering/?ronde=start"
    response = c.post(url, {"action": "code", "answer": answer, f"themes-{answer}": ["abc", "1"]})
    assert response.status_code == 400
    assert not Coding.objects.exists()


# --- 3. ten simultaneous creates: distinct keys, or a clear message; never a 500 -----


def _at_once(clients, url, data_for):
    """POST from every client at the same moment (tests/races.py); the status codes."""
    return races.at_once(len(clients), lambda n: clients[n].post(url, data_for(n)).status_code)


@pytest.fixture
def ten(transactional_db, knowledge, practice, people):
    races.skip_in_memory_sqlite("test_simultaneous_creates_on_a_sqlite_file")
    return [sign_in(Client(), people["coord_a"]) for _ in range(10)]


def test_simultaneous_creates_on_a_sqlite_file(db, tmp_path):
    """On SQLite the tests below run again in a pytest of their own on a database file
    (tests/races.py)."""
    races.rerun_on_a_sqlite_file(__file__, tmp_path, "ten_simultaneous or busy_sqlite", 5)


def test_ten_simultaneous_new_activities(ten, knowledge):
    from raak.knowledge.models import Activity

    theme = knowledge.themes.filter(parent__isnull=False).first().key
    before = Activity.objects.count()
    got = _at_once(ten, f"{P}/activiteiten/nieuw/", lambda n: {
        "title": f"Activiteit {n}", "description": "Samen", "theme": theme, "regions": ["gouda"],
        "status": "planned", "version": 1})  # fmt: skip
    assert got == [302] * 10, got
    keys = list(Activity.objects.values_list("key", flat=True))
    assert len(keys) == before + 10 == len(set(keys))


def test_ten_simultaneous_new_action_points(ten):
    from raak.knowledge.models import ActionPoint

    got = _at_once(ten, f"{P}/actiepunten/gouda/nieuw/", lambda n: {
        "text": f"Actiepunt {n}", "year": 2012, "planned_start": "", "status": "planned",
        "obstacles": "", "version": 1})  # fmt: skip
    assert got == [302] * 10, got
    numbers = sorted(ActionPoint.objects.filter(region__slug="gouda", year=2012)
                     .values_list("number", flat=True))  # fmt: skip
    assert numbers == list(range(1, 11))


def test_ten_simultaneous_same_institution(ten):
    from raak.network.models import Institution

    got = _at_once(ten, f"{P}/netwerk/gouda/instelling/nieuw/",
                   lambda n: {"name": "Basisschool De Linde", "sector": "onderwijs"})  # fmt: skip
    assert sorted(got) == [200] * 9 + [302], got  # nine see "staat er al"
    assert Institution.objects.filter(region__slug="gouda").count() == 1


def test_ten_simultaneous_first_protocol_checks(ten):
    from raak.protocols.models import Check, Component

    key = Component.objects.first().key
    Check.objects.filter(region__slug="gouda").delete()
    got = _at_once(ten, f"{P}/protocollen/gouda/wijzigen/",
                   lambda n: {f"answer-{key}": "yes", f"version-{key}": "0", f"note-{key}": f"{n}"})  # fmt: skip
    assert sorted(got) == [200] * 9 + [302], got  # nine are told someone saved first
    assert Check.objects.filter(region__slug="gouda").count() == 1


# --- 6. import strictness: every text has a maximum, named by row, on both databases --


def _programme_json(demo, tmp_path):
    from raak.programmes.exporting import export_programme

    (path,) = export_programme(demo, "json", tmp_path)
    return path, json.loads(path.read_text())


@pytest.mark.parametrize(
    "change,where",
    [
        (lambda d: d["regions"][0].update(name="x" * 1_000_000), "regions[0], kolom name"),
        (lambda d: d["rounds"][0]["milestone_statuses"][0].update(note="n" * 20_000_000),
         "rounds[0].milestone_statuses[0], kolom note"),
        (lambda d: d["regions"][1].update(predecessors="gouda"), "regions[1], kolom predecessors"),
        (lambda d: d["milestones"][0].update(key="k" * 51), "milestones[0], kolom key"),
        (lambda d: d.update(programme="tekst"), "programme"),
    ],
)  # fmt: skip
def test_programme_import_refuses_overlong_text_by_row(demo, tmp_path, change, where):
    from raak.programmes.importing import import_programme
    from raak.programmes.models import ChangeRecord, Region
    from raak.programmes.tables import FormatError, read

    path, doc = _programme_json(demo, tmp_path)
    change(doc)
    path.write_text(json.dumps(doc))
    before = (ChangeRecord.objects.count(), list(Region.objects.values_list("name", flat=True)))
    with pytest.raises(FormatError) as e:
        import_programme(read(path), actor="test")
    assert where in str(e.value)
    assert (
        ChangeRecord.objects.count(),
        list(Region.objects.values_list("name", flat=True)),
    ) == before


def test_a_huge_csv_field_is_refused_by_row(demo, tmp_path):
    from raak.programmes.exporting import export_programme
    from raak.programmes.tables import FormatError, read

    export_programme(demo, "csv", tmp_path)
    path = tmp_path / "region_notes.csv"
    path.write_text(path.read_text() + 'gouda,2011,"' + "n" * 20_000_000 + '",bron\n')
    with pytest.raises(FormatError, match="region_notes.csv, rij"):
        read(tmp_path)


@pytest.mark.parametrize(
    "table,column,value,message",
    [
        ("institutions", "name", "x" * 201, "te lang"),
        ("institutions", "sector", "s" * 20_000, "te lang"),
        ("meetings", "attendance", 10**30, "te groot"),
        ("meetings", "note", ["een", "lijst"], "verwacht tekst"),
    ],
)
def test_flat_import_refuses_overlong_values_by_row(
    everything, tmp_path, table, column, value, message
):
    from raak.network import loading as network
    from raak.network.models import Institution
    from raak.programmes.tables import FormatError

    call_command("export", "network", "--output", str(tmp_path), stdout=StringIO())
    (path,) = tmp_path.glob("*.json")
    doc = json.loads(path.read_text())
    doc[table][0][column] = value
    path.write_text(json.dumps(doc))
    before = list(Institution.objects.values_list("name", "sector"))
    with pytest.raises(FormatError) as e:
        network.load(path)
    assert f"{table}[0], kolom {column}" in str(e.value) and message in str(e.value)
    assert list(Institution.objects.values_list("name", "sector")) == before


def test_every_column_maximum_is_documented():
    """docs/import-format.md lists every column with its own maximum."""
    from raak.core.exchange import KINDS
    from raak.programmes.tables import TABLES
    from raak.questionnaires.exchange import SPEC

    doc = (Path(__file__).resolve().parents[1] / "docs" / "import-format.md").read_text()
    schemas = [TABLES, SPEC[1], *(k.spec[1] for k in KINDS.values())]
    for schema in schemas:
        for table, columns in schema.items():
            for column, kind in columns:
                if kind.startswith("str:"):
                    line = f"| {table} | {column} | {kind[4:]} |"
                    assert line in doc, line


def test_a_save_during_a_long_import_says_try_again_on_busy_sqlite(
    transactional_db, people, open_round
):
    """A long import holds SQLite's write lock past the busy timeout: the web save is
    told to try again (503), nothing is saved, no server error."""
    import sqlite3

    from django.db import connection

    from raak.programmes.models import MilestoneStatus

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite has a single writer")
    races.skip_in_memory_sqlite("test_simultaneous_creates_on_a_sqlite_file")
    c = sign_in(Client(), people["coord_a"])
    options = connection.settings_dict["OPTIONS"]
    old_timeout, options["timeout"] = options.get("timeout"), 0.5
    importer = sqlite3.connect(connection.settings_dict["NAME"])
    importer.execute("BEGIN IMMEDIATE")  # what `raak import` holds while it writes
    try:
        got = _at_once([c], STATUS_URL, lambda n: {"status": "done", "expected": "", "note": "x",
                                                   "version": 1})  # fmt: skip
    finally:
        importer.rollback()
        importer.close()
        options["timeout"] = old_timeout
    assert got == [503], got
    status = MilestoneStatus.objects.get(round=open_round, region__slug="gouda",
                                         milestone__key="handelingsprotocol")  # fmt: skip
    assert status.note != "x"


def test_questionnaire_exports_write_formulas_as_text(questionnaire_round, people, demo, tmp_path):
    """The questionnaire definition (`raak export questionnaire`), the individual
    responses (`raak export responses`) and the comparison CSV/XLSX."""
    from raak.questionnaires.models import Answer, Choice, Question, Response

    version, start = questionnaire_round
    start.state = "published"
    start.save()
    end = demo.rounds.create(
        slug="eind", name="Eind", peildatum=date(2011, 9, 1), state="published"
    )
    Question.objects.filter(version=version, key="voorlichting").update(label="=1+2")
    Choice.objects.filter(version=version, key="none").update(label="-geen ouders")
    for rnd in (start, end):
        response = Response.objects.create(version=version, round=rnd, state=Response.SUBMITTED,
                                           region=demo.regions.get(slug="gouda"))  # fmt: skip
        Answer.objects.create(response=response, question=version.questions.get(key="toelichting"),
                              value="@SUM(A1)")  # fmt: skip
    out = StringIO()
    call_command("export", "responses", "--questionnaire", "test-vragenlijst", "--round", "start",
                 "--format", "csv", stdout=out)  # fmt: skip
    cells = [c for row in csv.reader(StringIO(out.getvalue())) for c in row]
    assert "'@SUM(A1)" in cells and "@SUM(A1)" not in cells

    for fmt in ("csv", "xlsx"):
        target = tmp_path / fmt
        call_command("export", "questionnaire", "test-vragenlijst", "--format", fmt,
                     "--output", str(target), stdout=StringIO())  # fmt: skip
        if fmt == "csv":
            assert "'=1+2" in _csv_cells(target)
            source = target
        else:
            (source,) = target.glob("*.xlsx")
            assert "=1+2" in _check_xlsx_is_text(source)
        tables = flat_read(source)
        assert any(d["label"] == "=1+2" for _f, _w, d in tables["questions"]), fmt

    c = Client()  # both rounds are published: the comparison is public
    url = f"{P}/vragenlijsten/test-vragenlijst/vergelijk"
    body = c.get(f"{url}.csv?van=start&naar=eind").content.decode()
    assert "'-geen ouders" in body and ",-geen" not in body
    path = tmp_path / "vergelijk.xlsx"
    path.write_bytes(c.get(f"{url}.xlsx?van=start&naar=eind").content)
    assert "-geen ouders" in _check_xlsx_is_text(path)


def flat_read(source):
    from raak.programmes import flat
    from raak.questionnaires import exchange

    return flat.read(source, *exchange.SPEC)[1]
