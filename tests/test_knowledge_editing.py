"""Regions keep their own activities and action points; checked per role."""

import pytest
from django.test import Client

from raak.knowledge.models import ActionPoint, Activity
from raak.programmes.models import ChangeRecord
from tests.conftest import sign_in

P = "/raak-2008-2010"
WHO = ["anonymous", "coord_a", "coord_b", "viewer_a", "national"]


@pytest.fixture
def clients(people, knowledge):
    out = {"anonymous": Client()}
    for name in WHO[1:]:
        c = Client()
        sign_in(c, people[name])
        out[name] = c
    return out


def gouda_activity():
    # b3-055 is one of Gouda's own activities (region A in the fixtures).
    return Activity.objects.get(key="b3-055")


def gouda_point():
    return ActionPoint.objects.get(region__slug="gouda")


def test_access_to_the_edit_pages(clients):
    point = gouda_point()
    matrix = {
        f"{P}/activiteiten/nieuw/": {"anonymous": 302, "coord_a": 200, "coord_b": 200, "viewer_a": 403, "national": 200},
        f"{P}/activiteiten/b3-055/wijzigen/": {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200},
        f"{P}/activiteiten/b3-082/wijzigen/": {"anonymous": 302, "coord_a": 404, "coord_b": 404, "viewer_a": 404, "national": 200},
        f"{P}/actiepunten/gouda/nieuw/": {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200},
        f"{P}/actiepunten/gouda/{point.id}/wijzigen/": {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200},
        f"{P}/actiepunten/leiden/{point.id}/wijzigen/": {"anonymous": 302, "coord_a": 404, "coord_b": 404, "viewer_a": 404, "national": 404},
    }  # fmt: skip
    for url, expected in matrix.items():
        assert {who: clients[who].get(url).status_code for who in WHO} == expected, url


def activity_data(**overrides):
    data = {"title": "Voorlichtingsronde consultatiebureaus", "description": "Een beschrijving.",
            "theme": "preventie", "regions": ["gouda"], "target_sectors": "jeugdgezondheidszorg; kraamzorg",
            "partners": "GGD", "links": "www.example.org/raak", "status": "running", "version": 1}  # fmt: skip
    data.update(overrides)
    return data


def test_coordinator_adds_an_activity_for_their_region(clients):
    response = clients["coord_a"].post(f"{P}/activiteiten/nieuw/", activity_data())
    assert response.status_code == 302
    new = Activity.objects.get(title="Voorlichtingsronde consultatiebureaus")
    assert [r.slug for r in new.regions.all()] == ["gouda"]
    assert new.target_sectors == ["jeugdgezondheidszorg", "kraamzorg"]
    assert new.key.startswith("a-")
    assert ChangeRecord.objects.filter(subject=f"activiteit {new.key}", field="title").exists()
    page = clients["anonymous"].get(f"{P}/activiteiten/", {"q": "voorlichtingsronde"})
    assert page.context["total"] == 1


def test_a_coordinator_cannot_assign_another_region(clients):
    before = Activity.objects.count()
    response = clients["coord_a"].post(
        f"{P}/activiteiten/nieuw/", activity_data(regions=["leiden"])
    )
    assert "regions" in response.context["form"].errors
    assert Activity.objects.count() == before


@pytest.mark.parametrize(
    "overrides,field",
    [({"title": ""}, "title"), ({"theme": "zorgcontinuum"}, "theme"), ({"links": "geen adres"}, "links"),
     ({"status": "klaar"}, "status"), ({"regions": []}, "regions"), ({"description": "x" * 10001}, "description")],
)  # fmt: skip
def test_bad_activity_input_saves_nothing(clients, overrides, field):
    activity = gouda_activity()
    before = (activity.title, activity.version, ChangeRecord.objects.count())
    response = clients["coord_a"].post(
        f"{P}/activiteiten/b3-055/wijzigen/", activity_data(**overrides)
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    activity.refresh_from_db()
    assert (activity.title, activity.version, ChangeRecord.objects.count()) == before


def test_two_people_editing_an_activity(clients):
    url = f"{P}/activiteiten/b3-055/wijzigen/"
    version = clients["coord_a"].get(url).context["form"].initial["version"]
    assert (
        clients["coord_a"].post(url, activity_data(title="Eerste", version=version)).status_code
        == 302
    )
    clash = clients["national"].post(url, activity_data(title="Tweede", version=version))
    assert clash.status_code == 200 and clash.context["conflict"]
    assert gouda_activity().title == "Eerste"
    again = clients["national"].post(
        url, dict(clash.context["form"].data.items()) | {"regions": ["gouda"]}
    )
    assert again.status_code == 302 and gouda_activity().title == "Tweede"


def test_editing_keeps_regions_the_editor_may_not_assign(clients):
    # b3-096 belongs to Gouda and Leiden; Gouda's coordinator edits it.
    url = f"{P}/activiteiten/b3-096/wijzigen/"
    activity = Activity.objects.get(key="b3-096")
    assert sorted(r.slug for r in activity.regions.all()) == ["gouda", "leiden"]
    version = clients["coord_a"].get(url).context["form"].initial["version"]
    clients["coord_a"].post(
        url, activity_data(theme="borging", title="Notitie borging", version=version)
    )
    assert sorted(r.slug for r in activity.regions.all()) == ["gouda", "leiden"]


def test_action_points(clients):
    url = f"{P}/actiepunten/gouda/nieuw/"
    bad = clients["coord_a"].post(url, {"text": "Scholing", "year": 2011, "planned_start": "ooit",
                                        "status": "planned", "version": 1})  # fmt: skip
    assert "planned_start" in bad.context["form"].errors
    assert ActionPoint.objects.filter(region__slug="gouda").count() == 1
    ok = clients["coord_a"].post(url, {"text": "Scholing huisartsen", "year": 2011, "planned_start": "2e kwartaal 2011",
                                       "status": "planned", "obstacles": "Geen geld", "tags": ["budget"], "version": 1})  # fmt: skip
    assert ok.status_code == 302
    point = ActionPoint.objects.get(region__slug="gouda", number=2)
    assert (point.planned_text, str(point.planned_latest), point.tags) == (
        "2e kwartaal 2011",
        "2011-06-30",
        ["budget"],
    )
    listing = clients["anonymous"].get(f"{P}/actiepunten/", {"regio": "gouda"}).content.decode()
    assert "Scholing huisartsen" in listing and "over tijd" in listing  # June 2011 has passed
    edit = f"{P}/actiepunten/gouda/{point.id}/wijzigen/"
    clients["coord_a"].post(
        edit, {"text": "Scholing huisartsen", "year": 2011, "status": "done", "version": 1}
    )
    point.refresh_from_db()
    assert point.status == "done" and point.version == 2
    assert ChangeRecord.objects.filter(
        subject="actiepunt 2011-2", field="status", old="planned", new="done"
    ).exists()
    stale = clients["national"].post(
        edit, {"text": "Oud", "year": 2011, "status": "planned", "version": 1}
    )
    assert stale.context["conflict"]
    point.refresh_from_db()
    assert point.text == "Scholing huisartsen"
