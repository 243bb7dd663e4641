"""Exports, downloads and reads of personal or unpublished data reach the security log,
with identifiers only."""

from datetime import date
from io import StringIO

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client

from raak.accounts.models import SecurityEvent
from raak.network.models import Institution, Officer
from raak.programmes.models import EvidenceDocument, MilestoneStatus
from tests.conftest import sign_in

P = "/raak-2008-2010"


def last(event):
    return SecurityEvent.objects.filter(event=event).order_by("-id").first()


def test_forecast_export_is_logged(people):
    c = sign_in(Client(), people["coord_a"])
    assert c.get(f"{P}/verwacht.csv").status_code == 200
    row = last("export")
    assert row.username == "coord-a" and row.details["what"] == "forecast"
    assert row.details["format"] == "csv" and row.programme.slug == "raak-2008-2010"
    Client().get(f"{P}/verwacht.xlsx")
    assert last("export").username == "" and last("export").details["format"] == "xlsx"


def test_document_download_is_logged(people, open_round):
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="handelingsprotocol"
    )
    doc = EvidenceDocument(status=status, original_name="plan.pdf", content_type="application/pdf",
                           size=9, sha256="y" * 64)  # fmt: skip
    doc.file.save("y" * 64, ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    assert Client().get(f"{P}/document/{doc.id}/").status_code == 404
    assert last("download") is None  # refused: nothing read
    r = sign_in(Client(), people["coord_a"]).get(f"{P}/document/{doc.id}/")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    row = last("download")
    assert row.details == {"what": "evidence", "document": doc.id, "region": "gouda",
                           "round": "voorjaar-2011"}  # fmt: skip
    assert "plan.pdf" not in str(row.details)


def test_officer_names_read_is_logged_without_the_names(people):
    gouda = people["coord_a"].roles.get().region
    school = Institution.objects.create(region=gouda, name="School", sector="onderwijs")
    Officer.objects.create(institution=school, name="Anna de Vries", consent_on=date(2011, 1, 1))
    Client().get(f"{P}/netwerk/gouda/")
    sign_in(Client(), people["coord_b"]).get(f"{P}/netwerk/gouda/")
    assert last("personal-data-read") is None  # outsiders see no names
    sign_in(Client(), people["coord_a"]).get(f"{P}/netwerk/gouda/")
    row = last("personal-data-read")
    assert row.username == "coord-a" and row.details == {"what": "officers", "region": "gouda"}
    assert "Anna" not in str(row.details) and "Anna" not in row.path


def test_cli_exports_are_logged(people, tmp_path):
    call_command("export", "network", "--format", "csv", "--output", str(tmp_path),
                 "--include-personal-data", stdout=StringIO())  # fmt: skip
    row = last("export")
    assert row.username.startswith("cli:") and row.details["what"] == "network"
    assert row.details["personal_data"] is True and row.details["via"] == "cli"
