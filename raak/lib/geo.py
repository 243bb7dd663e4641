"""CBS/Kadaster boundaries (TopoJSON) as projected SVG paths, loaded once per process.

The files are quantised TopoJSON: arcs are delta-encoded integers, scaled by the
file's transform. We decode them, project longitude/latitude with a plain
equirectangular projection around 52.2°N (good enough at the scale of the
Netherlands), and keep for each municipality and province its SVG path and a
label point.
"""

import csv
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "geo"
ATTRIBUTION = "Kadaster / Centraal Bureau voor de Statistiek, 2025"

WIDTH = 440  # SVG user units; the height follows from the bounding box
LAT0 = math.radians(52.2)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    path: str  # SVG path data
    point: tuple  # (x, y) inside the largest ring, for markers and labels


@dataclass(frozen=True)
class Geo:
    width: float
    height: float
    provinces: dict  # code -> Area
    municipalities: dict  # code -> Area
    successors: dict  # old CBS code -> 2025 code
    base_layer: str  # the SVG of all province and municipality shapes, built once

    def municipality(self, code):
        return self.municipalities.get(self.successors.get(code, code))


def _decode_arcs(topology):
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        # Consecutive arcs share their end point; keep it once.
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _tenths(v):
    """An integer number of tenths as the shortest SVG number: 23 -> "2.3", -5 -> "-.5"."""
    whole, tenth = divmod(abs(v), 10)
    text = str(whole) if not tenth else (f"{whole}.{tenth}" if whole else f".{tenth}")
    return "-" + text if v < 0 else text


def _path_data(ring):
    """One ring as SVG path data: the first point absolute, then each step relative
    ("l"), in tenths of a unit, points that round onto the one before dropped. Half
    the bytes of absolute "L414.9,135.5" pairs, and every map (and the report's
    figures) draws all 342 municipalities. Steps are taken between rounded points, so
    rounding never accumulates."""
    points = []
    for x, y in ring:
        p = (round(x * 10), round(y * 10))
        if not points or p != points[-1]:
            points.append(p)
    out = [f"M{_tenths(points[0][0])},{_tenths(points[0][1])}" + ("l" if points[1:] else "")]
    first = True
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        for d in (x1 - x0, y1 - y0):
            text = _tenths(d)
            # A minus sign separates numbers itself.
            out.append(text if first or text.startswith("-") else "," + text)
            first = False
    return "".join(out) + "Z"


def _area(ring):
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def _centroid(ring):
    a = _area(ring)
    if not a:
        xs, ys = zip(*ring, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        f = x0 * y1 - x1 * y0
        cx += (x0 + x1) * f
        cy += (y0 + y1) * f
    return cx / (6 * a), cy / (6 * a)


def _load(name, obj):
    topology = json.loads((DATA / name).read_text(encoding="utf-8"))
    return topology, _decode_arcs(topology), topology["objects"][obj]["geometries"]


@lru_cache(maxsize=1)
def province_names():
    """CBS code -> province name ("PV30" -> "Noord-Brabant"), from the boundary file.

    Separate from load(): pages that only name a province should not decode every
    boundary."""
    topology = json.loads((DATA / "provincie_2025.topojson").read_text(encoding="utf-8"))
    return {
        g["properties"]["statcode"]: g["properties"]["statnaam"]
        for g in topology["objects"]["provincie_2025"]["geometries"]
    }


def province_name(code):
    """The province's name; an unknown code is shown as it is rather than hidden."""
    return province_names().get(code, code)


@lru_cache(maxsize=1)
def load():
    gm_topo, gm_arcs, gm_geoms = _load("gemeente_2025.topojson", "gemeente_2025")
    pv_topo, pv_arcs, pv_geoms = _load("provincie_2025.topojson", "provincie_2025")

    lon_min, lat_min, lon_max, lat_max = 3.3, 50.7, 7.3, 53.6
    kx = math.cos(LAT0)
    scale = WIDTH / ((lon_max - lon_min) * kx)
    height = (lat_max - lat_min) * scale

    def project(lon, lat):
        return ((lon - lon_min) * kx * scale, (lat_max - lat) * scale)

    def areas(geoms, arcs):
        out = {}
        for g in geoms:
            parts, best, best_area = [], None, -1.0
            for polygon in _polygons(g):
                for n, indexes in enumerate(polygon):
                    ring = [project(*p) for p in _ring(arcs, indexes)]
                    parts.append(_path_data(ring))
                    if n == 0 and abs(_area(ring)) > best_area:
                        best, best_area = ring, abs(_area(ring))
            props = g["properties"]
            cx, cy = _centroid(best)
            out[props["statcode"]] = Area(
                props["statcode"], props["statnaam"], "".join(parts), (round(cx, 1), round(cy, 1))
            )
        return out

    with open(DATA / "municipal_successors.csv", encoding="utf-8") as f:
        successors = {r["code"]: r["successor_code"] for r in csv.DictReader(f)}
    provinces, municipalities = areas(pv_geoms, pv_arcs), areas(gm_geoms, gm_arcs)
    # Every map draws the same base layer; rendering 354 paths through the template
    # engine on each request would dominate the page time.
    base_layer = "".join(
        [f'<path class="province" d="{a.path}"/>' for a in provinces.values()]
        + [f'<path class="municipality" d="{a.path}"/>' for a in municipalities.values()]
    )
    return Geo(WIDTH, round(height, 1), provinces, municipalities, successors, base_layer)
