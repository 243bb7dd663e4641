"""Issue #14, readable screens: provinces by name, maps with a numbered key, the
forecast's axis, and the catalogue's theme hierarchy and highlighted search terms."""

import re
from datetime import date

import pytest
from django.test import Client

from raak.lib import geo
from raak.programmes.models import Region

P = "/raak-2008-2010"


def test_provinces_are_named_not_coded(knowledge):
    assert geo.province_name("PV30") == "Noord-Brabant"
    assert geo.province_name("PV99") == "PV99"  # unknown: shown, not hidden
    c = Client()
    region = c.get(f"{P}/regio/eindhoven/").content.decode()
    assert "Noord-Brabant" in region and "PV30" not in region
    activity = c.get(f"{P}/activiteiten/b3-031/").content.decode()
    assert "<dt>Provincie</dt><dd>Noord-Holland</dd>" in activity
    page = c.get(f"{P}/activiteiten/").content.decode()
    options = re.search(r'<select id="provincie".*?</select>', page, re.S).group(0)
    names = re.findall(r'<option value="PV\d\d"[^>]*>([^<]+)</option>', options)
    assert "Noord-Brabant" in names and "Fryslân" in names
    assert names == sorted(names)
    assert not re.search(r">PV\d\d<", options)
    # The value stays the CBS code, so old links keep working.
    nh = c.get(f"{P}/activiteiten/", {"provincie": "PV27"})
    assert nh.context["total"] > 0
    assert '<option value="PV27" selected>Noord-Holland</option>' in nh.content.decode()


def _svg(html):
    return re.search(r'<svg class="map".*?</svg>', html, re.S).group(0)


def _key(html):
    return re.search(r'<h3 id="key-[^"]+">.*?</div>\s*</div>', html, re.S).group(0)


def _boxes(svg, size):
    """Boxes of the drawn numbers, as maps.number_box measures them."""
    boxes = {}
    for x, y, anchor, n in re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)" data-number="(\d+)">\d+</text>', svg
    ):
        w, h = 0.6 * size * len(n), 0.75 * size
        x0 = float(x) - {"start": 0, "middle": w / 2, "end": w}[anchor]
        boxes[int(n)] = (x0, float(y) - h, x0 + w, float(y))
    return boxes


