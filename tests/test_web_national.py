"""The national picture of the demo round reads like the seed report."""

import re

from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from raak.lib import geo
from raak.programmes.models import Region

URL = "/raak-2008-2010/ronde/eindrapportage-2011/"


def text(html):
    html = re.sub(r'<span class="sr-only">[^<]*</span>', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def card(html, key):
    return text(
        re.search(
            rf'data-milestone="{key}".*?</li>\s*(?=<li class="card"|</ul>)', html, re.S
        ).group(0)
    )


def test_national_page_shows_the_seed_figures(demo):
    html = Client().get(URL).content.decode()
    assert "36 (97%)" in card(html, "werkplan")
    assert "29 (78%) , waarvan 2 gedeeltelijk" in card(html, "handelingsprotocol")
    assert "36 (97%)" in card(html, "scholingsplan")
    assert "37 (100%)" in card(html, "eindfoto")
    coordinator = text(
        re.search(r'data-indicator="regiocoordinator-na-2010".*?</table>', html, re.S).group(0)
    )
    for figure in ("26 70,3", "5 13,5", "6 16,2"):
        assert figure in coordinator
    stuurgroep = text(
        re.search(r'data-indicator="stuurgroep-na-2010".*?</table>', html, re.S).group(0)
    )
    assert "36 97,3" in stuurgroep and "1 2,7" in stuurgroep


def test_pending_regions_soonest_first(demo):
    html = Client().get(URL).content.decode()
    protocol = card(html, "handelingsprotocol")
    order = [m for m in re.findall(r"(\w[\w-]*) ?: (?:verwacht|gedeeltelijk)", protocol)]
    # Voorjaar/Voor zomer (from March/January) before Mei, Juni..., Nijmegen (2012) last.
    assert order[0] in ("Haarlem", "Arnhem-Achterhoek")
    assert order[-1] == "Nijmegen"
    assert "over tijd" not in protocol  # judged on the peildatum of a published round


def test_annex_tables_read_like_the_seed(demo):
    html = Client().get(URL).content.decode()
    annex = text(re.search(r'id="bijlage-1".*?</table>', html, re.S).group(0))
    assert "Nijmegen X X X 1e kwartaal 2011 2012 X X" in annex
    assert "Haarlem X X X X Voor zomer 2011 Voor zomer 2011 X" in annex
    annex2 = text(re.search(r'id="bijlage-2".*?</table>', html, re.S).group(0))
    assert (
        "Den Haag Ja, er is nog een regiocoördinator aangesteld na 2010, 31-12-2011 Gegevens onbekend (Is nog onbekend)"
        in annex2
    )
    assert (
        "Alkmaar Ja, de werkzaamheden zijn bij iemand anders ondergebracht (Werkzaamheden bij iemand anders) Ja"
        in annex2
    )


def test_map_has_one_labelled_marker_per_region_coloured_by_status(demo):
    html = Client().get(URL + "?kaart=handelingsprotocol").content.decode()
    svg = re.search(r'<svg class="map".*?</svg>', html, re.S).group(0)
    marks = re.findall(
        r'<a href="[^"]+" class="region" data-region="([^"]+)" data-shape="(\w+)" aria-label="([^"]+)"><title>[^<]+</title><path class="marker" fill="(#[0-9a-f]{6})"',
        svg,
    )
    assert len(marks) == Region.objects.count() == 37
    by_region = {name: (shape, label, colour) for name, shape, label, colour in marks}
    assert by_region["Gouda"][0] == "diamond" and by_region["Gouda"][1].startswith(
        "Gouda: gedeeltelijk"
    )
    assert by_region["Nijmegen"][0] == "triangle" and "(2012)" in by_region["Nijmegen"][1]
    assert by_region["Amsterdam"][0] == "circle"
    assert len({c for _s, _l, c in by_region.values()}) == 3  # done, partial, expected
    assert geo.ATTRIBUTION in svg
    assert "Kaart: Regionaal handelingsprotocol" in svg
    # Legend with counts, and the map as a list for screen readers.
    assert "gedeeltelijk: <strong>2</strong>" in html and "verwacht: <strong>8</strong>" in html


def test_every_centrumgemeente_is_on_the_map_in_its_province(demo):
    g = geo.load()
    for region in Region.objects.all():
        area = g.municipality(region.centrumgemeente_code)
        assert area is not None, region.name
        assert area.name in (region.centrumgemeente_name.replace("'s-", "'s-"), "Nissewaard"), (
            region.name
        )


def test_regions_sharing_a_centrumgemeente_get_separate_markers(demo):
    html = Client().get(URL + "?kaart=werkplan").content.decode()
    paths = dict(re.findall(r'data-region="(Arnhem(?:-Achterhoek)?)".*?d="([^"]+)"', html))
    assert paths["Arnhem"] != paths["Arnhem-Achterhoek"]


def test_every_map_renders(demo):
    c = Client()
    for key in ["intentieverklaring", "werkplan", "regiocoordinator-na-2010", "stuurgroep-na-2010"]:
        assert c.get(URL + f"?kaart={key}").status_code == 200
    assert c.get(URL + "?kaart=bestaat-niet").status_code == 404


def test_map_uses_member_municipalities_when_known(demo):
    from raak.programmes.models import RegionMunicipality

    gouda = Region.objects.get(slug="gouda")
    RegionMunicipality.objects.create(region=gouda, code="GM0513", name="Gouda")
    html = Client().get(URL + "?kaart=handelingsprotocol").content.decode()
    assert '<g aria-hidden="true" fill="#8250df" fill-opacity=".55"><path d="' in html


def test_english_is_available(demo):
    c = Client()
    c.post("/i18n/setlang/", {"language": "en", "next": URL})
    response = c.get(URL)
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()
    assert "Milestones" in response.content.decode()
    # Dutch by default, whatever the browser asks for.
    dutch = Client().get(URL, HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert dutch["Content-Language"] == "nl" and "Mijlpalen" in dutch.content.decode()


def _inside(point, path):
    """Even-odd ray casting over all rings of an SVG path (M, relative l, Z)."""
    x, y = point
    inside = False
    for ring in path.split("M")[1:]:
        # "x,y" then relative steps ("l dx dy ...", geo._path_data)
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", ring)]
        pts = [(numbers[0], numbers[1])]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            pts.append((pts[-1][0] + dx, pts[-1][1] + dy))
        for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def test_each_region_province_is_the_province_of_its_centrumgemeente(demo):
    # The seed names no provinces; the data file's province codes are checked here
    # against the CBS/Kadaster boundaries.
    g = geo.load()
    for region in Region.objects.all():
        point = g.municipality(region.centrumgemeente_code).point
        found = [code for code, area in g.provinces.items() if _inside(point, area.path)]
        assert found == [region.province_code], region.name


def _points(path):
    numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", path)]
    pts = [(numbers[0], numbers[1])]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
        pts.append((pts[-1][0] + dx, pts[-1][1] + dy))
    return [(round(x * 10), round(y * 10)) for x, y in pts]


@given(st.lists(st.tuples(st.floats(0, 800), st.floats(0, 900)), min_size=1, max_size=40))
def test_relative_path_data_gives_back_every_rounded_point(ring):
    # The maps' boundaries are written as steps between points rounded to tenths; read
    # back, they are those points exactly, without drift, repeats left out.
    expected = []
    for x, y in ring:
        p = (round(x * 10), round(y * 10))
        if not expected or expected[-1] != p:
            expected.append(p)
    data = geo._path_data(ring)
    assert data.startswith("M") and data.endswith("Z") and "--" not in data and "lZ" not in data
    assert _points(data[1:-1]) == expected
