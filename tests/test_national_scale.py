"""The national picture of a large programme (issue #12): above FULL_OVERVIEW_MAX
regions the annex comes in pages, each card lists only the first regions still to do,
and every map has its own page; the seed's 37 regions keep their one-page overview."""

import json

import pytest
from django.test import Client

from raak.picture.national import ANNEX_PAGE_SIZE, FULL_OVERVIEW_MAX, PENDING_SHOWN
from raak.programmes import tables
from raak.programmes.importing import import_programme

REGIONS = FULL_OVERVIEW_MAX + 20


@pytest.fixture
def large(db, tmp_path):
    """A generated programme (fictieve gegevens) of REGIONS regions, one round."""
    regions = [f"r{n:03d}" for n in range(REGIONS)]
    doc = {
        "format": "raak-programme/1",
        "programme": {"slug": "groot", "name": "Groot (fictieve gegevens)",
                      "period_start": "2010-01-01", "period_end": "2011-12-31"},
        "milestones": [{"key": "plan", "name": "Plan"}],
        "indicators": [],
        "regions": [{"slug": r, "name": f"Regio {r}", "centrumgemeente_code": "GM0363",
                     "centrumgemeente_name": "Amsterdam", "province_code": "PV27"}
                    for r in regions],
        "rounds": [{"slug": "ronde-1", "name": "Ronde 1", "peildatum": "2011-03-15",
                    "state": "published",
                    "milestone_statuses": [{"region": r, "milestone": "plan",
                                            "status": "expected", "expected": "2012"}
                                           for r in regions]}],
    }  # fmt: skip
    path = tmp_path / "groot.json"
    path.write_text(json.dumps(doc))
    return import_programme(tables.read(path), actor="test").programme


def test_a_large_programme_lists_its_regions_in_pages(large):
    page = Client().get("/groot/ronde/ronde-1/").content.decode()
    # The card names the first regions still to do, the annex one page of regions
    # (no indicators: no second annex table).
    assert page.count('href="/groot/regio/') == PENDING_SHOWN + ANNEX_PAGE_SIZE
    assert "Regio r000" in page and f"Regio r{ANNEX_PAGE_SIZE:03d}" not in page
    assert f"Regio 1 tot en met {ANNEX_PAGE_SIZE} van {REGIONS}" in page
    assert 'class="map"' not in page and "/groot/ronde/ronde-1/kaarten/?kaart=plan" in page
    last = Client().get("/groot/ronde/ronde-1/", {"pagina": 3}).content.decode()
    assert f"Regio r{REGIONS - 1:03d}" in last and "Regio r000</a></th>" not in last
    # A page number that is no number or too high is the nearest page, not an error.
    assert Client().get("/groot/ronde/ronde-1/", {"pagina": "x"}).status_code == 200
    assert Client().get("/groot/ronde/ronde-1/", {"pagina": 99}).status_code == 200


def test_a_large_programmes_map_has_its_own_page(large):
    page = Client().get("/groot/ronde/ronde-1/kaarten/", {"kaart": "plan"})
    html = page.content.decode()
    assert page.status_code == 200 and 'class="map"' in html
    assert html.count('class="region"') == REGIONS
    assert Client().get("/groot/ronde/ronde-1/kaarten/", {"kaart": "nee"}).status_code == 404


def test_the_seed_keeps_its_one_page_overview(demo):
    page = Client().get("/raak-2008-2010/ronde/eindrapportage-2011/").content.decode()
    assert 'class="map"' in page and "pagina=" not in page
    assert page.count('<th scope="row"><a href="/raak-2008-2010/regio/') == 2 * 37
