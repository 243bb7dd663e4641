"""The national picture of one round: what the national page, its maps and its
annex tables show. Built with a fixed number of queries, whatever the number of
regions (see bench/).

Statuses are read as plain rows, not model instances: at 1,000 regions × 7 milestones
building 7,000 MilestoneStatus objects was most of the page's time."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from raak.programmes import wording
from raak.programmes.models import (
    IndicatorCategory,
    IndicatorValue,
    MilestoneStatus,
    Region,
    Round,
)
from raak.programmes.summary import percent, summary_of

UNKNOWN = MilestoneStatus.UNKNOWN
# Above this many regions the national page lists regions in pages and the maps get a
# page of their own (issue #12: 150 ms at 1,000 regions); the seed's 37 keep one page.
FULL_OVERVIEW_MAX = 100
ANNEX_PAGE_SIZE = 50
PENDING_SHOWN = 10


@dataclass(slots=True)
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


class StatusRow(NamedTuple):
    """What the picture, its maps and the report need of a MilestoneStatus. Tuples of
    plain values, which the garbage collector stops tracking: at 1,000 regions the
    picture holds 7,000 of them, and collections were ~15 ms of the page (issue #12)."""

    WITH_PERIOD = MilestoneStatus.WITH_PERIOD
    FIELDS = ("id", "region_id", "milestone_id", "status", "expected_text",
              "expected_earliest", "expected_latest", "note")  # fmt: skip

    id: int
    region_id: int
    milestone_id: int
    status: str
    expected_text: str
    expected_earliest: date | None
    expected_latest: date | None
    note: str

    is_overdue = MilestoneStatus.is_overdue


class ValueRow(NamedTuple):
    """What the picture needs of an IndicatorValue."""

    region_id: int
    indicator_id: int
    category: IndicatorCategory
    date: date | None
    note: str


class RegionRow(NamedTuple):
    """What the picture, its maps, annex and report read of a Region: 1,000 model
    instances cost ~6 ms of the 1,000-region page (issue #12)."""

    FIELDS = ("id", "slug", "name", "province_code", "centrumgemeente_code")

    id: int
    slug: str
    name: str
    province_code: str
    centrumgemeente_code: str

    def __str__(self):
        return self.name


@dataclass(slots=True)
class Pending:
    region: RegionRow
    status: StatusRow | None
    overdue: bool
    label: str

    @property
    def text(self):
        """ "Amsterdam: verwacht voorjaar 2027", the period said once."""
        return wording.status_text(
            self.label, self.status.status if self.status else UNKNOWN,
            self.status.expected_text if self.status else "",
        )  # fmt: skip


class Before(NamedTuple):
    """A status of the previous round, as far as a move needs it."""

    status: str
    expected_text: str


@dataclass(slots=True)
class Move:
    """A region whose status on a milestone changed since the previous round. The
    texts are made when shown: a large programme shows only the first few."""

    region: RegionRow
    old: tuple  # (status, expected text) in the previous round, (UNKNOWN, "") if none
    new: object  # StatusRow or None
    picture: object

    @property
    def before(self):  # "gereed en/of in uitvoering"
        return self.picture._text(Before(*self.old))

    @property
    def after(self):  # "verwacht voorjaar 2027"
        return self.picture._text(self.new)


class Made(Sequence):
    """A list whose items are made when read: a 1,000-region programme has thousands
    of moves and pending regions, its page shows ten of each and their number, and
    making them all was ~10 ms and most of the garbage collector's work (issue #12)."""

    __slots__ = ("_rows", "_make")

    def __init__(self, rows, make):
        self._rows, self._make = rows, make

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._make(row) for row in self._rows[index]]
        return self._make(self._rows[index])


@dataclass
class ItemPicture:
    item: object  # summary.Item
    achieved_percent: float = 0.0
    change: int | None = None  # achieved now minus achieved in the previous round
    previous_achieved: int | None = None
    pending: list = field(default_factory=list)
    moves: list = field(default_factory=list)  # Move, since the previous round


