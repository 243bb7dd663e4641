"""Server-rendered SVG maps: each region coloured and shaped by its status.

A region with known member municipalities is drawn as the union of their shapes;
every region also gets a marker at its centrumgemeente, whose shape repeats the
category so the map never relies on colour alone. Regions that share a
centrumgemeente (Arnhem and Arnhem-Achterhoek) get markers side by side, more than
three in a small grid.

Every region is identifiable without hovering: each has a number, drawn beside its
marker where it does not collide with other numbers or markers, and a key beside the
map gives number, name and status. Above LABEL_LIMIT regions numbers would be
unreadable: the map then names the provinces and the key groups the regions by
province instead. The page (national picture) and the report (reports.figures) draw
the same placement.

build_map is a pure function of the picture (one round's data), the item and the
active language, so its result can be cached per round, item, language and
data_version.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from raak.lib import geo
from raak.programmes.models import MilestoneStatus

# (fill colour, marker shape). Colours pass 3:1 contrast against the light base map.
MILESTONE_STYLE = {
    MilestoneStatus.DONE: ("#1a7f37", "circle"),
    MilestoneStatus.PARTIAL: ("#8250df", "diamond"),
    MilestoneStatus.EXPECTED: ("#bc4c00", "triangle"),
    MilestoneStatus.NOT_STARTED: ("#cf222e", "square"),
    MilestoneStatus.UNKNOWN: ("#57606a", "ring"),
}
PALETTE = [
    ("#1a7f37", "circle"),
    ("#0969da", "diamond"),
    ("#cf222e", "square"),
    ("#bc4c00", "triangle"),
    ("#8250df", "star"),
]
UNKNOWN_STYLE = ("#57606a", "ring")
MARKER_SIZE = 5.5
LABEL_LIMIT = 80  # more regions: no numbers on the map, a key grouped by province
NUMBER_SIZE = 10  # font size of a region's number, SVG units


@dataclass
class LegendEntry:
    key: str
    label: str
    colour: str
    shape: str
    count: int
    marker: str  # SVG path of the shape at (0, 0)


@dataclass
class RegionMark:
    name: str
    url: str
    label: str  # "Gouda: gedeeltelijk (Voorjaar 2011)"
    colour: str
    shape: str
    marker: str  # SVG path of the marker at its place
    areas: list  # SVG paths of member municipalities
    number: int = 0  # the region's number on the map and in the key
    status: str = ""  # the label without the name: "gedeeltelijk (Voorjaar 2011)"
    province: str = ""  # province name, for the grouped key
    x: float | None = None  # marker centre; None when the centrumgemeente is unknown
    y: float | None = None
    number_x: float | None = None  # where the number is drawn (None: not drawn)
    number_y: float | None = None
    anchor: str = "start"


@dataclass
class KeyGroup:
    name: str  # province name, or "" for regions without a province
    regions: list = field(default_factory=list)


@dataclass
class Place:
    name: str
    x: float
    y: float


def _circle(x, y, r, clockwise=False):
    """A circle as four cubic Bézier curves from its leftmost point: the same outline as
    two arcs to within 0.03 % of the radius, and a quarter of WeasyPrint's work."""
    r = round(r, 2)
    k, q = round(r * 0.5523, 2), round(r * (1 - 0.5523), 2)
    s = -1 if clockwise else 1
    return (
        f"M{x - r:.1f},{y:.1f}c0,{s * k} {q},{s * r} {r},{s * r}c{k},0 {r},{-s * q} {r},{-s * r}"
        f"c0,{-s * k} {-q},{-s * r} {-r},{-s * r}c{-k},0 {-r},{s * q} {-r},{s * r}Z"
    )


