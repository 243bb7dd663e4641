"""The national picture of one round: what the national page, its maps and its
annex tables show. Built with a fixed number of queries, whatever the number of
regions (see bench/)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from raak.programmes.models import (
    IndicatorCategory,
    IndicatorValue,
    MilestoneStatus,
    Region,
    Round,
)
from raak.programmes.summary import percent, summarise

UNKNOWN = MilestoneStatus.UNKNOWN


@dataclass
class Cell:
    """One region's answer on one milestone or indicator."""

    category: str
    label: str
    detail: str = ""  # expected period, date or note
    overdue: bool = False
    obj: object = None

    @property
    def annex(self):
        """The cell as the seed's annex table prints it (done is an X, in the template)."""
        if self.category == MilestoneStatus.PARTIAL:
            note = self.obj.note if self.obj else ""
            text = f"{self.label}: {note}" if note else self.label
            return f"{text} ({self.detail})" if self.detail and self.detail not in note else text
        if self.category == MilestoneStatus.EXPECTED:
            return self.detail
        return self.label


@dataclass
class Pending:
    region: Region
    status: MilestoneStatus
    overdue: bool
    label: str


@dataclass
class ItemPicture:
    item: object  # summary.Item
    achieved_percent: float = 0.0
    change: int | None = None  # achieved now minus achieved in the previous round
    previous_achieved: int | None = None
    pending: list = field(default_factory=list)


def reference_day(rnd):
    """Overdue is judged on the peildatum for a frozen round, on today for an open one."""
    return timezone.localdate() if rnd.is_open else rnd.peildatum


class NationalPicture:
    def __init__(self, rnd: Round, visible_rounds=None):
        """`visible_rounds`: the rounds the viewer may see (Access.visible_rounds());
        the change since the previous round compares only with one of those, so a
        round that was never published cannot leak through it. Default: public ones."""
        self.round = rnd
        self.programme = rnd.programme
        self.today = reference_day(rnd)
        # Status labels are lazy translations; resolving one per cell is slow.
        self.status_labels = {key: str(label) for key, label in MilestoneStatus.STATUSES}
        self.regions = list(
            Region.objects.filter(programme=self.programme).active_on(rnd.peildatum)
        )
        self.milestones = list(self.programme.milestones.all())
        self.categories = list(
            IndicatorCategory.objects.filter(indicator__programme=self.programme)
            .select_related("indicator")
            .order_by("indicator__position", "indicator__key", "position", "key")
        )
        self.indicators = []
        for c in self.categories:
            if not self.indicators or self.indicators[-1] != c.indicator:
                self.indicators.append(c.indicator)
        self.statuses = {
            (s.region_id, s.milestone_id): s
            for s in MilestoneStatus.objects.for_national_picture(rnd)
        }
        by_id = {c.id: c for c in self.categories}
        self.values = {}
        for v in IndicatorValue.objects.filter(round=rnd).only(
            "region_id", "indicator_id", "category_id", "date", "note"
        ):
            v.category = by_id[v.category_id]
            self.values[v.region_id, v.indicator_id] = v
        self.summary = summarise(rnd)
        if visible_rounds is None:
            visible_rounds = Round.objects.filter(programme=self.programme).visible_to_public()
        self.previous = (
            visible_rounds.filter(programme=self.programme, peildatum__lt=rnd.peildatum)
            .order_by("-peildatum")
            .first()
        )
        self.items = self._items()

    def _items(self):
        previous = summarise(self.previous) if self.previous else None
        prev_items = {i.key: i for i in previous.items} if previous else {}
        out = []
        milestones = {m.key: m for m in self.milestones}
        for item in self.summary.items:
            picture = ItemPicture(item, percent(item.achieved, self.summary.regions))
            if item.kind == "milestone":
                if item.key in prev_items:
                    picture.previous_achieved = prev_items[item.key].achieved
                    picture.change = item.achieved - picture.previous_achieved
                picture.pending = self.pending(milestones[item.key])
            out.append(picture)
        return out

    def pending(self, milestone):
        """Regions not (fully) done on a milestone, soonest expected first."""
        out = []
        for region in self.regions:
            s = self.statuses.get((region.id, milestone.id))
            if s is None or s.status != MilestoneStatus.DONE:
                label = self.status_labels[s.status if s else UNKNOWN]
                out.append(Pending(region, s, bool(s and s.is_overdue(self.today)), label))
        far = date.max
        out.sort(
            key=lambda p: (
                not p.overdue,
                (p.status.expected_earliest or far) if p.status else far,
                p.region.name,
            )
        )
        return out

    # --- cells, for maps and annex tables ------------------------------------------

    def milestone_cell(self, region, milestone):
        s = self.statuses.get((region.id, milestone.id))
        if s is None:
            return Cell(UNKNOWN, self.status_labels[UNKNOWN])
        return Cell(
            s.status,
            self.status_labels[s.status],
            s.expected_text,
            s.is_overdue(self.today),
            s,
        )

    def indicator_cell(self, region, indicator):
        v = self.values.get((region.id, indicator.id))
        if v is None:
            return Cell("unknown", "geen gegevens")
        detail = v.date.strftime("%d-%m-%Y") if v.date else ""
        return Cell(v.category.key, v.category.label, detail, obj=v)

    def categories_of(self, indicator):
        return [c for c in self.categories if c.indicator_id == indicator.id]

    def annex_rows(self):
        """Bijlage 1 and 2 as rows: region, then a cell per milestone and indicator."""
        return [
            {
                "region": r,
                "milestones": [self.milestone_cell(r, m) for m in self.milestones],
                "indicators": [self.indicator_cell(r, i) for i in self.indicators],
            }
            for r in self.regions
        ]
