"""Year two: a programme run round after round. Closing after a look at who has not
been accepted, reopening with a reason (never a published round), publishing with the
submission states and the public note for regions that did not submit; questionnaires
chosen per round, retired, reopened by a return, prefilled from the previous round.
The scenario test crosses reopening with reminders, frozen submissions and caches."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from raak.cycle import reminders, submissions
from raak.programmes import round_forms
from raak.programmes import status as status_service
from raak.programmes.models import ChangeRecord, MilestoneStatus, Round
from raak.questionnaires import exchange
from raak.questionnaires.models import Questionnaire, Response
from tests.conftest import sign_in

P = "/raak-2008-2010"
Q = "test-vragenlijst"
QDIR = Path(__file__).parent / "data" / "test-questionnaire"


@pytest.fixture
def year(people, demo):
    """The demo programme (its imported round asks no questionnaire), the test
    questionnaire published, and round 2 opened asking it, with a calendar."""
    exchange.load(QDIR, publish=True)
    # Without the demo's validation rules, as conftest's open_round: they would block
    # every submission here (test_rules*.py test them).
    demo.rules.all().delete()
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save()
    today = timezone.localdate()
    rnd = status_service.open_round(
        demo, slug="ronde-2", name="Ronde 2", peildatum=today, user=people["national"],
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=5), forms=[Q],
    )  # fmt: skip
    clients = {name: sign_in(Client(), user) for name, user in people.items()}
    clients["anonymous"] = Client()
    return rnd, people, clients


def save_status(rnd, region, user, note):
    s = MilestoneStatus.objects.get(round=rnd, region=region, milestone__key="handelingsprotocol")
    return status_service.save_milestone_status(
        rnd, region, s.milestone, user=user, expected_version=s.version, status="done",
        period=None, note=note,
    )  # fmt: skip


def answer(client, rnd, region, *, submit, lock=0, **values):
    version = Questionnaire.objects.get(slug=Q).versions.get(published=True)
    data = {"version_id": version.id, "lock": lock, "action": "submit" if submit else "save",
            "voorlichting": "all", "calamiteitenplan": "yes", **values}  # fmt: skip
    url = f"{P}/vragenlijsten/{Q}/ronde/{rnd.slug}/regio/{region}/"
    return client.post(url, data)


def test_questionnaires_per_round(year, people, demo):
    rnd, _people, clients = year
    national = clients["national"]
    # The demo's imported round asked nothing: a new round asks nothing unless chosen;
    # round 2 asks what it was opened with, and a round after it the same by default.
    assert round_forms.asked(rnd) == [Q]
    page = national.get(f"{P}/rondes/").content.decode()
    assert "Testvragenlijst" in page
    # Retired: not offered for a new round, so not its default either.
    national.post(f"{P}/vragenlijsten/{Q}/buiten-gebruik/", {"retired": "1"})
    assert Questionnaire.objects.get(slug=Q).retired
    assert round_forms.offered(demo) == []
    assert status_service.default_forms(demo, rnd) == []
    national.post(f"{P}/vragenlijsten/{Q}/buiten-gebruik/", {"retired": "0"})
    assert status_service.default_forms(demo, rnd) == [Q]
    # Changed while open: untick it, a region can no longer start it ...
    url = f"{P}/rondes/{rnd.slug}/vragenlijsten/"
    assert national.post(url, {}).status_code == 200  # not the page's form: no change
    assert round_forms.asked(rnd) == [Q]
    assert national.post(url, {"shown": "1"}).status_code == 302
    assert round_forms.asked(rnd) == []
    assert answer(clients["coord_a"], rnd, "gouda", submit=False).status_code == 404
    assert national.post(url, {"shown": "1", "asked": [Q]}).status_code == 302
    assert answer(clients["coord_a"], rnd, "gouda", submit=False).status_code == 302
    # ... but one with answers in the round stays asked.
    refused = national.post(url, {"shown": "1"})
    assert refused.status_code == 200 and "Al beantwoord" in refused.content.decode()
    assert round_forms.asked(rnd) == [Q]
    assert (
        ChangeRecord.objects.filter(subject=f"ronde {rnd.slug}", field="vragenlijsten").count() >= 3
    )
    # A closed round's choice is fixed.
    status_service.change_round_state(rnd, Round.CLOSED, user=people["national"])
    assert national.post(url, {"shown": "1", "asked": [Q]}).status_code == 403


def test_return_reopens_the_ticked_questionnaires(year, people):
    rnd, _people, clients = year
    gouda = rnd.programme.regions.get(slug="gouda")
    coord = clients["coord_a"]
    assert answer(coord, rnd, "gouda", submit=True).status_code == 302
    submissions.transition(rnd, gouda, "submit", user=people["coord_a"])
    report = f"{P}/ronde/{rnd.slug}/regio/gouda/rapportage/"
    page = clients["national"].get(report).content.decode()
    assert "Heropen bij terugsturen" in page and "Testvragenlijst" in page
    # Returned without ticking it: the questionnaire stays submitted.
    clients["national"].post(report, {"action": "return", "comment": "Alleen de statussen",
                                      "reopen-shown": "1"})  # fmt: skip
    response = Response.objects.get(round=rnd, region=gouda)
    assert response.state == Response.SUBMITTED
    submissions.transition(rnd, gouda, "submit", user=people["coord_a"])
    # Returned with it ticked: the region can change its answers again.
    done = clients["national"].post(report, {"action": "return", "comment": "Vraag 2 klopt niet",
                                             "reopen-shown": "1", "reopen": [Q]}, follow=True)  # fmt: skip
    assert "Heropend: Testvragenlijst" in done.content.decode()
    response.refresh_from_db()
    assert response.state == Response.DRAFT
    assert answer(coord, rnd, "gouda", submit=True, lock=response.lock,
                  calamiteitenplan="no").status_code == 302  # fmt: skip
    assert ChangeRecord.objects.filter(subject=f"vragenlijst {Q}", new="heropend").exists()


def test_answers_prefilled_from_the_previous_round(year, people, demo):
    rnd, _people, clients = year
    coord = clients["coord_a"]
    assert answer(coord, rnd, "gouda", submit=True, voorlichting="some").status_code == 302
    status_service.change_round_state(rnd, Round.CLOSED, user=people["national"])
    today = timezone.localdate()
    three = status_service.open_round(demo, slug="ronde-3", name="Ronde 3",
                                      peildatum=today + timedelta(days=30), user=people["national"])  # fmt: skip
    assert round_forms.asked(three) == [Q]  # the previous round's choice
    page = coord.get(f"{P}/vragenlijsten/{Q}/ronde/ronde-3/regio/gouda/").content.decode()
    assert "Vooraf ingevuld met de antwoorden van uw regio uit “Ronde 2”" in page
    assert re.search(r'value="some"[^>]*checked', page)  # round two's answer, ticked
    assert not re.search(r'value="all"[^>]*checked', page)
    assert not Response.objects.filter(round=three).exists()  # nothing stored until saved
    # Leiden never answered: nothing to prefill.
    page = clients["coord_b"].get(f"{P}/vragenlijsten/{Q}/ronde/ronde-3/regio/leiden/")
    assert "Vooraf ingevuld" not in page.content.decode()


def test_close_reopen_publish_with_reminders_frozen_data_and_caches(year, people, demo):
    """The scenario: Gouda submits, Leiden is busy, Delft does nothing. The office
    closes after the confirmation page, reopens with a reason; Gouda stays frozen and
    is not reminded, Leiden and Delft are; a published round cannot be reopened; the
    public pages say which regions did not submit."""
    rnd, _people, clients = year
    national = clients["national"]
    gouda, leiden = (demo.regions.get(slug=s) for s in ("gouda", "leiden"))
    save_status(rnd, gouda, people["coord_a"], "Gouda klaar")
    submissions.transition(rnd, gouda, "submit", user=people["coord_a"])
    save_status(rnd, leiden, people["coord_b"], "Leiden bezig")
    # The member's region page is cached per data version: it offers editing now.
    leiden_page = clients["coord_b"].get(f"{P}/regio/leiden/").content.decode()
    assert "Wijzigen" in leiden_page

    close = national.get(f"{P}/rondes/{rnd.slug}/sluiten/").content.decode()
    assert "1 van 37" not in close  # accepted: none
    assert "Ingediend: 1 regio" in close and "Bezig: 1 regio" in close
    assert "Niet begonnen: 35 regio" in close and "Delft" in close
    assert f"/rondes/{rnd.slug}/" in close and "herinneringen/nu/?regio=delft" in close
    national.post(f"{P}/rondes/{rnd.slug}/sluiten/", {"confirm": "1"})
    rnd.refresh_from_db()
    assert rnd.state == Round.CLOSED
    # Closed: nobody edits, nobody is reminded, the cached page no longer offers editing.
    assert reminders.due(rnd, timezone.localdate() + timedelta(days=5)) == []
    assert "Wijzigen" not in clients["coord_b"].get(f"{P}/regio/leiden/").content.decode()
    with pytest.raises(status_service.RoundClosed):
        save_status(rnd, leiden, people["coord_b"], "te laat")

    # Reopening needs a reason; it is recorded and shown in the history.
    reopen = f"{P}/rondes/{rnd.slug}/heropenen/"
    national.post(reopen, {f"reopen-{rnd.slug}-reason": "  "})
    rnd.refresh_from_db()
    assert rnd.state == Round.CLOSED
    new_deadline = timezone.localdate() + timedelta(days=14)
    national.post(reopen, {f"reopen-{rnd.slug}-reason": "Leiden had meer tijd nodig",
                           f"reopen-{rnd.slug}-closes_on": new_deadline.strftime("%d-%m-%Y")})  # fmt: skip
    rnd.refresh_from_db()
    assert (rnd.state, rnd.closes_on) == (Round.OPEN, new_deadline)
    record = ChangeRecord.objects.get(subject=f"ronde {rnd.slug}", field="heropend")
    assert record.new == "Leiden had meer tijd nodig" and record.user == people["national"]
    assert "Leiden had meer tijd nodig" in national.get(f"{P}/rondes/").content.decode()
    # Gouda's submission is still frozen; Leiden edits again (the cached page agrees).
    assert status_service.is_region_frozen(rnd, gouda)
    with pytest.raises(status_service.RegionFrozen):
        save_status(rnd, gouda, people["coord_a"], "nog iets")
    assert "Wijzigen" in clients["coord_b"].get(f"{P}/regio/leiden/").content.decode()
    save_status(rnd, leiden, people["coord_b"], "Leiden bijgewerkt na heropenen")
    # Reminders: the plan's rule for 7 days before the new deadline reaches Leiden's
    # coordinator, never Gouda's (submitted).
    due = reminders.due(rnd, new_deadline - timedelta(days=7))
    assert {d.region.slug for d in due} == {"leiden"}
    created, _ = reminders.remind(rnd, new_deadline - timedelta(days=7), actor="test")
    assert [r.region.slug for r in created] == ["leiden"]

    # Closed again and published; nothing submitted by Leiden and Delft.
    status_service.change_round_state(rnd, Round.CLOSED, user=people["national"])
    confirm = national.get(f"{P}/rondes/{rnd.slug}/publiceren/").content.decode()
    assert "1 regio ingediend: de ingediende gegevens worden openbaar" in confirm
    assert "1 regio bezig: niet ingediend" in confirm
    assert "36 regio" not in confirm and "35 regio's niet begonnen: niet ingediend" in confirm
    assert "niet ingediend; stand van Eindrapportage" in confirm
    national.post(f"{P}/rondes/{rnd.slug}/publiceren/", {"confirm": "1"})
    rnd.refresh_from_db()
    assert rnd.state == Round.PUBLISHED  # one region submitted: no second tick needed
    public = Client().get(f"{P}/ronde/{rnd.slug}/").content.decode()
    assert "36 regio's hebben voor deze ronde niet ingediend" in public
    assert "Leiden</a>: niet ingediend; stand van Eindrapportage" in public
    assert "deels bijgewerkt" in public  # Leiden changed things without submitting
    region_page = Client().get(f"{P}/regio/delft/").content.decode()
    assert "niet ingediend; stand van Eindrapportage" in region_page
    assert "niet ingediend" not in Client().get(f"{P}/regio/gouda/").content.decode()

    # A published round is not reopened: withdraw first.
    with pytest.raises(status_service.PublishedCannotReopen):
        status_service.change_round_state(rnd, Round.OPEN, user=people["national"], reason="x")
    page = national.post(reopen, {f"reopen-{rnd.slug}-reason": "nog eens"}, follow=True)
    assert "trek eerst de publicatie in" in page.content.decode()
    rnd.refresh_from_db()
    assert rnd.state == Round.PUBLISHED
    status_service.change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="fout")
    status_service.change_round_state(rnd, Round.OPEN, user=people["national"], reason="herstel")
    assert rnd.state == Round.OPEN


def test_overview_is_paged_with_the_filter_kept(year, monkeypatch):
    from raak.cycle import views

    rnd, _people, clients = year
    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    first = clients["national"].get(f"{P}/ronde/{rnd.slug}/indieningen/?filter=not_started")
    html = first.content.decode()
    assert html.count('data-state="not_started"') == 10
    assert "?filter=not_started&amp;pagina=4" in html
    last = (
        clients["national"]
        .get(f"{P}/ronde/{rnd.slug}/indieningen/?filter=not_started&pagina=4")
        .content.decode()
    )
    assert last.count('data-state="not_started"') == 7  # 37 regions
    assert "0 van 37 ingediend" in last


def test_end_of_programme_questionnaires_are_not_asked_again_unless_chosen(demo, people):
    """The demo loads its shipped questionnaires (Eindmeting, Slotrapportage) with no
    round open; its imported round asked none, so a new round asks none by default."""
    data = Path(exchange.__file__).parent / "data"
    for name in ("eindmeting-zorgcontinuum", "slotrapportage"):
        exchange.load(data / f"{name}.json", publish=True)
    today = timezone.localdate()
    rnd = status_service.open_round(demo, slug="nieuw", name="Nieuw", peildatum=today,
                                    user=people["national"])  # fmt: skip
    assert round_forms.asked(rnd) == []
    assert len(round_forms.offered(demo)) == 2  # offered on the form, not ticked
    chosen = status_service.open_round(demo, slug="nieuw-2", name="Nieuw 2",
                                       peildatum=today + timedelta(days=1),
                                       user=people["national"], forms=["slotrapportage"])  # fmt: skip
    assert round_forms.asked(chosen) == ["slotrapportage"]


def test_report_published_after_confirmation_makes_its_pdf_and_visitors_never_render(demo, people):
    from raak.reports import templates as report_templates
    from raak.reports.models import Report, ReportFile

    report_templates.load(demo, actor="test")
    rnd = demo.rounds.get(slug="eindrapportage-2011")  # published
    national = sign_in(Client(), people["national"])
    national.post(f"{P}/rapporten/{rnd.slug}/nieuw/")
    page = national.get(f"{P}/rapporten/{rnd.slug}/publiceren/").content.decode()
    assert "Ja, publiceer het rapport" in page and not Report.objects.get().is_published
    national.post(f"{P}/rapporten/{rnd.slug}/publiceren/", {"confirm": "1"})
    assert Report.objects.get().is_published
    [pdf] = ReportFile.objects.all()  # queued with the publication
    assert (pdf.format, pdf.region_id) == ("pdf", None)
    # The visitor's "PDF" link leads to that file; asking for another makes nothing.
    visitor = Client()
    link = visitor.get(f"{P}/rapporten/{rnd.slug}/maken/pdf/")
    assert link["Location"] == f"{P}/rapportbestand/{pdf.pk}/"
    offer = visitor.get(f"{P}/rapporten/{rnd.slug}/maken/html/")
    assert offer.status_code == 200 and "csrfmiddlewaretoken" not in offer.content.decode()
    assert visitor.post(f"{P}/rapporten/{rnd.slug}/maken/html/").status_code == 302
    assert ReportFile.objects.count() == 1
