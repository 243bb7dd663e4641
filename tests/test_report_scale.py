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
    # Maps with numbers keep a path per region (even-odd fill), as the demo's do.
    assert small.count('fill-rule="evenodd" stroke="#fff" stroke-width=".6"') == 9 * 37


def _orientations(path):
    """The signed area's sign of each subpath of a marker drawn with the relative `c`
    curves of maps._circle (its on-curve points are enough to tell the direction)."""
    out = []
    for sub in re.findall(r"M([^M]+)", path):
        start, *curves = sub.rstrip("Z").split("c")
        x, y = map(float, start.split(","))
        points = [(x, y)]
        for curve in curves:
            dx, dy = map(float, curve.split()[-1].split(","))
            x, y = x + dx, y + dy
            points.append((x, y))
        area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, points[1:], strict=False))
        out.append(area > 0)
    return out


def test_markers_sharing_a_path_keep_their_holes_under_the_nonzero_rule():
    from raak.picture.maps import shape_path

    circle, ring = (
        shape_path("circle", 10, 10, 2, nonzero=True),
        shape_path("ring", 20, 10, 2, nonzero=True),
    )
    (outer,) = _orientations(circle)
    assert _orientations(ring) == [outer, not outer]  # the hole runs the other way round
    # Maps with a path per region (the demo's) keep their arcs and even-odd fill.
    assert shape_path("ring", 20, 10, 2) == (
        "M18.0,10.0a2,2 0 1,0 4,0a2,2 0 1,0 -4,0ZM19.1,10.0a0.9,0.9 0 1,0 1.8,0a0.9,0.9 0 1,0 -1.8,0Z"
    )


@pytest.mark.django_db
def test_a_crowded_map_draws_its_markers_as_one_path_per_colour():
    large, _ = _html(build("groot", LARGE))
    maps = re.findall(r'<svg class="map".*?</svg>', large, re.S)
    assert len(maps) == 9
    for svg in maps:
        layers = re.findall(
            r'<path fill="(#[0-9a-f]{6})" stroke="#fff" stroke-width=".6" d="([^"]+)"/>', svg
        )
        colours = [colour for colour, _ in layers]
        assert 2 <= len(colours) == len(set(colours)) <= 5
        assert "evenodd" not in svg  # nonzero: overlapping markers stay whole
        rings = sum(d.count("M") // 2 for colour, d in layers if colour == "#57606a")
        assert sum(d.count("M") for _, d in layers) - rings == LARGE  # every region drawn
