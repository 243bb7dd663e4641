"""From a municipality (CBS 2025 name or code) to the region whose route map applies.

A region claims a municipality when it lists it as a member or when it is the region's
centrumgemeente (codes from before a merger are followed to their 2025 successor).
Where no region claims it, the nearest region by centrumgemeente is offered, with the
distance between the two municipalities' centroids, for the visitor to check.
"""

import math
import re
import unicodedata
from dataclasses import dataclass

from raak.lib import geo

CODE = re.compile(r"^(?:GM)?(\d{1,4})$", re.IGNORECASE)


def fold(text):
    """Lower case without diacritics or punctuation: "Súdwest-Fryslân" ~ "sudwest fryslan"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str


def municipalities():
    """All 2025 municipalities, by name."""
    g = geo.load()
    return sorted((Municipality(a.code, a.name) for a in g.municipalities.values()),
                  key=lambda m: fold(m.name))  # fmt: skip


def search(query):
    """Municipalities matching a name or CBS code: an exact match alone, else those whose
    name starts with (or contains) the query."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    g = geo.load()
    m = CODE.match(query.replace(" ", ""))
    if m:
        code = f"GM{int(m.group(1)):04d}"
        area = g.municipality(code)
        return [Municipality(area.code, area.name)] if area else []
    q = fold(query)
    everything = municipalities()
    exact = [x for x in everything if fold(x.name) == q]
    if exact:
        return exact
    starts = [x for x in everything if fold(x.name).startswith(q)]
    return starts or [x for x in everything if q in fold(x.name)]


def _km(a, b):
    """Distance between two projected points of raak.lib.geo, in kilometres."""
    g = geo.load()
    per_degree_lat = g.height / (53.6 - 50.7)  # SVG units per degree of latitude
    return math.dist(a, b) / per_degree_lat * 111.2


@dataclass(frozen=True)
class Match:
    municipality: Municipality
    region: object  # the region whose route map applies, or None
    how: str  # "member", "centrumgemeente" or "nearest"
    km: float = 0.0


def region_for(municipality, regions):
    """`regions`: the programme's active regions, with municipalities prefetched."""
    g = geo.load()

    def now(code):
        return g.successors.get(code, code)

    for region in regions:
        if any(now(m.code) == municipality.code for m in region.municipalities.all()):
            return Match(municipality, region, "member")
    for region in regions:
        if region.centrumgemeente_code and now(region.centrumgemeente_code) == municipality.code:
            return Match(municipality, region, "centrumgemeente")
    here = g.municipalities[municipality.code].point
    best = None
    for region in regions:
        centre = g.municipality(region.centrumgemeente_code or "")
        if centre is None:
            continue
        km = _km(here, centre.point)
        if best is None or km < best.km:
            best = Match(municipality, region, "nearest", round(km))
    return best or Match(municipality, None, "nearest")
