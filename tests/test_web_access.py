"""Every URL against anonymous, coordinator of region A, of region B, a read-only
member of A and the national office; and no unpublished data leaks."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from raak.programmes.models import EvidenceDocument, MilestoneStatus
from tests.conftest import sign_in

P = "/raak-2008-2010"
R1 = "eindrapportage-2011"  # published
R2 = "voorjaar-2011"  # open
SECRET = "GEHEIM-R2-notitie"

WHO = ["anonymous", "coord_a", "coord_b", "viewer_a", "national"]


@pytest.fixture
def world(people, open_round):
    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="handelingsprotocol"
    )
    status.note = SECRET
    status.save()
    doc = EvidenceDocument(status=status, original_name="plan.pdf", content_type="application/pdf",
                           size=9, sha256="x" * 64)  # fmt: skip
    doc.file.save("x" * 64, ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    clients = {"anonymous": Client()}
    for name in WHO[1:]:
        c = Client()
        sign_in(c, people[name])
        clients[name] = c
    return clients, doc


def status_url(rnd, region="gouda", key="handelingsprotocol"):
    return f"{P}/ronde/{rnd}/regio/{region}/mijlpaal/{key}/"


def indicator_url(rnd, region="gouda", key="stuurgroep-na-2010"):
    return f"{P}/ronde/{rnd}/regio/{region}/indicator/{key}/"


# url, {who: expected status}; 302 for anonymous on a login-only page.
MATRIX = [
    ("/", dict.fromkeys(WHO, 302)),
    (f"{P}/", dict.fromkeys(WHO, 302)),
    (f"{P}/ronde/{R1}/", dict.fromkeys(WHO, 200)),
    (f"{P}/ronde/{R2}/", {"anonymous": 404, "coord_a": 404, "coord_b": 404, "viewer_a": 404, "national": 200}),
    (f"{P}/ronde/bestaat-niet/", dict.fromkeys(WHO, 404)),
    (f"{P}/regio/gouda/", dict.fromkeys(WHO, 200)),
    (f"{P}/regio/atlantis/", dict.fromkeys(WHO, 404)),
    (status_url(R2), {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200}),
    (status_url(R1), {"anonymous": 302, "coord_a": 403, "coord_b": 404, "viewer_a": 403, "national": 403}),
    (status_url(R2, key="bestaat-niet"), {"anonymous": 302, "coord_a": 404, "coord_b": 404, "viewer_a": 403, "national": 404}),
    (indicator_url(R2), {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 403, "national": 200}),
    (indicator_url(R1), {"anonymous": 302, "coord_a": 403, "coord_b": 404, "viewer_a": 403, "national": 403}),
    (f"{P}/rondes/", {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403, "national": 200}),
    (f"{P}/verwacht/", dict.fromkeys(WHO, 200)),
    (f"{P}/verwacht/?ronde={R2}", {"anonymous": 404, "coord_a": 404, "coord_b": 404, "viewer_a": 404, "national": 200}),
    (f"{P}/verwacht.csv", dict.fromkeys(WHO, 200)),
    (f"{P}/verwacht.xlsx?ronde={R2}", {"anonymous": 404, "coord_a": 404, "coord_b": 404, "viewer_a": 404, "national": 200}),
    ("/bestaat-niet/", dict.fromkeys(WHO, 404)),
    ("/inloggen/", dict.fromkeys(WHO, 200)),
    (f"{P}/activiteiten/", dict.fromkeys(WHO, 200)),
    (f"{P}/activiteiten/b3-001/", dict.fromkeys(WHO, 404)),  # not loaded in this fixture
    (f"{P}/actiepunten/", dict.fromkeys(WHO, 200)),
]  # fmt: skip


@pytest.mark.parametrize("url,expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(world, url, expected):
    clients, _doc = world
    got = {who: clients[who].get(url).status_code for who in WHO}
    assert got == expected


def test_document_download(world):
    clients, doc = world
    url = f"{P}/document/{doc.id}/"
    got = {who: clients[who].get(url).status_code for who in WHO}
    assert got == {
        "anonymous": 404,
        "coord_a": 200,
        "coord_b": 404,
        "viewer_a": 200,
        "national": 200,
    }
    response = clients["coord_a"].get(url)
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert b"".join(response) == b"%PDF-1.4\n"


@pytest.mark.parametrize(
    "url,state",
    [(f"{P}/rondes/{R2}/status/", "closed")],
)
def test_round_state_change_is_national_only(world, open_round, url, state):
    clients, _doc = world
    got = {who: clients[who].post(url, {"state": state}).status_code for who in WHO[:-1]}
    assert got == {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403}
    open_round.refresh_from_db()
    assert open_round.state == "open"
    assert clients["national"].post(url, {"state": state}).status_code == 302
    open_round.refresh_from_db()
    assert open_round.state == "closed"


def test_no_unpublished_data_leaks(world):
    clients, _doc = world
    pages = [f"{P}/regio/gouda/", f"{P}/verwacht/", f"{P}/verwacht.csv", f"{P}/ronde/{R1}/",
             f"{P}/ronde/{R2}/", f"{P}/verwacht/?ronde={R2}", f"{P}/document/999/"]  # fmt: skip
    for who in ("anonymous", "coord_b"):
        for url in pages:
            body = b"".join(clients[who].get(url)).decode()
            assert SECRET not in body, (who, url)
            assert "Tweede peiling" not in body, (who, url)
    # Insiders of the region do see it.
    for who in ("coord_a", "viewer_a", "national"):
        assert SECRET in clients[who].get(f"{P}/regio/gouda/").content.decode()


def test_outsiders_do_not_see_team_or_history(world):
    clients, _doc = world
    for who in ("anonymous", "coord_b"):
        body = clients[who].get(f"{P}/regio/gouda/").content.decode()
        assert "coord-a" not in body and "Wijzigingen" not in body
    body = clients["coord_a"].get(f"{P}/regio/gouda/").content.decode()
    assert "coord-a" in body and "Wijzigingen" in body
