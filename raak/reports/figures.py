"""Maps for the report: the picture app's maps, with a number at every region and a
numbered key beside the map, so names stay readable on paper (there is no hover)."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.safestring import mark_safe

from raak.picture import geo
from raak.picture.maps import MARKER_SIZE, build_map


@dataclass
class KeyRow:
    number: int
    name: str
    label: str  # status or answer, with its detail
    colour: str
    shape: str
    x: float | None
    y: float | None


@dataclass
class Figure:
    map: object  # picture.maps.Map
    alt: str  # the short text alternative: title of the SVG, /Alt of the PDF figure
    desc: str
    key: list


def _placed(picture):
    """(region, x, y) in the order picture.maps.build_map places the markers."""
    g = geo.load()
    by_point = defaultdict(list)
    for region in picture.regions:
        area = g.municipality(region.centrumgemeente_code)
        by_point[area.point if area else None].append(region)
    out = []
    for point, regions in by_point.items():
        for i, region in enumerate(regions):
            if point is None:
                out.append((region, None, None))
            else:
                x = point[0] + (i - (len(regions) - 1) / 2) * (MARKER_SIZE * 2.2)
                out.append((region, round(x, 1), point[1]))
    return out


def map_figures(picture, items, memberships):
    """One Figure per summary item (milestone or indicator)."""
    placed = _placed(picture)
    numbers = {r.id: n for n, r in enumerate(picture.regions, 1)}
    out = []
    # Province outlines only: regions are markers, and 342 municipal outlines per map
    # would triple the PDF's time and size for no reader. WeasyPrint draws SVG from
    # presentation attributes, not from the site's CSS.
    g = geo.load()
    base = mark_safe(  # noqa: S308 - our own boundary paths, built from numbers
        '<path fill="#f6f8fa" stroke="none" d="'
        + "".join(a.path for a in g.provinces.values())
        + '"/>'
        + "".join(
            f'<path fill="none" stroke="#57606a" stroke-width=".6" d="{a.path}"/>'
            for a in g.provinces.values()
        )
    )
    for item in items:
        the_map = build_map(picture, item, lambda r: "", memberships)
        the_map.base_layer = base
        key = []
        for (region, x, y), mark in zip(placed, the_map.regions, strict=True):
            label = mark.label[len(region.name) + 2 :]
            key.append(
                KeyRow(numbers[region.id], region.name, label, mark.colour, mark.shape, x, y)
            )
        key.sort(key=lambda k: k.number)
        counts = "; ".join(f"{e.label}: {e.count}" for e in the_map.legend)
        alt = f"Kaart {item.label}: {counts}."
        desc = (
            f"Kaart van Nederland met {len(key)} regio's, elk met een genummerd teken op de "
            "centrumgemeente; kleur en vorm geven de status. De tabel naast de kaart geeft "
            "per nummer de regio en haar status."
        )
        out.append(Figure(the_map, alt, desc, key))
    return out
