import csv
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.models import (
    ChangeRecord,
    IndicatorValue,
    MilestoneStatus,
    Programme,
    Region,
    Round,
)
from raak.programmes.summary import summarise
from tests.conftest import DEMO_FILE


def export(fmt, out):
    call_command("export", "programme", "--format", fmt, "--output", str(out), stdout=StringIO())


def snapshot():
    return (
        Programme.objects.count(),
        Region.objects.count(),
        sorted(MilestoneStatus.objects.values_list("id", "status", "expected_text", "version")),
        sorted(IndicatorValue.objects.values_list("id", "category_id", "date")),
        ChangeRecord.objects.count(),
    )


def test_import_creates_the_demo_programme(demo):
    assert demo.regions.count() == 37
    assert demo.milestones.count() == 7
    assert demo.rounds.get().state == Round.PUBLISHED
    gouda = MilestoneStatus.objects.get(region__slug="gouda", milestone__key="handelingsprotocol")
    assert gouda.status == "partial" and gouda.expected_text == "Voorjaar 2011"
    assert "convenanten CJG" in gouda.note
    # One record for a new programme, not one per row.
    assert ChangeRecord.objects.filter(programme=demo).count() == 1


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_round_trip_gives_identical_files(demo, tmp_path, fmt, django_db_blocker):
    export(fmt, tmp_path / "first")
    Programme.objects.all().delete()
    source = tmp_path / "first"
    path = source if fmt == "csv" else next(source.iterdir())
    call_command("import", "programme", str(path), stdout=StringIO())
    export(fmt, tmp_path / "second")
    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()}
    assert first == second
    assert summarise(Round.objects.get()).regions == 37


def test_json_export_equals_the_shipped_demo_file(demo, tmp_path):
    export("json", tmp_path)
    assert json.loads((tmp_path / "raak-2008-2010.json").read_text()) == json.loads(
        DEMO_FILE.read_text()
    )


def test_one_broken_row_changes_nothing_and_names_the_row(demo, tmp_path):
    export("csv", tmp_path)
    path = tmp_path / "milestone_statuses.csv"
    rows = list(csv.DictReader(path.open()))
    # Row 5 of the file (4th data row) gets a period nobody can parse; row 9 a bad status.
    rows[3].update(status="expected", expected="ooit")
    rows[7]["status"] = "klaar"
    rows[0]["note"] = "a harmless change that must not be saved either"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    # Reopen the round so the only problems are the two broken rows.
    Round.objects.update(state=Round.OPEN)
    rounds = tmp_path / "rounds.csv"
    rounds.write_text(rounds.read_text().replace("published", "open"))
    before = snapshot()
    with pytest.raises(CommandError) as e:
        call_command("import", "programme", str(tmp_path), stdout=StringIO())
    message = str(e.value)
    assert "Niets geïmporteerd: 2" in message
    assert "milestone_statuses.csv, rij 5, kolom expected: “ooit” is geen periode" in message
    assert "milestone_statuses.csv, rij 9, kolom status: “klaar” is geen status" in message
    assert snapshot() == before


def test_bad_rows_in_json_name_their_place(demo, tmp_path):
    doc = json.loads(DEMO_FILE.read_text())
    doc["programme"]["slug"] = "other"
    doc["regions"][2]["centrumgemeente_code"] = "0307"
    doc["rounds"][0]["indicator_values"][1]["category"] = "misschien"
    doc["rounds"][0]["milestone_statuses"][0]["region"] = "atlantis"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(tables.FormatError) as e:
        import_programme(tables.read(path))
    found = {(p.row, p.column) for p in e.value.problems}
    assert ("regions[2]", "centrumgemeente_code") in found
    assert ("rounds[0].indicator_values[1]", "category") in found
    assert ("rounds[0].milestone_statuses[0]", "region") in found
    assert not Programme.objects.filter(slug="other").exists()


def test_unknown_column_and_file_are_reported(db, tmp_path):
    (tmp_path / "regions.csv").write_text("slug,name,colour\nx,X,red\n")
    with pytest.raises(tables.FormatError, match="kolom colour: onbekende kolom"):
        tables.read(tmp_path / "regions.csv")
    (tmp_path / "cities.csv").write_text("slug\n")
    with pytest.raises(tables.FormatError, match="onbekende tabel"):
        tables.read(tmp_path / "cities.csv")
    with pytest.raises(tables.FormatError, match="geen geldige JSON"):
        (tmp_path / "x.json").write_text("{")
        tables.read(tmp_path / "x.json")


def test_update_one_round_from_a_single_csv(demo, tmp_path):
    Round.objects.update(state=Round.OPEN)
    path = tmp_path / "milestone_statuses.csv"
    path.write_text(
        "round,region,milestone,status,expected,note\n"
        "eindrapportage-2011,nijmegen,werkplan,done,,vastgesteld\n"
    )
    call_command("import", "programme", str(path), stdout=StringIO())
    status = MilestoneStatus.objects.get(region__slug="nijmegen", milestone__key="werkplan")
    assert (status.status, status.expected_text, status.version) == ("done", "", 2)
    record = ChangeRecord.objects.get(field="status", region__slug="nijmegen")
    assert (record.old, record.new, record.actor) == ("expected", "done", f"import: {path}")


