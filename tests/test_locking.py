"""raak.lib.locking, the one optimistic locking of every editor, and per editor: a save
from a stale form shows that editor's conflict page and changes nothing (the row, the
change log, the data version that keys every cache)."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.db import transaction
from django.test import Client

from raak.knowledge.models import ActionPoint, Activity
from raak.lib import locking
from raak.programmes import status
from raak.programmes.models import ChangeRecord, IndicatorValue, MilestoneStatus, Programme
from raak.protocols.models import Check
from raak.questionnaires.models import Questionnaire, Response
from raak.reports.models import ReportText
from raak.routes.models import Contact, RegionRoute
from tests.conftest import sign_in

P = "/raak-2008-2010"
LIB = Path(__file__).resolve().parents[1] / "raak" / "lib" / "locking.py"
SAVED = "iemand anders heeft dit intussen gewijzigd"


# The helper itself.


def test_check_compares_versions_and_names_the_stored_row(demo):
    region = demo.regions.first()
    assert locking.check(None, 0) is None  # no row, and the form expected none
    with pytest.raises(locking.Conflict) as clash:
        locking.check(None, 3)
    assert clash.value.current is None  # gone meanwhile
    with pytest.raises(locking.Conflict):
        locking.check(None, 0, must_exist=True)
    region.version = 4
    assert locking.check(region, 4) is region
    with pytest.raises(locking.Conflict) as clash:
        locking.check(region, 3)
    assert clash.value.current is region
    region.lock = 2
    assert locking.check(region, 2, field="lock") is region


def test_lock_locks_the_named_row_and_compares(demo, people):
    rnd = demo.rounds.first()
    rows = MilestoneStatus.objects.filter(round=rnd, region__slug="gouda",
                                          milestone__key="handelingsprotocol")  # fmt: skip
    with transaction.atomic():
        row = locking.lock(rows, 1)
        assert row.pk == rows.get().pk
        with pytest.raises(locking.Conflict):
            locking.lock(rows, 0)  # the form thought there was no row yet
        assert locking.lock(rows.none(), 0) is None


def test_bump_and_rebase():
    class Form(forms.Form):
        note = forms.CharField()
        version = forms.IntegerField()

    row = type("Row", (), {"version": 2})()
    locking.bump(row)
    assert row.version == 3
    form = Form({"note": "mijn tekst", "version": "1"})
    locking.rebase(form, row)
    assert (form.data["note"], form.data["version"]) == ("mijn tekst", 3)
    locking.rebase(form, None)
    assert form.data["version"] == 0  # the row is gone: a save creates it again


def test_the_programmes_names_are_the_helpers():
    # Every caller of programmes.status (pages, API, services) catches the same Conflict.
    assert status.Conflict is locking.Conflict and status.rebase is locking.rebase


def test_lib_locking_imports_only_django():
    tree = ast.parse(LIB.read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert all(name.split(".")[0] == "django" for name in imported), imported


# Per editor: (setup and a first save) -> (the stale post, what must stay the same).


def _client(user):
    return sign_in(Client(), user)


def _status(people, open_round):
    url = f"{P}/ronde/{open_round.slug}/regio/gouda/mijlpaal/handelingsprotocol/"
    data = {"status": "done", "expected": "", "note": "eerste", "version": 1}
    assert _client(people["coord_a"]).post(url, data).status_code == 302
    row = MilestoneStatus.objects.filter(round=open_round, region__slug="gouda",
                                         milestone__key="handelingsprotocol")  # fmt: skip

    def stale():
        return _client(people["national"]).post(url, {**data, "status": "expected",
                                                      "expected": "2012", "note": "tweede"})  # fmt: skip

    return stale, lambda: list(row.values("status", "expected_text", "note", "version")), 200, SAVED


def _indicator(people, open_round):
    url = f"{P}/ronde/{open_round.slug}/regio/gouda/indicator/regiocoordinator-na-2010/"
    row = IndicatorValue.objects.filter(round=open_round, region__slug="gouda",
                                        indicator__key="regiocoordinator-na-2010")  # fmt: skip
    version = row.get().version
    data = {"category": "no", "date": "", "note": "", "version": version}
    assert _client(people["coord_a"]).post(url, data).status_code == 302

    def stale():
        return _client(people["national"]).post(url, {**data, "category": "delegated"})

    return stale, lambda: list(row.values("category", "date", "note", "version")), 200, SAVED


def _rule(people, open_round):
    national = _client(people["national"])
    data = {"key": "protocol-zonder-werkplan", "name": "Protocol zonder werkplan",
            "message": "Het protocol is gereed maar het werkplan niet.", "importance": "error",
            "scope": "region", "version": 0,
            "condition": "status(${handelingsprotocol}) = 'done' and status(${werkplan}) != 'done'"}  # fmt: skip
    assert national.post(f"{P}/regels/nieuw/", data).status_code == 302
    url = f"{P}/regels/{data['key']}/"
    assert national.post(url, {**data, "version": 1, "name": "Eerste"}).status_code == 302
    rules = open_round.programme.rules.all()

    def stale():
        return national.post(url, {**data, "version": 1, "name": "Tweede"})

    return stale, lambda: list(rules.values("key", "name", "condition", "version")), 200, SAVED


def _activity(people, knowledge):
    url = f"{P}/activiteiten/b3-055/wijzigen/"
    data = {"title": "Eerste", "description": "Een beschrijving.", "theme": "preventie",
            "regions": ["gouda"], "target_sectors": "", "partners": "", "links": "",
            "status": "running", "version": Activity.objects.get(key="b3-055").version}  # fmt: skip
    assert _client(people["coord_a"]).post(url, data).status_code == 302
    row = Activity.objects.filter(key="b3-055")

    def stale():
        return _client(people["national"]).post(url, {**data, "title": "Tweede"})

    def stored():
        return [*row.values("title", "status", "version"), *row.get().regions.values("slug")]

    return stale, stored, 200, SAVED


def _action_point(people, knowledge):
    point = ActionPoint.objects.get(region__slug="gouda")
    url = f"{P}/actiepunten/gouda/{point.id}/wijzigen/"
    data = {"text": "Eerste", "year": point.year, "status": "done", "version": point.version}
    assert _client(people["coord_a"]).post(url, data).status_code == 302
    row = ActionPoint.objects.filter(pk=point.pk)

    def stale():
        return _client(people["national"]).post(url, {**data, "text": "Tweede"})

    return stale, lambda: list(row.values("text", "status", "version")), 200, SAVED


def _protocols(people, practice):
    url = f"{P}/protocollen/gouda/wijzigen/"
    data = {"answer-convenant": "yes", "version-convenant": "0"}
    assert _client(people["coord_a"]).post(url, data).status_code == 302

    def stale():
        return _client(people["national"]).post(url, {**data, "answer-convenant": "no"})

    def stored():
        return list(Check.objects.values("component__key", "answer", "note", "version"))

    return stale, stored, 200, SAVED


def _report_text(people, knowledge, practice):
    from raak.reports import templates

    templates.load(knowledge, templates.DEMO_TEMPLATE)
    national = _client(people["national"])
    assert national.post(f"{P}/rapporten/eindrapportage-2011/nieuw/").status_code == 302
    url = f"{P}/rapporten/eindrapportage-2011/tekst/conclusies/"
    assert national.post(url, {"text": "Eerste", "version": 0}).status_code == 302

    def stale():
        return national.post(url, {"text": "Tweede", "version": 0})

    stored = lambda: list(ReportText.objects.values("key", "text", "version"))  # noqa: E731
    return stale, stored, 200, "heeft deze tekst intussen gewijzigd"


def _routes(people):
    from raak.routes import loading

    loading.load(Path(__file__).resolve().parents[1] / "raak" / "routes" / "data"
                 / "route-map-2008-2010.json")  # fmt: skip


ROUTE = f"{P}/routekaart/regio/gouda/wijzigen/"


def _route_sectors(people):
    _routes(people)
    assert _client(people["coord_a"]).get(ROUTE).status_code == 200  # makes the draft
    version = RegionRoute.objects.get(region__slug="gouda").version
    data = {"sectors": "onderwijs; kinderopvang", "version": version}
    assert _client(people["coord_a"]).post(ROUTE, data).status_code == 302
    row = RegionRoute.objects.filter(region__slug="gouda")

    def stale():
        return _client(people["national"]).post(ROUTE, {**data, "sectors": "huisartsen"})

    return (stale, lambda: list(row.values("sectors", "version", "revision")), 409,
            "iemand anders heeft de sectoren intussen gewijzigd")  # fmt: skip


def _route_contact(people):
    _routes(people)
    data = {"organisation": "Veilig Thuis", "role": "advies", "phone": "0800 2000", "email": "",
            "website": "", "opening_hours": "", "person_name": "", "consent_on": "",
            "version": "0"}  # fmt: skip
    coordinator = _client(people["coord_a"])
    assert coordinator.post(f"{ROUTE}stap/melden/nieuw/", data).status_code == 302
    contact = Contact.objects.get()
    url = f"{ROUTE}contact/{contact.id}/"
    assert coordinator.post(url, {**data, "role": "eerste", "version": 1}).status_code == 302

    def stale():
        return _client(people["national"]).post(url, {**data, "role": "tweede", "version": 1})

    def stored():
        return [*Contact.objects.values("role", "version"),
                *RegionRoute.objects.filter(region__slug="gouda").values("revision")]  # fmt: skip

    return stale, stored, 409, "iemand anders heeft dit contact intussen gewijzigd"


def _response(people, demo):
    from raak.questionnaires import exchange

    version = exchange.load(Path(__file__).parent / "data" / "test-questionnaire", publish=True)
    status.open_round(demo, slug="start", name="Start", peildatum=date(2011, 3, 1),
                      user=people["national"], forms=["test-vragenlijst"])  # fmt: skip
    url = f"{P}/vragenlijsten/test-vragenlijst/ronde/start/regio/gouda/"
    coordinator = _client(people["coord_a"])

    def post(client, answer, lock):
        return client.post(url, {"version_id": version.id, "lock": lock, "action": "save",
                                 "voorlichting": answer})  # fmt: skip

    assert post(coordinator, "all", 0).status_code == 302  # creates the response, lock 1
    assert post(coordinator, "some", 1).status_code == 302  # lock 2

    def stored():
        return [*Response.objects.values("state", "lock"),
                *Response.objects.get().answers.values("question__key", "value")]  # fmt: skip

    return lambda: post(_client(people["national"]), "none", 1), stored, 200, SAVED


def _builder_draft(people, demo):
    national = _client(people["national"])
    new = {"slug": "gebouwd", "name": "Gebouwd"}
    assert national.post(f"{P}/vragenlijsten/nieuw/", new).status_code == 302
    url = f"{P}/vragenlijsten/gebouwd/bouwen/"
    versions = Questionnaire.objects.get(slug="gebouwd").versions
    stale_id = versions.get().id
    data = {"action": "section", "draft": stale_id, "key": "deel-2", "title": "Deel 2"}
    assert national.post(url, data).status_code == 302

    def stale():
        return national.post(url, {**data, "key": "deel-3", "title": "Deel 3"})

    def stored():
        return [(v.id, v.published, list(v.sections.values_list("key", flat=True)))
                for v in versions.order_by("number")]  # fmt: skip

    return stale, stored, 409, "iemand anders heeft het concept intussen gewijzigd"


EDITORS = {
    "status": (_status, ["open_round"]),
    "indicator": (_indicator, ["open_round"]),
    "rule": (_rule, ["open_round"]),
    "activity": (_activity, ["knowledge"]),
    "action-point": (_action_point, ["knowledge"]),
    "protocols": (_protocols, ["practice"]),
    "report-text": (_report_text, ["knowledge", "practice"]),
    "route-sectors": (_route_sectors, []),
    "route-contact": (_route_contact, []),
    "questionnaire-response": (_response, ["demo"]),
    "questionnaire-draft": (_builder_draft, ["demo"]),
}


@pytest.mark.parametrize("editor", EDITORS)
def test_a_stale_save_shows_the_conflict_page_and_changes_nothing(editor, people, request):
    scenario, fixtures = EDITORS[editor]
    stale, stored, code, message = scenario(people, *map(request.getfixturevalue, fixtures))
    programme = Programme.objects.get(slug=P.strip("/"))

    def state():
        programme.refresh_from_db()
        return stored(), ChangeRecord.objects.count(), programme.data_version

    before = state()
    response = stale()
    assert response.status_code == code
    assert message in response.content.decode()
    assert state() == before
