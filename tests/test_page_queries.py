"""Query counts of the signed-in open-round pages bench/load.py measures (issue #12 goal
2: a coordinator's region page and status form, the national office's picture of the
open round), pinned so that a feature added to them cannot silently add a query per
request again. After the merges of issue #22, #23 and #25 the status form ran every
validation rule on each request (7 -> 14 queries) and every page asked the theme's
version on its own; docs/performance.md has the figures.

The counts are the same at the demo's 37 regions and at 77: nothing on these pages may
grow with the number of regions."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from raak.look import theme as themes
from raak.programmes import memo
from raak.programmes.models import MilestoneStatus, Programme, Region
from raak.programmes.status import open_round
from tests.conftest import sign_in

P = "/raak-2008-2010"
R = "voorjaar-2011"
FORM = f"{P}/ronde/{R}/regio/gouda/mijlpaal/werkplan/"
# Session, user, second-factor check, programme (with the theme's version), region or
# round, the viewer's roles, and one query of the page's own (the team, the
# submission check, the rounds the viewer may see).
PAGES = {
    "coordinator's region page": ("coord_a", f"{P}/regio/gouda/", 7),
    "coordinator's status form": ("coord_a", FORM, 7),
    "national office's picture of the open round": ("national", f"{P}/ronde/{R}/", 7),
}
# Session, user, second factor, programme, region, roles, the submission check; the
# rounds, milestones and status labels read anew (the previous save raised the data
# version); the save (savepoints, the round locked and re-read, the submission check,
# the stored status, its update, the change record, the data version); then every rule
# for the region on the new data, so the next page shows their results at once.
SAVE = 26


def _queries(do):
    with CaptureQueriesContext(connection) as ctx:
        do()
    # A database cache (CACHE_URL=db://) adds its own reads of the cached fragments.
    table = settings.CACHES["default"].get("LOCATION", "")
    database_cache = settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    return [q["sql"] for q in ctx.captured_queries if not (database_cache and table in q["sql"])]


@pytest.fixture(params=[0, 40], ids=["37-regions", "77-regions"])
def second_round(request, demo, people):
    """The demo with its validation rules and `param` regions more (with a status for
    every milestone in the published round), and a second round opened from it."""
    published = demo.rounds.get()
    milestones = list(demo.milestones.all())
    for i in range(request.param):
        region = Region.objects.create(programme=demo, slug=f"extra-{i}",
                                       name=f"Extra {i} (fictieve gegevens)", position=100 + i)  # fmt: skip
        MilestoneStatus.objects.bulk_create(
            MilestoneStatus(round=published, region=region, milestone=m, status="done")
            for m in milestones
        )
    Programme.objects.filter(pk=demo.pk).update(data_version=F("data_version") + 1)
    memo.forget()
    rnd = open_round(demo, slug=R, name="Tweede peiling 2011", peildatum=date(2011, 6, 1),
                     user=people["national"])  # fmt: skip
    assert demo.regions.count() == 37 + request.param and demo.rounds.count() == 2
    return rnd


@pytest.mark.parametrize("page", list(PAGES))
def test_signed_in_open_round_pages_take_a_fixed_number_of_queries(second_round, people, page):
    who, url, limit = PAGES[page]
    client = sign_in(Client(), people[who])

    def get():
        response = client.get(url)
        assert response.status_code == 200

    get()  # draws the cached fragments and writes the session once
    get()
    queries = _queries(get)
    assert len(queries) <= limit, "\n".join(queries)
    # Validation rules run when the data changes, not on every request.
    assert not any("programmes_validationrule" in q for q in queries)
    # The theme's version came with the programme, not as a query of its own.
    assert not any(q.lstrip().startswith('SELECT "look_theme"') for q in queries)


def test_saving_a_status_takes_a_fixed_number_of_queries(second_round, people):
    client = sign_in(Client(), people["coord_a"])
    client.get(FORM)

    def save():
        s = MilestoneStatus.objects.get(round=second_round, region__slug="gouda",
                                        milestone__key="werkplan")  # fmt: skip
        data = {"status": s.status, "expected": s.expected_text, "note": f"noot {s.version}",
                "version": s.version}  # fmt: skip
        assert client.post(FORM, data).status_code == 302

    save()
    queries = _queries(save)
    assert len(queries) - 1 <= SAVE, "\n".join(queries)  # less the test's own read


def test_the_trivial_view_asks_nothing(db):
    assert _queries(lambda: Client().get("/gezond")) == []


def test_rule_results_follow_a_save_at_once(second_round, people):
    """The status form keeps the region's rule results for the data version it read: a
    save raises the version, so the results beside the field change on the next page."""
    client = sign_in(Client(), people["coord_a"])
    message = "Deze mijlpaal was in de vorige ronde gereed en is dat nu niet meer"
    assert message not in client.get(FORM).content.decode()  # results kept for this version

    def post(status):
        s = MilestoneStatus.objects.get(round=second_round, region__slug="gouda",
                                        milestone__key="werkplan")  # fmt: skip
        return client.post(FORM, {"status": status, "expected": "", "note": "",
                                  "version": s.version})  # fmt: skip

    assert post("not_started")["Location"] == FORM + "#controles"
    assert message in client.get(FORM).content.decode()
    assert post("done")["Location"] == f"{P}/regio/gouda/"
    assert message not in client.get(FORM).content.decode()


def test_a_theme_change_shows_on_the_next_signed_in_page(second_round, people):
    """The version read with the programme decides which theme the page shows: a change
    made elsewhere (another app server, the command line) shows on the next request."""
    client = sign_in(Client(), people["coord_a"])
    for url in (FORM, f"{P}/regio/gouda/"):
        assert "Gemeente Voorbeeld" not in client.get(url).content.decode()
    themes.save({"organisation_name": "Gemeente Voorbeeld"}, via="cli")
    for url in (FORM, f"{P}/regio/gouda/", f"{P}/ronde/eindrapportage-2011/", "/contact/"):
        assert "Gemeente Voorbeeld" in client.get(url).content.decode(), url
    themes.save({"organisation_name": "Gemeente Anders"}, via="cli")
    page = client.get(FORM).content.decode()
    assert "Gemeente Anders" in page and "Gemeente Voorbeeld" not in page