def shape_path(shape, x, y, r=MARKER_SIZE, nonzero=False):
    """The marker's outline at (x, y). `nonzero`: for a path many markers share (a
    crowded map in the report, reports.figures): the ring's hole runs the other way
    round, so it stays a hole under the nonzero fill rule, which keeps overlapping
    markers whole (even-odd would punch holes in them); circles are drawn as curves,
    which WeasyPrint draws at a quarter of the cost of arcs."""
    if nonzero and shape in ("circle", "ring"):
        return _circle(x, y, r) + (_circle(x, y, r * 0.45, True) if shape == "ring" else "")
    if shape == "circle":
        return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    if shape == "ring":  # a circle with a hole, drawn with even-odd fill
        s = r * 0.45
        return (
            f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
            f"M{x - s:.1f},{y:.1f}a{s},{s} 0 1,0 {2 * s},0a{s},{s} 0 1,0 {-2 * s},0Z"
        )
    if shape == "square":
        s = r * 0.85
        return f"M{x - s:.1f},{y - s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}Z"
    if shape == "diamond":
        return f"M{x:.1f},{y - r * 1.2:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r * 1.2:.1f}L{x - r:.1f},{y:.1f}Z"
    if shape == "triangle":
        return f"M{x:.1f},{y - r * 1.15:.1f}L{x + r * 1.1:.1f},{y + r * 0.8:.1f}L{x - r * 1.1:.1f},{y + r * 0.8:.1f}Z"
    # star
    return f"M{x:.1f},{y - r:.1f}L{x + r * 0.3:.1f},{y - r * 0.3:.1f}L{x + r:.1f},{y:.1f}L{x + r * 0.3:.1f},{y + r * 0.3:.1f}L{x:.1f},{y + r:.1f}L{x - r * 0.3:.1f},{y + r * 0.3:.1f}L{x - r:.1f},{y:.1f}L{x - r * 0.3:.1f},{y - r * 0.3:.1f}Z"


@dataclass
class Map:
    key: str
    title: str
    legend: list
    regions: list
    width: float
    height: float
    base_layer: str  # trusted SVG markup from our own boundary files
    attribution: str = geo.ATTRIBUTION
    numbered: bool = True  # numbers on the map; otherwise province names and a grouped key
    places: list = field(default_factory=list)  # province names drawn when not numbered
    number_size: float = NUMBER_SIZE

    @property
    def key_groups(self):
        """The key beside a map without numbers: regions by province, by name."""
        groups = defaultdict(list)
        for r in self.regions:
            groups[r.province].append(r)
        return [
            KeyGroup(name, sorted(rs, key=lambda r: r.name))
            for name, rs in sorted(groups.items(), key=lambda kv: (not kv[0], kv[0]))
        ]

    @property
    def attribution_x(self):
        return self.width - 4

    @property
    def attribution_y(self):
        return self.height - 4


def build_map(picture, item, region_url, memberships):
    """`item` is a summary.Item; `memberships` maps region id -> [CBS codes]."""
    g = geo.load()
    if item.kind == "milestone":
        milestone = next(m for m in picture.milestones if m.key == item.key)
        styles = dict(MILESTONE_STYLE)

        def cell(region):
            return picture.milestone_cell(region, milestone)
    else:
        indicator = next(i for i in picture.indicators if i.key == item.key)
        styles = {}
        for c in picture.categories_of(indicator):
            styles[c.key] = (
                UNKNOWN_STYLE if c.key == "unknown" else PALETTE[len(styles) % len(PALETTE)]
            )
        styles.setdefault("unknown", UNKNOWN_STYLE)
        styles.setdefault("missing", UNKNOWN_STYLE)

        def cell(region):
            return picture.indicator_cell(region, indicator)

    legend = [
        LegendEntry(c.key, c.label, *styles[c.key], c.count, shape_path(styles[c.key][1], 8, 8, 6))
        for c in item.categories
        if c.count
    ]

    numbered = len(picture.regions) <= LABEL_LIMIT
    size = marker_size(len(picture.regions))
    numbers = {r.id: n for n, r in enumerate(picture.regions, 1)}
    marks = []
    for region, x, y in place_markers(picture.regions, size):
        c = cell(region)
        colour, shape = styles.get(c.category, UNKNOWN_STYLE)
        status = c.label + (f" ({c.detail})" if c.detail else "")
        if c.overdue:
            status += ", " + gettext("over tijd")
        marks.append(
            RegionMark(
                region.name, region_url(region), f"{region.name}: {status}", colour, shape,
                shape_path(shape, x, y, size) if x is not None else "",
                [g.municipalities[code].path for code in memberships.get(region.id, [])
                 if code in g.municipalities],
                number=numbers[region.id], status=status, x=x, y=y,
                province=geo.province_name(region.province_code) if region.province_code else "",
            )
        )  # fmt: skip
    if numbered:
        place_numbers(marks, size, g.width, g.height)
    marks.sort(key=lambda m: m.number)
    places = (
        []
        if numbered
        else [Place(a.name, *a.point) for a in sorted(g.provinces.values(), key=lambda a: a.name)]
    )
    return Map(
        item.key,
        item.label,
        legend,
        marks,
        g.width,
        g.height,
        mark_safe(g.base_layer),  # noqa: S308 - built from numbers in our own data files
        numbered=numbered,
        places=places,
    )


