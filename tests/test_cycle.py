"""The reporting cycle: round calendar, publication with confirmation and withdrawal,
submission and review per region, the overview and `raak submissions`, advisor notes,
the start page. Reminders by e-mail are in test_reminders.py."""

import csv
import io
import json
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from raak.accounts.models import Role
from raak.cycle import submissions
from raak.cycle.models import AdvisorNote, Submission, SubmissionEvent
from raak.programmes import publishing
from raak.programmes import status as status_service
from raak.programmes.models import ChangeRecord, MilestoneStatus, Round
from tests.conftest import sign_in

P = "/raak-2008-2010"
R2 = "voorjaar-2011"


@pytest.fixture
def cycle(people, open_round, django_user_model):
    today = timezone.localdate()
    open_round.opens_on, open_round.closes_on = (
        today - timedelta(days=20),
        today - timedelta(days=1),
    )
    open_round.save()
    advisor = django_user_model.objects.create_user("adviseur", password="x")
    for slug in ("gouda", "delft"):
        Role.objects.create(user=advisor, programme=open_round.programme, kind=Role.ADVISOR,
                            region=open_round.programme.regions.get(slug=slug))  # fmt: skip
    outsider = django_user_model.objects.create_user("buitenstaander", password="x")
    users = {**people, "advisor": advisor, "outsider": outsider}
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = sign_in(Client(), user)
    return open_round, users, clients


def report_url(region="gouda", rnd=R2):
    return f"{P}/ronde/{rnd}/regio/{region}/rapportage/"


def save_status(rnd, region, user, note):
    s = MilestoneStatus.objects.get(round=rnd, region=region, milestone__key="handelingsprotocol")
    return status_service.save_milestone_status(
        rnd, region, s.milestone, user=user, expected_version=s.version, status="done",
        period=None, note=note,
    )  # fmt: skip


def test_submit_freezes_the_region_everywhere_until_returned(cycle):
    rnd, users, clients = cycle
    gouda = rnd.programme.regions.get(slug="gouda")
    c = clients["coord_a"]
    assert submissions.overview(rnd).rows[0].state  # sanity: rows exist
    save_status(rnd, gouda, users["coord_a"], "bijgewerkt")
    page = c.get(report_url())
    assert page.status_code == 200 and "bezig" in page.content.decode()
    assert c.post(report_url(), {"action": "submit"}).status_code == 302
    sub = Submission.objects.get(round=rnd, region=gouda)
    assert sub.state == "submitted" and sub.submitted_by == users["coord_a"]
    # Read-only now: the edit page, the service (what the API uses) and a questionnaire save.
    edit = f"{P}/ronde/{R2}/regio/gouda/mijlpaal/handelingsprotocol/"
    assert c.get(edit).status_code == 403
    assert c.post(edit, {"status": "done", "version": 2}).status_code == 403
    assert clients["national"].get(edit).status_code == 403
    region_page = c.get(f"{P}/regio/gouda/").content.decode()
    assert f"/ronde/{R2}/regio/gouda/mijlpaal/" not in region_page
    assert "ingediend; de gegevens liggen vast" in region_page
    with pytest.raises(status_service.RegionFrozen):
        save_status(rnd, gouda, users["national"], "toch wijzigen")
    # Submitting twice, or a coordinator accepting, is refused.
    assert c.post(report_url(), {"action": "submit"}).status_code == 302
    assert Submission.objects.get(pk=sub.pk).state == "submitted"
    assert c.post(report_url(), {"action": "accept"}).status_code == 403
    # Returning needs a comment; with it the region can edit again.
    n = clients["national"]
    n.post(report_url(), {"action": "return", "comment": "  "})
    assert Submission.objects.get(pk=sub.pk).state == "submitted"
    n.post(report_url(), {"action": "return", "comment": "Graag de meldcode toelichten."})
    assert Submission.objects.get(pk=sub.pk).state == "returned"
    start = c.get("/start/").content.decode()
    assert "Graag de meldcode toelichten." in start and "teruggestuurd" in start
    save_status(rnd, gouda, users["coord_a"], "meldcode vastgesteld in maart")
    c.post(report_url(), {"action": "submit"})
    n.post(report_url(), {"action": "accept", "comment": ""})
    sub.refresh_from_db()
    assert sub.state == "accepted"
    events = [(e.old, e.new, e.actor) for e in SubmissionEvent.objects.filter(submission=sub)]
    assert events == [
        ("in_progress", "submitted", "coord-a"),
        ("submitted", "returned", "national"),
        ("returned", "submitted", "coord-a"),
        ("submitted", "accepted", "national"),
    ]
    assert ChangeRecord.objects.filter(subject="indiening", region=gouda).count() == 4
    # The other region is untouched and still writable.
    save_status(rnd, rnd.programme.regions.get(slug="leiden"), users["coord_b"], "vrij")


