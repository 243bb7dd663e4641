"""Server-rendered SVG maps: each region coloured and shaped by its status.

A region with known member municipalities is drawn as the union of their shapes;
every region also gets a marker at its centrumgemeente, whose shape repeats the
category so the map never relies on colour alone. Regions that share a
centrumgemeente (Arnhem and Arnhem-Achterhoek) get markers side by side.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.safestring import mark_safe

from raak.picture import geo
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


def shape_path(shape, x, y, r=MARKER_SIZE):
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

    # Place markers: regions sharing a centrumgemeente sit side by side.
    by_point = defaultdict(list)
    for region in picture.regions:
        area = g.municipality(region.centrumgemeente_code)
        by_point[area.point if area else None].append(region)
    marks = []
    for point, regions in by_point.items():
        for i, region in enumerate(regions):
            c = cell(region)
            colour, shape = styles.get(c.category, UNKNOWN_STYLE)
            label = f"{region.name}: {c.label}" + (f" ({c.detail})" if c.detail else "")
            if c.overdue:
                label += ", over tijd"
            marker = ""
            if point is not None:
                x = point[0] + (i - (len(regions) - 1) / 2) * (MARKER_SIZE * 2.2)
                marker = shape_path(shape, x, point[1])
            areas = [
                g.municipalities[code].path
                for code in memberships.get(region.id, [])
                if code in g.municipalities
            ]
            marks.append(
                RegionMark(region.name, region_url(region), label, colour, shape, marker, areas)
            )
    return Map(
        item.key,
        item.label,
        legend,
        marks,
        g.width,
        g.height,
        mark_safe(g.base_layer),  # noqa: S308 - built from numbers in our own data files
    )
