"""Editing: forms validate server-side and save nothing on bad input; two people
never silently overwrite each other; every change is recorded and shown."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from raak.programmes.models import (
    ChangeRecord,
    EvidenceDocument,
    IndicatorValue,
    MilestoneStatus,
    Round,
)
from tests.conftest import sign_in

P = "/raak-2008-2010"
R2 = "voorjaar-2011"
STATUS_URL = f"{P}/ronde/{R2}/regio/gouda/mijlpaal/handelingsprotocol/"
INDICATOR_URL = f"{P}/ronde/{R2}/regio/gouda/indicator/regiocoordinator-na-2010/"


def client_for(user):
    c = Client()
    sign_in(c, user)
    return c


def gouda_status(rnd):
    return MilestoneStatus.objects.get(
        round=rnd, region__slug="gouda", milestone__key="handelingsprotocol"
    )


def state(rnd):
    s = gouda_status(rnd)
    return (s.status, s.expected_text, s.note, s.version, ChangeRecord.objects.count(),
            EvidenceDocument.objects.count())  # fmt: skip


def docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_coordinator_saves_a_status_and_it_is_recorded(people, open_round):
    c = client_for(people["coord_a"])
    form = c.get(STATUS_URL)
    assert form.status_code == 200
    assert form.context["form"].initial["status"] == "partial"  # carried over from round 1
    response = c.post(STATUS_URL, {"status": "done", "expected": "", "note": "Meldcode vastgesteld",
                                   "version": 1})  # fmt: skip
    assert response.status_code == 302
    s = gouda_status(open_round)
    assert (s.status, s.expected_text, s.expected_latest, s.version) == ("done", "", None, 2)
    assert s.updated_by == people["coord_a"]
    changes = {
        (r.field, r.old, r.new)
        for r in ChangeRecord.objects.filter(region__slug="gouda", round=open_round)
    }
    assert ("status", "partial", "done") in changes
    assert ("expected_text", "Voorjaar 2011", "") in changes
    page = c.get(f"{P}/regio/gouda/").content.decode()
    assert "Meldcode vastgesteld" in page and "coord-a" in page
    assert "<td>gedeeltelijk</td><td>gereed en/of in uitvoering</td>" in page


def test_expected_period_is_normalised_and_slips_are_shown(people, open_round):
    c = client_for(people["coord_a"])
    c.post(STATUS_URL, {"status": "partial", "expected": "2e helft 2011", "note": "", "version": 1})
    s = gouda_status(open_round)
    assert (s.expected_text, str(s.expected_earliest), str(s.expected_latest)) == (
        "2e helft 2011", "2011-07-01", "2011-12-31")  # fmt: skip
    page = c.get(f"{P}/regio/gouda/").content.decode()
    assert "verschoven, was Voorjaar 2011" in page


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"status": "expected", "expected": ""}, "expected", "hoort een verwachte periode"),
        ({"status": "expected", "expected": "ooit"}, "expected", "1e kwartaal 2011"),
        ({"status": "done", "expected": "Maart 2011"}, "expected", "maak het veld leeg"),
        ({"status": "klaar", "expected": ""}, "status", "geen beschikbare keuze"),
        ({"status": "done", "expected": "", "version": "x"}, "version", "geheel getal"),
        ({"status": "done", "expected": "", "note": "x" * 4001}, "note", "4000"),
    ],
)
def test_bad_status_input_gets_a_message_and_saves_nothing(
    people, open_round, data, field, message
):
    c = client_for(people["coord_a"])
    before = state(open_round)
    response = c.post(STATUS_URL, {"note": "", "version": 1, **data})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    if field != "version":
        assert "Niet opgeslagen" in response.content.decode()
    assert state(open_round) == before


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("plan.pdf", b"this is not a pdf", "geen PDF-, DOCX- of ODT-document"),
        ("plan.docx", b"PK\x03\x04broken", "geen PDF-, DOCX- of ODT-document"),
        ("plan.exe", b"MZ\x90\x00", "geen PDF-, DOCX- of ODT-document"),
    ],
)
def test_bad_documents_are_refused(people, open_round, name, content, message):
    c = client_for(people["coord_a"])
    before = state(open_round)
    response = c.post(STATUS_URL, {"status": "done", "expected": "", "note": "", "version": 1,
                                   "document": SimpleUploadedFile(name, content)})  # fmt: skip
    assert message in " ".join(response.context["form"].errors["document"])
    assert state(open_round) == before


def test_oversized_document_is_refused(people, open_round, settings):
    settings.UPLOAD_MAX_BYTES = 100
    c = client_for(people["coord_a"])
    before = state(open_round)
    response = c.post(STATUS_URL, {"status": "done", "expected": "", "note": "", "version": 1,
                                   "document": SimpleUploadedFile("plan.pdf", b"%PDF-" + b"0" * 200)})  # fmt: skip
    assert "het maximum is" in " ".join(response.context["form"].errors["document"])
    assert state(open_round) == before


def test_good_documents_are_stored_by_content(people, open_round, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    c = client_for(people["coord_a"])
    data = docx_bytes()  # once: the ZIP carries the time it was made
    c.post(STATUS_URL, {"status": "done", "expected": "", "note": "", "version": 1,
                        "document": SimpleUploadedFile("werkplan.docx", data)})  # fmt: skip
    doc = EvidenceDocument.objects.get()
    assert doc.original_name == "werkplan.docx"
    assert doc.content_type.endswith("wordprocessingml.document")
    assert "werkplan" not in doc.file.name  # stored under its hash, not its name
    download = c.get(f"{P}/document/{doc.id}/")
    assert b"".join(download) == data


def _version_in(html):
    return int(re.search(rb'name="version" value="(\d+)"', html).group(1))


def test_two_people_editing_at_once_never_overwrite_silently(people, open_round):
    first, second = client_for(people["coord_a"]), client_for(people["national"])
    # Read from the page, as a browser sends it back: the second person's empty form
    # comes from the members' fragment cache, drawn for the first.
    v1, v2 = (_version_in(c.get(STATUS_URL).content) for c in (first, second))
    assert v1 == v2 == 1
    ok = first.post(STATUS_URL, {"status": "done", "expected": "", "note": "eerste", "version": v1})
    assert ok.status_code == 302
    clash = second.post(
        STATUS_URL, {"status": "expected", "expected": "2012", "note": "tweede", "version": v2}
    )
    assert clash.status_code == 200
    body = clash.content.decode()
    assert "iemand anders heeft dit intussen gewijzigd" in body
    assert "coord-a" in body and "eerste" in body
    s = gouda_status(open_round)
    assert (s.status, s.note, s.version) == ("done", "eerste", 2)
    # The second person's input is kept, now based on the stored version:
    # saving again is a deliberate overwrite.
    assert clash.context["form"].data["note"] == "tweede"
    assert clash.context["form"].data["version"] == 2
    again = second.post(STATUS_URL, dict(clash.context["form"].data.items()))
    assert again.status_code == 302
    assert gouda_status(open_round).note == "tweede"


def test_a_closed_round_cannot_be_edited(people, open_round):
    c = client_for(people["coord_a"])
    Round.objects.filter(pk=open_round.pk).update(state=Round.CLOSED)
    before = state(open_round)
    response = c.post(STATUS_URL, {"status": "done", "expected": "", "note": "", "version": 1})
    assert response.status_code == 403
    assert "gesloten" in response.content.decode()
    assert state(open_round) == before


def test_indicator_form(people, open_round):
    c = client_for(people["coord_a"])
    value = IndicatorValue.objects.get(
        round=open_round, region__slug="gouda", indicator__key="regiocoordinator-na-2010"
    )
    before = (value.category_id, value.date, ChangeRecord.objects.count())
    bad = c.post(
        INDICATOR_URL,
        {"category": "no", "date": "31-12-2011", "note": "", "version": value.version},
    )
    assert "geen datum" in " ".join(bad.context["form"].errors["date"])
    bad = c.post(
        INDICATOR_URL,
        {"category": "yes", "date": "eind 2011", "note": "", "version": value.version},
    )
    assert "date" in bad.context["form"].errors
    bad = c.post(
        INDICATOR_URL, {"category": "misschien", "date": "", "note": "", "version": value.version}
    )
    assert "category" in bad.context["form"].errors
    value.refresh_from_db()
    assert (value.category_id, value.date, ChangeRecord.objects.count()) == before
    ok = c.post(
        INDICATOR_URL,
        {"category": "yes", "date": "30-06-2012", "note": "verlengd", "version": value.version},
    )
    assert ok.status_code == 302
    value.refresh_from_db()
    assert (value.category.key, str(value.date), value.version) == ("yes", "2012-06-30", 2)
    assert ChangeRecord.objects.filter(field="date", old="2011-12-31", new="2012-06-30").exists()


def test_rounds_page_opens_closes_and_publishes(people, demo):
    c = client_for(people["national"])
    bad = c.post(f"{P}/rondes/", {"name": "", "slug": "Niet Goed!", "peildatum": "01-01-2010"})
    errors = bad.context["form"].errors
    assert set(errors) == {"name", "slug", "peildatum", "opens_on", "closes_on"}
    assert "na die van de laatste ronde (15-01-2011)" in errors["peildatum"][0]
    assert demo.rounds.count() == 1
    dup = c.post(
        f"{P}/rondes/", {"name": "X", "slug": "eindrapportage-2011", "peildatum": "01-06-2011"}
    )
    assert "al een ronde" in dup.context["form"].errors["slug"][0]
    ok = c.post(
        f"{P}/rondes/",
        {"name": "Juni 2011", "slug": "juni-2011", "peildatum": "01-06-2011",
         "opens_on": "01-05-2011", "closes_on": "15-06-2011"},
    )  # fmt: skip
    assert ok.status_code == 302
    rnd = demo.rounds.get(slug="juni-2011")
    assert rnd.state == "open"
    assert MilestoneStatus.objects.filter(round=rnd).count() == 37 * 7  # copied from round 1
    assert c.post(f"{P}/rondes/juni-2011/status/", {"state": "published"}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.state == "open"  # open -> published skips a step: refused
    # Closing goes through its confirmation page.
    assert c.post(f"{P}/rondes/juni-2011/status/", {"state": "closed"})["Location"] == (
        f"{P}/rondes/juni-2011/sluiten/"
    )
    assert c.post(f"{P}/rondes/juni-2011/sluiten/").status_code == 403
    rnd.refresh_from_db()
    assert rnd.state == "open"
    c.post(f"{P}/rondes/juni-2011/sluiten/", {"confirm": "1"})
    # Publishing goes through the confirmation page.
    assert c.post(f"{P}/rondes/juni-2011/status/", {"state": "published"})["Location"] == (
        f"{P}/rondes/juni-2011/publiceren/"
    )
    assert c.post(f"{P}/rondes/juni-2011/publiceren/").status_code == 403
    rnd.refresh_from_db()
    assert rnd.state == "closed"
    # Nobody submitted in this round: a second tick is needed.
    c.post(f"{P}/rondes/juni-2011/publiceren/", {"confirm": "1"})
    rnd.refresh_from_db()
    assert rnd.state == "closed"
    c.post(f"{P}/rondes/juni-2011/publiceren/", {"confirm": "1", "confirm_empty": "1"})
    rnd.refresh_from_db()
    assert rnd.state == "published"
    assert ChangeRecord.objects.filter(
        subject="ronde juni-2011", field="state", new="published"
    ).exists()


def test_two_people_editing_an_indicator(people, open_round):
    first, second = client_for(people["coord_a"]), client_for(people["national"])
    version = first.get(INDICATOR_URL).context["form"].initial["version"]
    first.post(INDICATOR_URL, {"category": "no", "date": "", "note": "", "version": version})
    clash = second.post(
        INDICATOR_URL, {"category": "delegated", "date": "", "note": "", "version": version}
    )
    assert "iemand anders heeft dit intussen gewijzigd" in clash.content.decode()
    assert "<strong>Nee</strong>" in clash.content.decode()
    value = IndicatorValue.objects.get(
        round=open_round, region__slug="gouda", indicator__key="regiocoordinator-na-2010"
    )
    assert value.category.key == "no"