def marker_size(count):
    """Markers shrink as regions grow beyond the label limit, so 1,000 still fit."""
    if count <= LABEL_LIMIT:
        return MARKER_SIZE
    return round(max(1.6, MARKER_SIZE * math.sqrt(LABEL_LIMIT / count)), 2)


def place_markers(regions, size=MARKER_SIZE):
    """(region, x, y) per region, in the order given; x, y None without a known place.

    Up to three regions on one centrumgemeente sit side by side, more in a square grid
    centred on it."""
    g = geo.load()
    by_point = defaultdict(list)
    for region in regions:
        area = g.municipality(region.centrumgemeente_code)
        by_point[area.point if area else None].append(region)
    step = size * 2.2
    out = []
    for point, together in by_point.items():
        columns = len(together) if len(together) <= 3 else math.ceil(math.sqrt(len(together)))
        rows = math.ceil(len(together) / columns)
        for i, region in enumerate(together):
            if point is None:
                out.append((region, None, None))
                continue
            col, row = i % columns, i // columns
            x = point[0] + (col - (columns - 1) / 2) * step
            y = point[1] + (row - (rows - 1) / 2) * step
            out.append((region, round(x, 1), round(y, 1)))
    return out


def _overlap(a, b):
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def number_box(mark, size=NUMBER_SIZE):
    """(x0, y0, x1, y1) of a drawn number: digits are about .6 em wide."""
    w, h = 0.6 * size * len(str(mark.number)), 0.75 * size
    x0 = {"start": mark.number_x, "middle": mark.number_x - w / 2, "end": mark.number_x - w}[
        mark.anchor
    ]
    return (x0, mark.number_y - h, x0 + w, mark.number_y)


def place_numbers(marks, size, width, height):
    """Put each region's number next to its marker where it collides with no marker
    and no number placed before it: a greedy search over eight positions at two
    distances, taking the least overlap when every position is taken. Regions are
    placed densest first, so crowded places get the first choice."""
    placed = [m for m in marks if m.x is not None]
    obstacles = [(m.x - size, m.y - size * 1.2, m.x + size, m.y + size * 1.2) for m in placed]

    def crowd(m):
        return sum(1 for o in placed if abs(o.x - m.x) < 25 and abs(o.y - m.y) < 25)

    h = 0.75 * NUMBER_SIZE
    for m in sorted(placed, key=lambda m: (-crowd(m), m.number)):
        best = None
        for d in (1.5, 1.5 + NUMBER_SIZE):
            r = size + d
            candidates = [
                (m.x + r, m.y + h / 2, "start"), (m.x - r, m.y + h / 2, "end"),
                (m.x, m.y - r, "middle"), (m.x, m.y + r + h, "middle"),
                (m.x + r * 0.8, m.y - r * 0.6, "start"), (m.x - r * 0.8, m.y - r * 0.6, "end"),
                (m.x + r * 0.8, m.y + r * 0.6 + h, "start"),
                (m.x - r * 0.8, m.y + r * 0.6 + h, "end"),
            ]  # fmt: skip
            for x, y, anchor in candidates:
                m.number_x, m.number_y, m.anchor = round(x, 1), round(y, 1), anchor
                box = number_box(m)
                if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
                    continue
                cost = sum(_overlap(box, o) for o in obstacles)
                if best is None or cost < best[0]:
                    best = (cost, m.number_x, m.number_y, anchor)
                if not cost:
                    break
            if best and not best[0]:
                break
        if best:
            _, m.number_x, m.number_y, m.anchor = best
            obstacles.append(number_box(m))
        else:
            m.number_x = m.number_y = None