def test_report_page_access(cycle):
    rnd, users, clients = cycle
    got = {who: clients[who].get(report_url()).status_code for who in clients}
    assert got == {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 200,
                   "national": 200, "advisor": 200, "outsider": 404}  # fmt: skip
    posts = {who: clients[who].post(report_url(), {"action": "submit"}).status_code
             for who in ("anonymous", "coord_b", "viewer_a", "advisor", "outsider")}  # fmt: skip
    assert posts == {"anonymous": 302, "coord_b": 404, "viewer_a": 403, "advisor": 403,
                     "outsider": 404}  # fmt: skip
    assert not Submission.objects.exists()


@pytest.mark.parametrize("suffix", ["indieningen/", "indieningen.csv", "indieningen.xlsx",
                                    "herinneringen/", "herinneringen/nu/"])  # fmt: skip
def test_national_pages_access(cycle, suffix):
    rnd, users, clients = cycle
    url = f"{P}/ronde/{R2}/{suffix}"
    got = {who: clients[who].get(url).status_code for who in clients}
    assert got == {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403,
                   "national": 200, "advisor": 403, "outsider": 404}  # fmt: skip
    posted = {who: clients[who].post(url, {}).status_code for who in clients if who != "national"}
    assert posted == {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403,
                      "advisor": 403, "outsider": 404}  # fmt: skip


