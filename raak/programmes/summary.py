"""Counts and percentages per milestone and indicator for one round.

The denominator is the number of regions active at the round's peildatum. A region
without a recorded status counts as unknown, so the categories always add up.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from raak.programmes import wording
from raak.programmes.models import (
    IndicatorCategory,
    IndicatorValue,
    MilestoneStatus,
    Programme,
    Region,
    Round,
)


def percent(count, total):
    """One decimal, half up, as the seed prints it (29 of 37 -> 78.4)."""
    if not total:
        return 0.0
    value = Decimal(count * 100) / Decimal(total)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class Category:
    key: str
    label: str
    count: int
    percent: float


@dataclass
class Item:
    key: str
    label: str
    kind: str  # "milestone" | "indicator"
    categories: list = field(default_factory=list)

    def category(self, key):
        return next((c for c in self.categories if c.key == key), None)

    @property
    def partial(self):
        """The partial category, or None for a milestone that does not use it."""
        return self.category("partial")

    @property
    def achieved(self):
        """Milestones: done plus partial, as the seed counts "in uitvoering genomen"."""
        done, partial = self.category("done"), self.category("partial")
        return (done.count if done else 0) + (partial.count if partial else 0)


@dataclass
class Summary:
    programme: Programme
    round: Round
    regions: int
    items: list

    def as_dict(self):
        return {
            "programme": self.programme.slug,
            "round": self.round.slug,
            "peildatum": self.round.peildatum.isoformat(),
            "regions": self.regions,
            "items": [asdict(item) for item in self.items],
        }


class RoundNotFound(Exception):
    pass


def find_round(programme_slug=None, round_slug=None, rounds=None):
    """The round to summarise: by slugs, or the latest round of the only programme.

    `rounds` limits the choice (e.g. to published rounds for the public)."""
    programmes = Programme.objects.all()
    if programme_slug:
        programme = programmes.filter(slug=programme_slug).first()
        if programme is None:
            raise RoundNotFound(f"programma “{programme_slug}” bestaat niet")
    else:
        found = list(programmes[:2])
        if len(found) != 1:
            names = ", ".join(p.slug for p in programmes) or "geen"
            raise RoundNotFound(f"kies een programma met --programme (aanwezig: {names})")
        programme = found[0]
    qs = (rounds if rounds is not None else Round.objects.all()).filter(programme=programme)
    if round_slug:
        rnd = qs.filter(slug=round_slug).first()
        if rnd is None:
            raise RoundNotFound(f"ronde “{round_slug}” bestaat niet in {programme.slug}")
    else:
        rnd = qs.order_by("-peildatum", "-slug").first()
        if rnd is None:
            raise RoundNotFound(f"programma {programme.slug} heeft geen ronde")
    return rnd


def summarise(rnd: Round) -> Summary:
    programme = rnd.programme
    active = Region.objects.filter(programme=programme).active_on(rnd.peildatum)
    total = active.count()

    status_counts = Counter()
    rows = (
        MilestoneStatus.objects.filter(round=rnd, region__in=active)
        .values_list("milestone_id", "status")
        .annotate(n=Count("id"))
    )
    for milestone_id, status, n in rows:
        status_counts[milestone_id, status] += n
    value_counts = Counter(
        dict(
            IndicatorValue.objects.filter(round=rnd, region__in=active)
            .values_list("category_id")
            .annotate(n=Count("id"))
        )
    )
    return summary_of(rnd, total, status_counts, value_counts)


def summary_of(rnd, total, status_counts, value_counts, milestones=None, categories=None):
    """The summary from counts: `total` active regions, `status_counts`
    {(milestone id, status): n} and `value_counts` {category id: n} of those regions.
    The national picture, which reads every status anyway, counts them itself
    (issue #12) and passes the milestones and categories it has read."""
    programme = rnd.programme
    labels = wording.status_labels(programme)
    items = []
    for m in programme.milestones.all() if milestones is None else milestones:
        recorded = sum(status_counts[m.id, key] for key, _l in MilestoneStatus.STATUSES)
        used = m.status_keys
        cats = []
        for key, _l in MilestoneStatus.STATUSES:
            n = status_counts[m.id, key] + (
                total - recorded if key == MilestoneStatus.UNKNOWN else 0
            )
            # A status the milestone does not use is left out, unless old data has it.
            if key in used or n:
                cats.append(Category(key, labels[key], n, percent(n, total)))
        items.append(Item(m.key, wording.local(m), "milestone", cats))

    if categories is None:
        categories = (
            IndicatorCategory.objects.filter(indicator__programme=programme)
            .select_related("indicator")
            .order_by("indicator__position", "indicator__key", "position", "key")
        )
    by_indicator = {}
    for c in categories:
        by_indicator.setdefault(c.indicator, []).append(c)
    for indicator, cats in by_indicator.items():
        answered = sum(value_counts[c.id] for c in cats)
        missing = total - answered
        out = []
        for c in cats:
            n = value_counts[c.id] + (missing if c.key == "unknown" else 0)
            out.append(Category(c.key, wording.local(c, "label"), n, percent(n, total)))
        if missing and not any(c.key == "unknown" for c in cats):
            out.append(Category("missing", _("geen gegevens"), missing, percent(missing, total)))
        items.append(Item(indicator.key, wording.local(indicator), "indicator", out))
    return Summary(programme, rnd, total, items)
