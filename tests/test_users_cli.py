"""`raak users`: list, add, deactivate and import, all or nothing, over real SMTP."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from raak.accounts.invitations import Invitation
from raak.accounts.models import Role, SecurityEvent
from raak.programmes.models import ChangeRecord
from tests import mailserver
from tests.mailserver import body, invitation_link, run_worker

smtp = mailserver.smtp  # the fixture: a real SMTP server for this module
P = "raak-2008-2010"


def users(*args):
    out = io.StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def team(people):
    people["coord_a"].email = "coord.a@example.org"
    people["coord_a"].first_name = "Anna Gouda"
    people["coord_a"].save()
    # Text a spreadsheet would run as a formula.
    people["viewer_a"].first_name = '=HYPERLINK("http://x")'
    people["viewer_a"].save()
    TOTPDevice.objects.create(user=people["national"], name="telefoon", confirmed=True)
    return people


def test_list_in_three_formats(team):
    rows = json.loads(users("list", "--programme", P, "--format", "json"))
    by_user = {r["username"]: r for r in rows}
    assert by_user["coord-a"] == {
        "username": "coord-a", "name": "Anna Gouda", "email": "coord.a@example.org",
        "role": "coordinator", "region": "gouda", "active": True, "two_factor": False,
    }  # fmt: skip
    assert by_user["national"]["role"] == "national" and by_user["national"]["region"] == ""
    assert by_user["national"]["two_factor"] is True
    assert set(by_user) == {"coord-a", "coord-b", "viewer-a", "national"}
    table = list(csv.reader(io.StringIO(users("list", "--programme", P, "--format", "csv"))))
    assert table[0] == ["username", "name", "email", "role", "region", "active", "two_factor"]
    viewer = next(r for r in table if r[0] == "viewer-a")
    assert viewer[1] == '\'=HYPERLINK("http://x")' and viewer[5] == "yes"
    text = users("list", "--programme", P)
    assert "coord.a@example.org" in text and text.splitlines()[0].startswith("username")
    assert SecurityEvent.objects.filter(event="personal-data-read", programme__slug=P).count() == 3
    with pytest.raises(CommandError, match="bestaat niet"):
        users("list", "--programme", "atlantis")


def test_add_sends_the_invitation_like_the_browser(team, smtp, settings):
    settings.SITE_URL = "https://raak.example.org"
    out = users("add", "--programme", P, "--email", "Adviseur@Example.org", "--role", "advisor",
                "--region", "gouda", "leiden", "--name", "Ada Adviseur")  # fmt: skip
    assert "klaargezet" in out
    inv = Invitation.objects.get()
    assert sorted(r.slug for r in inv.regions.all()) == ["gouda", "leiden"]
    run_worker()
    [message] = smtp.to("adviseur@example.org")
    link = invitation_link(message)
    assert link.startswith("https://raak.example.org/uitnodiging/")
    assert "Beste Ada Adviseur" in body(message)
    path = link.removeprefix("https://raak.example.org")
    response = Client().post(path, {"username": "ada", "name": "Ada Adviseur",
                                    "password1": "Lang-en-uniek-42", "password2": "Lang-en-uniek-42"})  # fmt: skip
    assert response.status_code == 302
    assert Role.objects.filter(user__username="ada", kind="advisor").count() == 2
    assert ChangeRecord.objects.filter(actor__startswith="raak users (").exists()
    assert SecurityEvent.objects.filter(
        event="user-invited", username__startswith="raak users"
    ).exists()
    with pytest.raises(CommandError, match="precies één regio"):
        users("add", "--programme", P, "--email", "x@example.org", "--role", "coordinator")
    with pytest.raises(CommandError, match="atlantis"):
        users("add", "--programme", P, "--email", "x@example.org", "--role", "viewer",
              "--region", "atlantis")  # fmt: skip
    assert Invitation.objects.count() == 1


def test_deactivate(team):
    out = users("deactivate", "--programme", P, "--email", "COORD.A@example.org")
    assert "uitgeschakeld" in out
    team["coord_a"].refresh_from_db()
    assert not team["coord_a"].is_active
    assert SecurityEvent.objects.filter(
        event="user-deactivated", details__target="coord-a"
    ).exists()
    with pytest.raises(CommandError, match="al uitgeschakeld"):
        users("deactivate", "--programme", P, "--email", "coord.a@example.org")
    with pytest.raises(CommandError, match="Niemand"):
        users("deactivate", "--programme", P, "--email", "niemand@example.org")


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["email", "name", "role", "region"])
        w.writerows(rows)
    return path


GOOD = [
    ["nieuw.amsterdam@example.org", "Nieuwe Coördinator", "coordinator", "amsterdam"],
    ["adviseur@example.org", "Ada", "advisor", "gouda;leiden;delft"],
    ["landelijk2@example.org", "", "national", ""],
    ["coord.a@example.org", "Anna", "coordinator", "gouda"],  # has this role: unchanged
]


def test_import_csv_all_or_nothing(team, smtp, tmp_path):
    bad = write_csv(tmp_path / "mensen.csv", GOOD[:2] + [["geen-adres", "X", "viewer", "gouda"]]
                    + [["y@example.org", "Y", "viewer", "atlantis"]])  # fmt: skip
    with pytest.raises(CommandError) as e:
        users("import", "--programme", P, str(bad))
    message = str(e.value)
    assert "mensen.csv, rij 4, kolom email" in message and "geen-adres" in message
    assert "mensen.csv, rij 5, kolom region" in message and "atlantis" in message
    assert not Invitation.objects.exists()
    wrong_kind = write_csv(tmp_path / "b.csv", [["z@example.org", "", "baas", ""]])
    with pytest.raises(CommandError, match="rij 2, kolom role: onbekende rol"):
        users("import", "--programme", P, str(wrong_kind))
    twice = write_csv(tmp_path / "c.csv", [GOOD[0], GOOD[0]])
    with pytest.raises(CommandError, match="rij 3, kolom email: staat al in rij 2"):
        users("import", "--programme", P, str(twice))
    assert (
        not Invitation.objects.exists()
        and not ChangeRecord.objects.filter(subject__startswith="uitnodiging").exists()
    )

    out = users("import", "--programme", P, str(write_csv(tmp_path / "goed.csv", GOOD)))
    assert "3 uitnodiging(en) klaargezet, 1 rij(en) ongewijzigd" in out
    run_worker()
    assert sorted(a for m in smtp.messages for a in m.envelope_to) == [
        "adviseur@example.org", "landelijk2@example.org", "nieuw.amsterdam@example.org"]  # fmt: skip
    # Again: the open invitations are named, nothing changes.
    with pytest.raises(CommandError, match="rij 2, kolom email: voor dit adres staat al"):
        users("import", "--programme", P, str(tmp_path / "goed.csv"))
    assert Invitation.objects.count() == 3


def test_import_xlsx(team, smtp, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "mensen"
    ws.append(["email", "name", "role", "region"])
    ws.append(GOOD[0])
    ws.append(["v@example.org", "Vera", "viewer", "gouda"])
    ws.append(["w@example.org", "Wim", "officer", "gouda;leiden"])
    wb.save(tmp_path / "mensen.xlsx")
    with pytest.raises(
        CommandError, match=r"mensen.xlsx:mensen, rij 4, kolom region: Kies precies"
    ):
        users("import", "--programme", P, str(tmp_path / "mensen.xlsx"))
    assert not Invitation.objects.exists()
    ws.delete_rows(4)
    wb.save(tmp_path / "mensen.xlsx")
    assert "2 uitnodiging(en)" in users("import", "--programme", P, str(tmp_path / "mensen.xlsx"))
    run_worker()
    assert len(smtp.messages) == 2


def test_import_refuses_unreadable_and_oversized_files(team, tmp_path):
    (tmp_path / "x.txt").write_text("email\n")
    with pytest.raises(CommandError, match="onbekend formaat"):
        users("import", "--programme", P, str(tmp_path / "x.txt"))
    (tmp_path / "kapot.xlsx").write_bytes(b"geen zip")
    with pytest.raises(CommandError, match="geen leesbaar XLSX"):
        users("import", "--programme", P, str(tmp_path / "kapot.xlsx"))
    # A small file that unpacks to more than the cap (a zip bomb) is refused unread.
    with zipfile.ZipFile(tmp_path / "bom.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    assert (tmp_path / "bom.xlsx").stat().st_size < 1024 * 1024
    with pytest.raises(CommandError, match="zip-bom"):
        users("import", "--programme", P, str(tmp_path / "bom.xlsx"))
    (tmp_path / "kop.csv").write_text("email,rol\nx@example.org,viewer\n", encoding="utf-8")
    with pytest.raises(CommandError, match="kolom rol: onbekende kolom"):
        users("import", "--programme", P, str(tmp_path / "kop.csv"))
    assert not Invitation.objects.exists()


def test_demo_accounts_have_example_org_addresses(demo):
    from raak.accounts.demo import create_demo_users

    create_demo_users(demo)
    rows = json.loads(users("list", "--programme", P, "--format", "json"))
    assert len(rows) == 39  # landelijk, 37 coordinators, meelezer-alkmaar
    assert all(r["email"] == f"{r['username']}@example.org" for r in rows)


def test_import_refuses_entity_expansion(team, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["email", "name", "role", "region"])
    wb.save(tmp_path / "plain.xlsx")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
            for i in range(1, 10)
        )
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    with (
        zipfile.ZipFile(tmp_path / "plain.xlsx") as src,
        zipfile.ZipFile(tmp_path / "lol.xlsx", "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, laughs if item.filename == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(CommandError, match="lol.xlsx: geen leesbaar XLSX-bestand"):
        users("import", "--programme", P, str(tmp_path / "lol.xlsx"))
    assert not Invitation.objects.exists()