# Positions in a status row (StatusRow.FIELDS). The picture keeps its 7,000 statuses
# as the plain tuples the database gives, which the garbage collector stops following,
# and makes a StatusRow of the few it hands out (issue #12).
_REGION, _MILESTONE, _STATUS, _EXPECTED, _EARLIEST, _LATEST = 1, 2, 3, 4, 5, 6


def status_rows(rnd):
    """{(region id, milestone id): row} of one round, rows in StatusRow.FIELDS order."""
    return {
        (row[_REGION], row[_MILESTONE]): row
        for row in MilestoneStatus.objects.for_national_picture(rnd).values_list(*StatusRow.FIELDS)
    }


def _status_row(row):
    return StatusRow._make(row) if row is not None else None


def _overdue(row, today):
    """StatusRow.is_overdue of a plain row."""
    latest = row[_LATEST]
    return row[_STATUS] in MilestoneStatus.WITH_PERIOD and latest is not None and latest < today


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
        # The programme's own words, in the current language (one query).
        self.status_labels = wording.status_labels(self.programme)
        self.regions = [
            RegionRow(*row)
            for row in Region.objects.filter(programme=self.programme)
            .active_on(rnd.peildatum)
            .values_list(*RegionRow.FIELDS)
        ]
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
        self.statuses = status_rows(rnd)
        by_id = {c.id: c for c in self.categories}
        self.values = {
            (region_id, indicator_id): ValueRow(
                region_id, indicator_id, by_id[category_id], day, note
            )
            for region_id, indicator_id, category_id, day, note in IndicatorValue.objects.filter(
                round=rnd
            ).values_list("region_id", "indicator_id", "category_id", "date", "note")
        }
        # Counted from the rows read above, as summarise() counts them in SQL: only
        # regions active on the peildatum (three queries and ~7 ms fewer at 1,000 regions).
        active = {r.id for r in self.regions}
        self.summary = summary_of(
            rnd, len(self.regions),
            Counter((s[_MILESTONE], s[_STATUS]) for s in self.statuses.values() if s[_REGION] in active),
            Counter(v.category.id for v in self.values.values() if v.region_id in active),
            self.milestones, self.categories,
        )  # fmt: skip
        if visible_rounds is None:
            visible_rounds = Round.objects.filter(programme=self.programme).visible_to_public()
        self.previous = (
            visible_rounds.filter(programme=self.programme, peildatum__lt=rnd.peildatum)
            .order_by("-peildatum")
            .first()
        )
        self.groups = wording.indicator_groups(self.programme, self.indicators)
        self.annex_key = self.programme.milestone_annex_key
        self.annex_title = wording.local(self.programme, "milestone_annex_title")
        self.items = self._items()
        by_key = {p.item.key: p for p in self.items if p.item.kind == "indicator"}
        for g in self.groups:
            g.items = [by_key[i.key] for i in g.indicators if i.key in by_key]

    def _previous_achieved(self):
        """{milestone id: regions done or partial} in the previous round, counted as its
        summary counts them (regions active on its peildatum), in one query: the whole
        summary of that round cost ~9 ms at 1,000 regions (issue #12)."""
        active = Region.objects.filter(programme=self.programme).active_on(self.previous.peildatum)
        return dict(
            MilestoneStatus.objects.filter(
                round=self.previous,
                region__in=active,
                status__in=(MilestoneStatus.DONE, MilestoneStatus.PARTIAL),
            )
            .values_list("milestone_id")
            .annotate(n=Count("id"))
            .order_by()
        )

    def _items(self):
        achieved_before = self._previous_achieved() if self.previous else None
        # Only what a move compares and says, as plain tuples (7,000 at 1,000 regions).
        before = (
            {(region_id, milestone_id): (status, expected)
             for region_id, milestone_id, status, expected in MilestoneStatus.objects.filter(
                 round=self.previous).values_list("region_id", "milestone_id", "status",
                                                  "expected_text")}
            if self.previous else {}
        )  # fmt: skip
        out = []
        milestones = {m.key: m for m in self.milestones}
        for item in self.summary.items:
            picture = ItemPicture(item, percent(item.achieved, self.summary.regions))
            if item.kind == "milestone":
                if achieved_before is not None:
                    picture.previous_achieved = achieved_before.get(milestones[item.key].id, 0)
                    picture.change = item.achieved - picture.previous_achieved
                    picture.moves = self.moves(milestones[item.key], before)
                picture.pending = self.pending(milestones[item.key])
            out.append(picture)
        return out

    def _text(self, s):
        if s is None:
            return self.status_labels[UNKNOWN]
        return wording.status_text(self.status_labels[s.status], s.status, s.expected_text)

    def moves(self, milestone, before):
        """Regions whose status or expected period on `milestone` differs from the
        previous round: "Amsterdam: gereed → verwacht voorjaar 2027". Kept as region
        positions (plain ints, nothing for the garbage collector to follow)."""
        nothing = (UNKNOWN, "")
        regions, statuses, m = self.regions, self.statuses, milestone.id
        out = []
        for i, region in enumerate(regions):
            key = (region.id, m)
            new = statuses.get(key)
            if before.get(key, nothing) != ((new[_STATUS], new[_EXPECTED]) if new else nothing):
                out.append(i)

        def move(i):
            key = (regions[i].id, m)
            return Move(regions[i], before.get(key, nothing), _status_row(statuses.get(key)), self)

        return Made(out, move)

    def pending(self, milestone):
        """Regions not (fully) done on a milestone, soonest expected first: overdue
        ones, then by the start of their expected period, then by name (three stable
        sorts, one key each: no key tuple per region)."""
        regions, m, today = self.regions, milestone.id, self.today
        status = [self.statuses.get((r.id, m)) for r in regions]
        out = [i for i, s in enumerate(status) if s is None or s[_STATUS] != MilestoneStatus.DONE]
        overdue = {i for i in out if status[i] is not None and _overdue(status[i], today)}
        far = date.max
        out.sort(key=lambda i: regions[i].name)
        out.sort(key=lambda i: (status[i][_EARLIEST] or far) if status[i] else far)
        out.sort(key=lambda i: i not in overdue)
        labels = self.status_labels
        return Made(out, lambda i: Pending(
            regions[i], _status_row(status[i]), i in overdue,
            labels[status[i][_STATUS] if status[i] else UNKNOWN]))  # fmt: skip

    # --- cells, for maps and annex tables ------------------------------------------

    def milestone_cell(self, region, milestone):
        s = _status_row(self.statuses.get((region.id, milestone.id)))
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
            return Cell("unknown", _("geen gegevens"))
        detail = v.date.strftime("%d-%m-%Y") if v.date else ""
        return Cell(v.category.key, wording.local(v.category, "label"), detail, obj=v)

    def categories_of(self, indicator):
        return [c for c in self.categories if c.indicator_id == indicator.id]

    def annex_rows(self, regions=None):
        """The annex tables as rows: region, then a cell per milestone, and per
        indicator group a list of cells (the seed's Bijlage 1 and 2), for `regions`
        (one page of them) or all."""
        rows = []
        for r in self.regions if regions is None else regions:
            cells = {i.id: self.indicator_cell(r, i) for i in self.indicators}
            rows.append({
                "region": r,
                "milestones": [self.milestone_cell(r, m) for m in self.milestones],
                "indicators": [cells[i.id] for i in self.indicators],
                "groups": [[cells[i.id] for i in g.indicators] for g in self.groups],
            })  # fmt: skip
        return rows

    def annex_groups(self, rows):
        """Per indicator group its own annex table: [{"group", "rows": [{"region", "cells"}]}]."""
        return [
            {"group": g, "rows": [{"region": r["region"], "cells": r["groups"][n]} for r in rows]}
            for n, g in enumerate(self.groups)
        ]
