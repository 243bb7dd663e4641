"""Maps for the report: the picture app's maps, with a number at every region and a
numbered key beside the map, so names stay readable on paper (there is no hover)."""

from dataclasses import dataclass, field

from django.utils.safestring import mark_safe

from raak.lib import geo
from raak.picture.maps import build_map, marker_size, shape_path


@dataclass
class KeyRow:
    number: int
    name: str
    label: str  # status or answer, with its detail
    colour: str
    shape: str
    x: float | None  # where the number is drawn; None: not on the map
    y: float | None
    anchor: str = "start"


@dataclass
class Figure:
    map: object  # picture.maps.Map
    alt: str  # the short text alternative: title of the SVG, /Alt of the PDF figure
    desc: str
    key: list  # empty: the regions are listed in the annex named by `annex`
    annex: str = ""
    layers: list = field(default_factory=list)  # [(colour, path)]: see marker_layers


def marker_layers(the_map):
    """A crowded map's markers as one path per colour and shape, in the legend's order:
    nine maps of 1,000 markers each were 9,000 SVG elements that WeasyPrint parsed, styled
    and drew one by one (about a quarter of a 1,000-region report's time). The nonzero
    fill rule with the ring's hole turned the other way (maps.shape_path) keeps
    overlapping markers whole. Maps with numbers (the demo's) keep a path per region."""
    size, paths = marker_size(len(the_map.regions)), {}
    for m in the_map.regions:
        if m.x is not None:
            paths.setdefault((m.colour, m.shape), []).append(
                shape_path(m.shape, m.x, m.y, size, nonzero=True)
            )
    return [(colour, "".join(d)) for (colour, _shape), d in paths.items()]


def map_figures(picture, items, memberships, annex=""):
    """One Figure per summary item (milestone or indicator). Numbers and their places
    come from picture.maps, so the report and the page number regions alike.

    `annex`: the title of the report's chapter that lists every region's status of these
    items. When the map is too crowded for numbers (picture.maps.LABEL_LIMIT) and there
    is such a chapter (reports.build names it above FULL_OVERVIEW_MAX regions), the figure
    has no key of its own: a key of 1,000 regions per map would repeat the annex once per
    milestone, and made most of the report's pages and time (bench/report.py)."""
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
        in_annex = bool(annex) and not the_map.numbered
        key = [] if in_annex else [
            KeyRow(m.number, m.name, m.status, m.colour, m.shape, m.number_x, m.number_y, m.anchor)
            for m in the_map.regions
        ]  # fmt: skip
        n = len(the_map.regions)
        counts = "; ".join(f"{e.label}: {e.count}" for e in the_map.legend)
        alt = f"Kaart {item.label}: {counts}."
        if the_map.numbered:
            desc = (
                f"Kaart van Nederland met {n} regio's, elk met een genummerd teken op de "
                "centrumgemeente; kleur en vorm geven de status. De tabel naast de kaart geeft "
                "per nummer de regio en haar status."
            )
        else:  # too many regions for numbers on the map (picture.maps.LABEL_LIMIT)
            where = (f"De status per regio staat in „{annex}”." if in_annex
                     else "De tabel naast de kaart geeft de regio's en hun status.")  # fmt: skip
            desc = (
                f"Kaart van Nederland met {n} regio's, elk met een teken op "
                "de centrumgemeente; kleur en vorm geven de status, de provincies staan met hun "
                f"naam op de kaart. {where}"
            )
        layers = [] if the_map.numbered else marker_layers(the_map)
        out.append(Figure(the_map, alt, desc, key, annex if in_annex else "", layers))
    return out
