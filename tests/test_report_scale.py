"""The national report of a large programme (issue #24): its queries do not grow with
regions, above FULL_OVERVIEW_MAX regions its annex comes per province and a map too
crowded for numbers refers to the annex instead of repeating every region beside it;
the seed's size keeps one annex table and a key per map. bench/report.py measures the
time and memory of the same report at 1,000 regions."""

import re
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from raak.picture.national import FULL_OVERVIEW_MAX
from raak.reports import service

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from report_data import build  # noqa: E402  (generated data, shared with the bench)

LARGE = FULL_OVERVIEW_MAX + 20


def _html(rnd):
    """The report's HTML and its query count, with the programme's caches empty (the
    first report after a change) and the process's (theme, geography) filled."""
    from django.core.cache import cache

    from raak.programmes import memo

    memo.forget()
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        content, _name = service.make(rnd, "html")
    return content.decode(), len(ctx.captured_queries)


@pytest.mark.django_db
def test_report_queries_do_not_grow_with_regions():
    small_round, large_round = build("klein", 37), build("groot", LARGE)
    _html(small_round), _html(large_round)  # what the process keeps of each programme
    small, small_queries = _html(small_round)
    large, large_queries = _html(large_round)
    assert small_queries == large_queries, (small_queries, large_queries)
    # Both reports are complete: comparison, coded themes, action points, annexes.
    for html, regions in ((small, 37), (large, LARGE)):
        assert "Eindmeting (fictieve gegevens)" in html and "Thema 0" in html
        assert html.count('<th scope="row">Regio ') >= 2 * regions  # both annexes
    assert small.count("Actiepunt 1 van") == 37


@pytest.mark.django_db
def test_a_large_report_splits_its_annex_per_province_and_keeps_maps_without_keys():
    large, _ = _html(build("groot", LARGE))
    captions = re.findall(r"<caption>Mijlpalen en prognose per [^<]*: ([^<]+)</caption>", large)
    assert len(captions) == 12 and "Zuid-Holland" in captions  # the generator's 12 provinces
    assert 'class="report large"' in large
    # No key of every region beside each map: the annex lists them, and the map says so.
    assert "regio's op de kaart</caption>" not in large
    assert "De status per regio staat in „Bijlage: mijlpalen per regio”." in large
    assert "De status per regio staat in „Bijlage: indicatoren per regio”." in large
    assert large.count('<tr><th scope="row">Regio 0000</th>') == 2  # milestone + indicator annex
    # The forecast counts regions per milestone and period; the annex has each region's.
    assert "<caption>Regio's per mijlpaal en verwachte periode</caption>" in large
    assert "De verwachte periode per regio staat in „Bijlage: mijlpalen per regio”." in large
    assert "<caption>Mijlpalen met een verwachte periode; over tijd eerst</caption>" not in large
    # Action points and reach per region are in each region's report; here the totals.
    assert f"{2 * LARGE} actiepunten in {LARGE} regio's." in large
    assert "Actiepunt 1 van" not in large and "Geschoolde professionals per regio" not in large
    assert "Geschoolde professionals per sector" in large


@pytest.mark.django_db
def test_a_small_report_keeps_one_annex_table_and_a_key_per_map():
    small, _ = _html(build("klein", 37))
    assert 'class="report"' in small and "zonder provincie" not in small
    assert small.count("<caption>Mijlpalen en prognose per") == 1
    assert small.count("regio's op de kaart</caption>") == 9  # 7 milestones, 2 indicators
    assert "De status per regio staat in" not in small
    assert "<caption>Mijlpalen met een verwachte periode; over tijd eerst</caption>" in small
