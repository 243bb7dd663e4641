"""Which regions' route maps are filled in, published and recently checked: the seed's
"op papier klaar, nog niet in uitvoering" in data. Counts only what is published, so
the summary may be shown publicly."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from raak.routes.models import Publication, RegionRoute


def months_before(day, months):
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    for d in (day.day, 30, 29, 28):  # 31 March minus one month is 28/29 February
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale_months():
    return settings.ROUTE_MAP_STALE_MONTHS


@dataclass
class Row:
    region: object
    publication: object = None
    route: object = None
    steps: dict = field(default_factory=dict)  # step key -> number of published contacts
    stale: bool = True

    @property
    def complete(self):
        return bool(self.steps) and all(self.steps.values())

    @property
    def pending(self):
        """Draft changes not yet published."""
        if self.route is None or not self.route.revision:
            return False
        return self.publication is None or self.route.revision > self.publication.revision

    @property
    def checked_on(self):
        return self.publication.checked_on if self.publication else None


def overview(programme, today):
    steps = list(programme.route_steps.all())
    regions = list(programme.regions.active_on(today))
    latest = {}
    for p in Publication.objects.filter(region__in=regions).order_by("published_at", "id"):
        latest[p.region_id] = p  # the newest wins
    routes = {r.region_id: r for r in RegionRoute.objects.filter(region__in=regions)}
    cutoff = months_before(today, stale_months())
    rows = []
    for region in regions:
        pub = latest.get(region.id)
        contacts = pub.data.get("contacts", {}) if pub else {}
        row = Row(region, pub, routes.get(region.id),
                  {s.key: len(contacts.get(s.key, [])) for s in steps})  # fmt: skip
        row.stale = row.checked_on is None or row.checked_on < cutoff
        rows.append(row)
    return steps, rows


def summary(programme, today):
    """The national picture's counts. Read as plain values, not through overview():
    at 1,000 regions its objects were 18 ms of the page (issue #12). The same rules as
    Row: the newest publication per region, complete when every step has a contact."""
    steps = list(programme.route_steps.values_list("key", flat=True))
    regions = programme.regions.active_on(today)
    latest = {}
    for region_id, data, checked_on in (
        Publication.objects.filter(region__in=regions)
        .order_by("published_at", "id")
        .values_list("region_id", "data", "checked_on")
    ):
        latest[region_id] = (data, checked_on)  # the newest wins
    cutoff = months_before(today, stale_months())
    contacts = [data.get("contacts", {}) for data, _c in latest.values()]
    return {
        "regions": regions.count(),
        "steps": len(steps),
        "published": len(latest),
        "complete": sum(bool(steps) and all(c.get(k) for k in steps) for c in contacts),
        "stale": sum(c is None or c < cutoff for _d, c in latest.values()),
        "months": stale_months(),
    }