def _overlap(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_every_region_is_numbered_on_the_map_and_named_in_the_key(demo):
    from raak.picture.maps import NUMBER_SIZE

    html = Client().get(f"{P}/ronde/eindrapportage-2011/?kaart=handelingsprotocol").content
    html = html.decode()
    svg, key = _svg(html), _key(html)
    regions = list(Region.objects.order_by("position", "name"))
    assert len(regions) == 37
    rows = re.findall(r'<li value="(\d+)" data-region="([^"]+)">', key)
    assert sorted(int(n) for n, _ in rows) == list(range(1, 38))
    assert {name for _, name in rows} == {r.name for r in regions}
    assert "Gouda</a>: gedeeltelijk" in key
    boxes = _boxes(svg, NUMBER_SIZE)
    assert sorted(boxes) == list(range(1, 38))  # every number is drawn
    # No two numbers collide, and all stay on the map.
    for a in boxes:
        for b in boxes:
            assert a == b or not _overlap(boxes[a], boxes[b]), (a, b)
    markers = re.findall(r'<path class="marker" fill="#\w+" d="M([\d.]+),([\d.]+)', svg)
    assert len(markers) == 37
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    for box in boxes.values():
        assert 0 <= box[0] and box[2] <= width and 0 <= box[1] and box[3] <= height


def import_thousand_regions():
    """A generated programme (fictieve gegevens) of 1,000 regions spread over the 2025
    municipalities, one milestone, one published round."""
    from raak.programmes import tables
    from raak.programmes.importing import import_programme

    g = geo.load()
    codes = sorted(g.municipalities)
    provinces = sorted(geo.province_names())
    doc = {
        "format": "raak-programme/1",
        "programme": {"slug": "duizend", "name": "Duizend regio's (fictieve gegevens)",
                      "period_start": "2010-01-01", "period_end": "2013-12-31",
                      "description": "fictieve gegevens", "source": "fictieve gegevens"},
        "milestones": [{"key": "m0", "name": "Mijlpaal 0", "description": ""}],
        "indicators": [],
        "regions": [{"slug": f"r{n:04d}", "name": f"Regio {n:04d}",
                     "centrumgemeente_code": codes[n % len(codes)],
                     "centrumgemeente_name": g.municipalities[codes[n % len(codes)]].name,
                     "province_code": provinces[n % len(provinces)]} for n in range(1000)],
        "rounds": [{"slug": "ronde-1", "name": "Ronde 1", "peildatum": "2011-01-15",
                    "state": "published", "indicator_values": [],
                    "milestone_statuses": [
                        {"region": f"r{n:04d}", "milestone": "m0",
                         "status": ("done", "expected", "not_started")[n % 3],
                         "expected": "2012" if n % 3 == 1 else "", "note": ""}
                        for n in range(1000)]}],
    }  # fmt: skip
    import json
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "duizend.json"
        path.write_text(json.dumps(doc))
        import_programme(tables.read(path), actor="test")


def test_a_thousand_regions_stay_readable(db):
    """No numbers on the map, every region named in a key by province."""
    import_thousand_regions()
    # So many regions have their maps on a page of their own.
    html = Client().get("/duizend/ronde/ronde-1/kaarten/?kaart=m0").content.decode()
    svg, key = _svg(html), _key(html)
    assert "data-number" not in svg  # 1,000 numbers would be unreadable
    assert len(re.findall(r'class="region"', svg)) == 1000
    for name in geo.province_names().values():  # the key's groups are named on the map
        assert f">{name}</text>" in svg
    named = re.findall(r'<li data-region="([^"]+)"><a href="/duizend/regio/', key)
    assert sorted(named) == [f"Regio {n:04d}" for n in range(1000)]
    groups = re.findall(r"<h4>([^<]+)</h4>", key)
    assert groups == sorted(geo.province_names().values())
    assert 'tabindex="0" role="region"' in key  # the long key scrolls in its own box
    # Markers stay inside the map.
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    for x, y in re.findall(r'<path class="marker" fill="#\w+" d="M([\d.]+),([\d.]+)', svg):
        assert 0 <= float(x) <= width and 0 <= float(y) <= height


def _forecast_items(start, end, n=4):
    """n fictional expected statuses spread evenly from `start` to `end`."""
    from datetime import timedelta
    from types import SimpleNamespace

    span = (end - start).days
    items = []
    for i in range(n):
        a = start + timedelta(days=span * i // n)
        b = start + timedelta(days=span * (i + 1) // n)
        region, milestone = SimpleNamespace(name=f"Regio {i}"), SimpleNamespace(name="Mijlpaal")
        status = SimpleNamespace(region=region, milestone=milestone, expected_text="fictief",
                                 expected_earliest=a, expected_latest=b)  # fmt: skip
        items.append({"status": status, "overdue": False})
    return items


def _assert_axis_readable(ticks, width):
    from raak.picture.exports import text_width

    assert len(ticks) >= 3
    for (xa, la), (xb, lb) in zip(ticks, ticks[1:], strict=False):
        assert xb - xa >= (text_width(la) + text_width(lb)) / 2, (la, lb)
    assert ticks[-1][0] + text_width(ticks[-1][1]) / 2 <= width


@pytest.mark.parametrize(
    "start, end, step, labels",
    [
        (date(2012, 1, 1), date(2012, 3, 31), 1, ["2012", "feb", "mrt", "apr"]),
        (date(2011, 5, 1), date(2013, 4, 30), 3, ["apr 2011", "jul", "okt", "2012", "apr"]),
        (date(2011, 1, 1), date(2020, 12, 31), 12, ["2011", "2012", "2013"]),
        (date(2000, 1, 1), date(2049, 12, 31), 60, ["2000", "2005", "2010"]),
        # The period parser takes any year 1900-2099: a typo ("2099") spans a century.
        (date(2011, 1, 1), date(2099, 12, 31), 120, ["2010", "2020", "2030"]),
        (date(1900, 1, 1), date(2099, 12, 31), 300, ["1900", "1925", "1950"]),
    ],
)
def test_forecast_axis_step_follows_the_span(db, start, end, step, labels):
    from raak.picture.exports import timeline

    t = timeline(_forecast_items(start, end))
    assert t.step == step
    assert [label for _x, label in t.ticks][: len(labels)] == labels
    _assert_axis_readable(t.ticks, t.width)
    # Equal spacing: the axis is linear in time.
    gaps = {round(b - a) for (a, _), (b, _) in zip(t.ticks, t.ticks[1:], strict=False)}
    assert max(gaps) - min(gaps) <= 1 or step == 1  # months differ by a day or three


def test_forecast_page_axis_in_the_svg(demo):
    from raak.picture.exports import text_width

    html = Client().get(f"{P}/verwacht/").content.decode()
    svg = re.search(r'<svg class="timeline".*?</svg>', html, re.S).group(0)
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    ticks = [
        (float(x), label)
        for x, label in re.findall(r'<text x="([\d.]+)" y="11" text-anchor="middle">([^<]+)<', svg)
    ]
    _assert_axis_readable(ticks, width)
    assert all(text_width(label) > 0 for _x, label in ticks)


def test_forecast_axis_speaks_the_language(db):
    from django.utils import translation

    from raak.picture.exports import timeline

    items = _forecast_items(date(2012, 2, 1), date(2012, 4, 30))
    assert [label for _x, label in timeline(items).ticks][:3] == ["feb 2012", "mrt", "apr"]
    with translation.override("en"):
        assert [label for _x, label in timeline(items).ticks][:3] == ["Feb 2012", "Mar", "Apr"]


def test_theme_filter_shows_sub_themes_under_their_rubric(knowledge):
    from raak.knowledge.models import Theme

    html = Client().get(f"{P}/activiteiten/", {"thema": "meldcodes"}).content.decode()
    select = re.search(r'<select id="thema".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    names = {t.key: t.name for t in Theme.objects.all()}
    assert [label for label, _ in groups] == [names["zorgcontinuum"], names["beleid"]]
    beleid = re.findall(r'<option value="([\w-]+)"', groups[1][1])
    assert beleid == ["beleid", "handelingsprotocollen", "netwerk-aandachtsfunctionarissen",
                      "borging", "onderwijs", "communicatie"]  # fmt: skip
    assert f"{names['beleid']}: alle subthema’s" in groups[1][1]
    assert f'<option value="meldcodes" selected>{names["meldcodes"]}</option>' in groups[0][1]


def test_search_terms_are_marked_and_escaped(knowledge):
    from raak.lib.highlight import highlight

    assert highlight("Meldcode & <b>coördinator</b>", "coordinator") == (
        "Meldcode &amp; &lt;b&gt;<mark>coördinator</mark>&lt;/b&gt;"
    )
    assert highlight("Een meldcode.", "meldcodes") == "Een <mark>meldcode</mark>."
    assert highlight("a < b & c", "") == "a &lt; b &amp; c"
    q = "<meldcode> &"
    response = Client().get(f"{P}/activiteiten/", {"q": q})
    html = response.content.decode()
    results = re.search(r'<ul class="results">.*?</ul>', html, re.S).group(0)
    assert response.context["total"] > 0
    marked = re.findall(r"<mark>([^<]*)</mark>", results)
    assert marked and all(m.lower().startswith("meldcode") for m in marked)
    assert "<b>" not in results and results.count("<mark>") == results.count("</mark>")
    assert 'value="&lt;meldcode&gt; &amp;"' in html


def test_a_map_comes_alone_for_switching_without_reload(demo):
    c = Client()
    page = c.get(f"{P}/ronde/eindrapportage-2011/").content.decode()
    fragment_url = f"{P}/ronde/eindrapportage-2011/kaarten/werkplan/"
    assert f'href="?kaart=werkplan#kaarten" data-map-fragment="{fragment_url}"' in page
    assert 'src="/static/raak/maps.js' in page and '<div id="map-panel">' in page
    fragment = c.get(fragment_url).content.decode()
    assert "<html" not in fragment and '<h3 id="map-heading" tabindex="-1">' in fragment
    # The fragment is the same map the page shows for ?kaart=.
    full = c.get(f"{P}/ronde/eindrapportage-2011/?kaart=werkplan").content.decode()
    assert _svg(fragment) == _svg(full) and _key(fragment) == _key(full)
    assert c.get(f"{P}/ronde/eindrapportage-2011/kaarten/bestaat-niet/").status_code == 404


def test_report_figures_share_the_map_numbers(demo):
    """The report's map key and the page's key number regions alike; above the label
    limit the report names every region without numbers on the map."""
    from raak.picture.national import NationalPicture
    from raak.programmes.models import Round
    from raak.reports.figures import map_figures

    picture = NationalPicture(Round.objects.get(slug="eindrapportage-2011"))
    item = next(i for i in picture.summary.items if i.key == "werkplan")
    (figure,) = map_figures(picture, [item], {})
    html = Client().get(f"{P}/ronde/eindrapportage-2011/?kaart=werkplan").content.decode()
    on_page = {
        int(n): name for n, name in re.findall(r'<li value="(\d+)" data-region="([^"]+)"', html)
    }
    assert {k.number: k.name for k in figure.key} == on_page
    assert all(k.x is not None for k in figure.key) and "genummerd" in figure.desc


def test_report_figures_of_a_thousand_regions(db):
    from raak.picture.national import NationalPicture
    from raak.programmes.models import Round
    from raak.reports.figures import map_figures

    import_thousand_regions()
    picture = NationalPicture(Round.objects.get(programme__slug="duizend"))
    (figure,) = map_figures(picture, picture.summary.items, {})
    assert len(figure.key) == 1000 and all(k.x is None for k in figure.key)
    assert "genummerd" not in figure.desc and len(figure.map.places) == 12


def test_api_names_the_province(demo):
    region = Client().get(f"/api/v1/programmes{P}/regions/eindhoven").json()
    assert region["provinceCode"] == "PV30" and region["provinceName"] == "Noord-Brabant"


def test_activity_form_groups_sub_themes_under_their_rubric(knowledge, people):
    from raak.knowledge.models import Theme
    from tests.conftest import sign_in

    c = Client()
    sign_in(c, people["coord_a"])
    html = c.get(f"{P}/activiteiten/nieuw/").content.decode()
    select = re.search(r'<select name="theme".*?</select>', html, re.S).group(0)
    labels = re.findall(r'<optgroup label="([^"]+)">', select)
    rubrics = Theme.objects.filter(parent=None).order_by("position")
    assert labels == [t.name for t in rubrics]
    assert 'value="zorgcontinuum"' not in select and 'value="meldcodes"' in select