def test_closing_a_round_freezes_its_statuses(demo, tmp_path):
    rnd = Round.objects.get()
    assert rnd.state == Round.PUBLISHED and not rnd.is_open
    path = tmp_path / "milestone_statuses.csv"
    path.write_text(
        "round,region,milestone,status,expected,note\n"
        "eindrapportage-2011,nijmegen,werkplan,done,,\n"
    )
    before = snapshot()
    with pytest.raises(tables.FormatError, match="is gesloten"):
        import_programme(tables.read(path), programme_slug="raak-2008-2010")
    assert snapshot() == before
    # Re-importing the unchanged demo file is fine: nothing changes.
    import_programme(tables.read(DEMO_FILE))
    assert snapshot() == before


def test_a_round_cannot_go_back_from_published(demo, tmp_path):
    path = tmp_path / "rounds.csv"
    path.write_text("slug,name,peildatum,state\neindrapportage-2011,X,2011-01-15,open\n")
    with pytest.raises(tables.FormatError, match="terugzetten kan niet"):
        import_programme(tables.read(path), programme_slug="raak-2008-2010")


SPLIT = {
    "format": "raak-programme/1",
    "programme": {"slug": "split", "name": "Split", "period_start": "2010-01-01",
                  "period_end": "2012-12-31", "description": "", "source": "fictieve gegevens"},
    "milestones": [{"key": "plan", "name": "Plan", "description": ""}],
    "indicators": [],
    "regions": [
        {"slug": "limburg-noord", "name": "Noord-Limburg", "valid_to": "2010-12-31",
         "municipalities": [{"code": "GM0983", "name": "Venlo"}, {"code": "GM0957", "name": "Roermond"}]},
        {"slug": "venlo", "name": "Venlo", "valid_from": "2011-01-01", "predecessors": ["limburg-noord"],
         "municipalities": [{"code": "GM0983", "name": "Venlo"}]},
        {"slug": "roermond", "name": "Roermond", "valid_from": "2011-01-01", "predecessors": ["limburg-noord"],
         "municipalities": [{"code": "GM0957", "name": "Roermond"}]},
    ],
    "rounds": [
        {"slug": "r2010", "name": "2010", "peildatum": "2010-06-30", "state": "closed",
         "milestone_statuses": [{"region": "limburg-noord", "milestone": "plan", "status": "done"}]},
        {"slug": "r2011", "name": "2011", "peildatum": "2011-06-30", "state": "open",
         "milestone_statuses": [{"region": "venlo", "milestone": "plan", "status": "done"},
                                {"region": "roermond", "milestone": "plan", "status": "expected",
                                 "expected": "eind 2011"}]},
    ],
}  # fmt: skip


def test_a_region_split_keeps_history(db, tmp_path):
    path = tmp_path / "split.json"
    path.write_text(json.dumps(SPLIT))
    programme = import_programme(tables.read(path)).programme
    r2010, r2011 = programme.rounds.order_by("peildatum")
    old = programme.regions.get(slug="limburg-noord")
    assert summarise(r2010).regions == 1
    assert summarise(r2011).regions == 2
    assert sorted(r.slug for r in old.successors.all()) == ["roermond", "venlo"]
    # The old region's status in the old round is still there.
    assert MilestoneStatus.objects.get(round=r2010, region=old).status == "done"
    plan = next(i for i in summarise(r2011).items if i.key == "plan")
    assert plan.category("done").count == 1 and plan.category("expected").count == 1


def test_a_status_for_a_region_that_does_not_exist_yet_is_refused(db, tmp_path):
    doc = json.loads(json.dumps(SPLIT))
    doc["rounds"][0]["milestone_statuses"].append(
        {"region": "venlo", "milestone": "plan", "status": "done"}
    )
    path = tmp_path / "split.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(tables.FormatError, match="bestaat niet op de peildatum"):
        import_programme(tables.read(path))


def test_a_municipality_in_two_regions_at_once_is_refused(db, tmp_path):
    doc = json.loads(json.dumps(SPLIT))
    doc["regions"][2]["municipalities"].append({"code": "GM0983", "name": "Venlo"})
    path = tmp_path / "split.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(tables.FormatError, match="GM0983 hoort in dezelfde periode ook bij"):
        import_programme(tables.read(path))


def test_xlsx_with_a_bad_date_names_sheet_row_and_column(demo, tmp_path):
    import openpyxl

    export("xlsx", tmp_path)
    path = tmp_path / "raak-2008-2010.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["rounds"]["C2"] = "15 januari"
    wb.save(path)
    with pytest.raises(tables.FormatError) as e:
        import_programme(tables.read(path))
    assert str(e.value.problems[0]).startswith("raak-2008-2010.xlsx:rounds, rij 2, kolom peildatum")


def test_demo_file_is_not_python(tmp_path):
    # The demo data ships in the import format, so it can be read without RAAK's code.
    doc = json.loads(DEMO_FILE.read_text())
    assert doc["format"] == "raak-programme/1"
    assert len(doc["regions"]) == 37
    shutil.copy(DEMO_FILE, tmp_path / "copy.json")
    assert Path(tmp_path / "copy.json").stat().st_size > 10_000