def test_overview_and_command_agree_with_hand_counts(cycle):
    rnd, users, clients = cycle
    programme = rnd.programme
    regions = {r.slug: r for r in programme.regions.all()}
    nat = users["national"]
    # Hand-made situation: 3 submitted (1 accepted), 1 returned, 1 in progress.
    for slug in ("gouda", "leiden", "delft", "alkmaar"):
        save_status(rnd, regions[slug], nat, f"stand {slug}")
        submissions.transition(rnd, regions[slug], "submit", user=nat)
    submissions.transition(rnd, regions["delft"], "accept", user=nat)
    submissions.transition(rnd, regions["alkmaar"], "return", user=nat, comment="=HYPERLINK(1)")
    save_status(rnd, regions["amsterdam"], nat, "bezig")
    total = programme.regions.active_on(rnd.peildatum).count()
    ov = submissions.overview(rnd)
    assert (ov.submitted, ov.accepted, ov.returned, len(ov.rows)) == (3, 1, 1, total)
    # Deadline was yesterday: every region that has not submitted is late.
    assert ov.overdue == total - 3
    page = clients["national"].get(f"{P}/ronde/{R2}/indieningen/").content.decode()
    assert f"3 van {total} ingediend" in page and "1 teruggestuurd" in page
    assert f"{total - 3} te laat" in page
    late = clients["national"].get(f"{P}/ronde/{R2}/indieningen/?filter=te-laat")
    assert len(late.context["rows"]) == total - 3
    out = io.StringIO()
    call_command("submissions", "--programme", programme.slug, "--round", R2, "--format", "json",
                 stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["round"]["slug"] == R2 and len(data["regions"]) == total
    states = {r["slug"]: r["state"] for r in data["regions"]}
    assert (states["gouda"], states["delft"], states["alkmaar"], states["amsterdam"]) == (
        "submitted", "accepted", "returned", "in_progress")  # fmt: skip
    assert sum(1 for s in states.values() if s == "not_started") == total - 5
    assert data["counts"] == {"regions": total, "submitted": 3, "accepted": 1, "returned": 1,
                              "overdue": total - 3}  # fmt: skip
    assert all(r["submitted_at"] for r in data["regions"] if r["slug"] in ("gouda", "leiden"))
    assert {"reminders_sent", "last_change", "overdue"} <= set(data["regions"][0])
    text = io.StringIO()
    call_command("submissions", "--programme", programme.slug, "--round", R2, stdout=text)
    assert f"3 van {total} ingediend, 1 teruggestuurd, {total - 3} te laat" in text.getvalue()
    # Exports: the returned comment starting with "=" is text, never a formula.
    body = clients["national"].get(f"{P}/ronde/{R2}/indieningen.csv").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == total + 1
    assert [r for r in rows if r[1] == "alkmaar"][0][-1] == "'=HYPERLINK(1)"
    xlsx = clients["national"].get(f"{P}/ronde/{R2}/indieningen.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cell = [r for r in ws.iter_rows() if r[1].value == "alkmaar"][0][-1]
    # XLSX keeps the text itself, stored as text with Excel's quote prefix.
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s" and cell.quotePrefix
    bad = io.StringIO()
    with pytest.raises(Exception, match="bestaat niet"):
        call_command("submissions", "--programme", programme.slug, "--round", "nee", stdout=bad)


def test_publication_lists_notes_carried_from_unpublished_rounds(people, demo):
    """Issue #8 finding 2: a note typed in a never-published round becomes public only
    through the confirmation page, which names it."""
    nat = people["national"]
    gouda = demo.regions.get(slug="gouda")
    b = status_service.open_round(demo, slug="b", name="Ronde B", peildatum=date(2011, 6, 1),
                                  user=nat)  # fmt: skip
    save_status(b, gouda, nat, "GEHEIM uit B")
    status_service.change_round_state(b, Round.CLOSED, user=nat)
    c = status_service.open_round(demo, slug="c", name="Ronde C", peildatum=date(2011, 12, 1),
                                  user=nat)  # fmt: skip
    status_service.change_round_state(c, Round.CLOSED, user=nat)
    with pytest.raises(status_service.NotAllowed):
        status_service.change_round_state(c, Round.PUBLISHED, user=nat)
    preview = publishing.preview(c)
    carried = [(r.region.slug, r.carried) for r in preview.regions if r.carried]
    assert carried == [("gouda", [("Regionaal handelingsprotocol", "GEHEIM uit B", "Ronde B")])]
    client = sign_in(Client(), nat)
    page = client.get(f"{P}/rondes/c/publiceren/").content.decode()
    assert "GEHEIM uit B" in page and "Ronde B" in page
    assert Client().get(f"{P}/ronde/c/").status_code == 404
    # Nobody submitted in round C: publishing needs the second tick.
    client.post(f"{P}/rondes/c/publiceren/", {"confirm": "1"})
    assert Client().get(f"{P}/ronde/c/").status_code == 404
    client.post(f"{P}/rondes/c/publiceren/", {"confirm": "1", "confirm_empty": "1"})
    assert Client().get(f"{P}/ronde/c/").status_code == 200
    # Withdrawing needs a reason and takes the round off every public list.
    client.post(f"{P}/rondes/c/intrekken/", {"c-reason": ""})
    assert Round.objects.get(slug="c").state == Round.PUBLISHED
    client.post(f"{P}/rondes/c/intrekken/", {"c-reason": "Cijfers Gouda onjuist"})
    c.refresh_from_db()
    assert c.state == Round.WITHDRAWN and c.withdrawn_reason == "Cijfers Gouda onjuist"
    assert not demo.rounds.visible_to_public().filter(pk=c.pk).exists() and not c.is_published
    assert Client().get(f"{P}/ronde/c/").status_code == 404
    assert "Ronde C" not in Client().get(f"{P}/regio/gouda/").content.decode()
    assert ChangeRecord.objects.filter(subject="ronde c", field="withdrawn_reason").exists()
    # A withdrawn round may be published again, again through the confirmation page.
    assert client.get(f"{P}/rondes/c/publiceren/").status_code == 200


def test_round_calendar_and_deadline_extension(cycle):
    rnd, users, clients = cycle
    n = clients["national"]
    old = rnd.closes_on
    bad = n.post(f"{P}/rondes/{R2}/termijn/", {f"{R2}-closes_on": "01-01-1999"}, follow=True)
    assert "openingsdatum" in bad.content.decode()
    new = (old + timedelta(days=14)).strftime("%d-%m-%Y")
    n.post(f"{P}/rondes/{R2}/termijn/", {f"{R2}-closes_on": new})
    rnd.refresh_from_db()
    assert rnd.closes_on == old + timedelta(days=14)
    assert ChangeRecord.objects.filter(field="closes_on", new=rnd.closes_on.isoformat()).exists()
    assert not submissions.overview(rnd).overdue
    got = {who: clients[who].post(f"{P}/rondes/{R2}/termijn/", {}).status_code
           for who in ("anonymous", "coord_a", "viewer_a", "advisor", "outsider")}  # fmt: skip
    assert got == {"anonymous": 302, "coord_a": 403, "viewer_a": 403, "advisor": 403,
                   "outsider": 404}  # fmt: skip
    for url in (f"{P}/rondes/{R2}/publiceren/", f"{P}/rondes/{R2}/intrekken/"):
        got = {who: clients[who].post(url, {"confirm": "1"}).status_code
               for who in ("anonymous", "coord_a", "viewer_a", "advisor", "outsider")}  # fmt: skip
        assert got == {"anonymous": 302, "coord_a": 403, "viewer_a": 403, "advisor": 403,
                       "outsider": 404}  # fmt: skip
    rnd.refresh_from_db()
    assert rnd.state == Round.OPEN
    status_service.change_round_state(rnd, Round.CLOSED, user=users["national"])
    got = {who: clients[who].get(f"{P}/rondes/{R2}/publiceren/").status_code for who in clients}
    assert got == {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403,
                   "national": 200, "advisor": 403, "outsider": 404}  # fmt: skip


def test_start_page(cycle):
    rnd, users, clients = cycle
    assert clients["national"].get("/start/")["Location"] == f"{P}/ronde/{R2}/indieningen/"
    page = clients["coord_a"].get("/start/")
    body = page.content.decode()
    assert page.status_code == 200 and "Regio Gouda" in body
    assert rnd.closes_on.strftime("%d-%m-%Y") in body and "te laat" in body
    assert "7 mijlpalen nog niet bijgewerkt" in body
    assert page.context["blocks"][0].next_url.endswith("/mijlpaal/intentieverklaring/")
    assert "Mijn regio" in body
    save_status(rnd, rnd.programme.regions.get(slug="gouda"), users["coord_a"], "x")
    assert "6 mijlpalen nog niet bijgewerkt" in clients["coord_a"].get("/start/").content.decode()
    assert clients["anonymous"].get("/start/").status_code == 302
    assert clients["outsider"].get("/start/")["Location"] == "/"
    advisor = clients["advisor"].get("/start/").content.decode()
    assert "Notitie schrijven" in advisor


def test_advisor_notes(cycle):
    rnd, users, clients = cycle
    a = clients["advisor"]
    new = f"{P}/adviseurs/gouda/nieuw/"
    bad = a.post(new, {"month": "13-2011"})
    assert "mm-jjjj" in bad.content.decode() and not AdvisorNote.objects.exists()
    empty = a.post(new, {"month": "03-2011"})
    assert empty.status_code == 200 and not AdvisorNote.objects.exists()
    month = rnd.opens_on.strftime("%m-%Y")
    a.post(new, {"month": month, "progress": "Stuurgroep gestart", "obstacles": "Geen budget"})
    note = AdvisorNote.objects.get()
    assert (note.region.slug, note.author, note.month) == ("gouda", users["advisor"],
                                                           rnd.opens_on.replace(day=1))  # fmt: skip
    # The advisor reads their regions' unpublished data but never edits it.
    assert a.get(f"{P}/ronde/{R2}/regio/gouda/mijlpaal/handelingsprotocol/").status_code == 403
    assert a.get(f"{P}/adviseurs/leiden/nieuw/").status_code == 404
    # Who may read and write notes.
    got = {who: clients[who].get(f"{P}/adviseurs/").status_code for who in clients}
    assert got == {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403,
                   "national": 200, "advisor": 200, "outsider": 404}  # fmt: skip
    got = {who: clients[who].get(new).status_code for who in clients}
    assert got == {"anonymous": 302, "coord_a": 403, "coord_b": 404, "viewer_a": 403,
                   "national": 403, "advisor": 200, "outsider": 404}  # fmt: skip
    posted = {who: clients[who].post(new, {"month": month, "progress": "x"}).status_code
              for who in ("coord_a", "viewer_a", "national", "outsider")}  # fmt: skip
    assert posted == {"coord_a": 403, "viewer_a": 403, "national": 403, "outsider": 404}
    assert AdvisorNote.objects.count() == 1
    # The national office sees it per region and month, and beside the region on the overview.
    nat = clients["national"]
    assert "Geen budget" in nat.get(f"{P}/adviseurs/?regio=gouda").content.decode()
    assert "Geen budget" not in nat.get(f"{P}/adviseurs/?regio=leiden").content.decode()
    ym = rnd.opens_on.strftime("%Y-%m")
    assert "Geen budget" in nat.get(f"{P}/adviseurs/?maand={ym}").content.decode()
    assert "Geen budget" in nat.get(f"{P}/ronde/{R2}/indieningen/").content.decode()
    # Never public.
    for url in (f"{P}/regio/gouda/", f"{P}/", f"{P}/verwacht/"):
        assert "Geen budget" not in Client().get(url, follow=True).content.decode()


def test_a_withdrawn_round_survives_export_and_import(people, demo, tmp_path):
    from raak.programmes import tables
    from raak.programmes.exporting import export_programme
    from raak.programmes.importing import import_programme

    rnd = demo.rounds.get()
    status_service.change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="fout")
    export_programme(demo, "json", tmp_path)
    path = next(tmp_path.iterdir())
    import_programme(tables.read(path), actor="test")
    assert demo.rounds.get().state == Round.WITHDRAWN
    # An import cannot re-publish it: that needs the confirmation page.
    path.write_text(path.read_text().replace('"withdrawn"', '"published"'))
    with pytest.raises(tables.FormatError, match="terugzetten kan niet"):
        import_programme(tables.read(path), actor="test")
    assert demo.rounds.get().state == Round.WITHDRAWN


def test_a_submitted_region_cannot_change_its_questionnaire(cycle):
    from pathlib import Path

    from raak.questionnaires import exchange

    rnd, users, clients = cycle
    version = exchange.load(Path(__file__).parent / "data" / "test-questionnaire", publish=True)
    url = f"{P}/vragenlijsten/test-vragenlijst/ronde/{R2}/regio/gouda/"
    c = clients["coord_a"]
    data = {"version_id": version.id, "lock": 0, "action": "save", "voorlichting": "all"}
    assert c.post(url, data).status_code == 302
    c.post(report_url(), {"action": "submit"})
    page = c.get(url)
    assert page.status_code == 200 and not page.context["can_write"]
    assert c.post(url, {**data, "lock": 1, "voorlichting": "none"}).status_code == 403
    answers = {
        a.question.key: a.value for a in version.responses.get().answers.select_related("question")
    }
    assert answers["voorlichting"] == "all"


def test_an_import_does_not_publish_an_existing_round(people, open_round, tmp_path):
    from raak.programmes import tables
    from raak.programmes.importing import import_programme

    status_service.change_round_state(open_round, Round.CLOSED, user=people["national"])
    path = tmp_path / "rounds.csv"
    path.write_text("slug,name,peildatum,state\nvoorjaar-2011,X,2011-06-01,published\n")
    with pytest.raises(tables.FormatError, match="rondepagina"):
        import_programme(tables.read(path), programme_slug="raak-2008-2010")
    open_round.refresh_from_db()
    assert open_round.state == Round.CLOSED
