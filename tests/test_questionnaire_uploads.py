"""The national office's uploads in the browser: a questionnaire (XLSForm), responses;
the XLSForm download. Access for everyone else."""

import csv
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from raak.programmes.status import open_round
from raak.questionnaires import exchange
from raak.questionnaires.models import Questionnaire, Response
from tests.conftest import sign_in
from tests.test_xlsform import DATA, SURVEY, workbook

P = "/raak-2008-2010"
WHO = ["anonymous", "coord_a", "coord_b", "viewer_a", "national"]


@pytest.fixture
def clients(people):
    out = {"anonymous": Client()}
    for name in WHO[1:]:
        out[name] = Client()
        sign_in(out[name], people[name])
    return out


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_only_the_national_office_uploads_and_downloads(demo, clients, tmp_path):
    exchange.load(DATA, publish=True)
    form = workbook(tmp_path / "form.xlsx")
    urls = [f"{P}/vragenlijsten/importeren/", f"{P}/vragenlijsten/test-vragenlijst/antwoorden-importeren/",
            f"{P}/vragenlijsten/test-vragenlijst/xlsform.xlsx"]  # fmt: skip
    for url in urls:
        for who, status in (
            ("anonymous", 302),
            ("coord_a", 403),
            ("coord_b", 403),
            ("viewer_a", 403),
        ):
            assert clients[who].get(url).status_code == status, (url, who)
            assert clients[who].post(url, {"file": upload(form)}).status_code == status, (url, who)
        assert clients["national"].get(url).status_code == 200
    assert not Questionnaire.objects.filter(slug="test-formulier").exists()


def test_an_xlsform_upload_lists_skipped_rows(demo, clients, tmp_path):
    path = workbook(
        tmp_path / "form.xlsx", survey=[*SURVEY[:3], ["geopoint", "plek", "Waar?"], *SURVEY[3:]]
    )
    url = f"{P}/vragenlijsten/importeren/"
    page = clients["national"].post(url, {"file": upload(path)})
    assert page.status_code == 400
    assert (
        "form.xlsx:survey, rij 5, kolom type: “plek”: geopoint wordt niet ondersteund"
        in page.content.decode()
    )
    assert not Questionnaire.objects.filter(slug="test-formulier").exists()
    page = clients["national"].post(url, {"file": upload(path), "skip_unsupported": "on"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 rij overgeslagen" in text and "rij 5, kolom type: “plek”: geopoint" in text
    version = Questionnaire.objects.get(slug="test-formulier").versions.get()
    assert not version.published and "plek" not in set(
        version.questions.values_list("key", flat=True)
    )
    # Not a workbook at all, or the wrong kind of file: a message, never a 500.
    bad = tmp_path / "kapot.xlsx"
    bad.write_bytes(b"PK\x03\x04 kapot")
    assert (
        "geen leesbaar XLSX-bestand"
        in clients["national"].post(url, {"file": upload(bad)}).content.decode()
    )
    page = clients["national"].post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert (
        page.status_code == 400
        and "Kies een bestand van het type .xlsx, .json." in page.content.decode()
    )


def test_a_responses_upload_is_all_or_nothing(demo, people, clients, tmp_path):
    version = exchange.load(DATA, publish=True)
    open_round(
        demo, slug="start", name="Start", peildatum=date(2011, 3, 1), user=people["national"]
    )
    url = f"{P}/vragenlijsten/test-vragenlijst/antwoorden-importeren/"
    path = tmp_path / "antwoorden.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["region", "voorlichting", "calamiteitenplan", "aantal", "soort", "sinds"])
        w.writerow(["gouda", "all", "yes", "12", "eigen", "01-02-2010"])
        w.writerow(["leiden", "some", "no", "101", "landelijk", ""])
    page = clients["national"].post(url, {"file": upload(path), "round": "start"})
    assert page.status_code == 400
    assert (
        "antwoorden.csv, rij 3, kolom aantal: Het grootste toegestane getal is 100."
        in page.content.decode()
    )
    assert not Response.objects.exists()
    path.write_text(path.read_text().replace(",101,", ",10,"))
    page = clients["national"].post(url, {"file": upload(path), "round": "start"})
    assert (
        page.status_code == 200 and "Antwoorden van 2 regio’s geïmporteerd" in page.content.decode()
    )
    assert Response.objects.filter(version=version, state=Response.SUBMITTED).count() == 2
    page = clients["national"].post(url, {"file": upload(path), "round": "nergens"})
    assert page.status_code == 400


def test_the_xlsform_download(demo, clients):
    exchange.load(DATA, publish=True)
    response = clients["national"].get(f"{P}/vragenlijsten/test-vragenlijst/xlsform.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert 'filename="test-vragenlijst-v1-xlsform.xlsx"' in response["Content-Disposition"]
