"""Progress over rounds: reporting rates per round (as DHIS2's REPORTING_RATE and
REPORTING_RATE_ON_TIME), per milestone the share of regions done and partial at each
published round's peildatum, and expected versus achieved. A fixed number of queries,
whatever the number of rounds or regions (bench/progress.py): every count is made by
the database, grouped by round.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When

from raak.cycle.models import Submission
from raak.programmes import rule_tally
from raak.programmes.models import MilestoneStatus, Round


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def expected_regions(programme, rounds):
    """round id -> number of regions that exist on its peildatum; one query."""
    spans = list(programme.regions.values_list("valid_from", "valid_to"))
    return {
        r.id: sum(
            1 for start, end in spans
            if (start is None or start <= r.peildatum) and (end is None or r.peildatum <= end)
        )
        for r in rounds
    }  # fmt: skip


@dataclass
class Rates:
    round: Round
    expected: int
    submitted: int  # submitted or accepted
    on_time: int  # of those, submitted on or before the deadline
    accepted: int

    @property
    def reporting_rate(self):
        return _percent(self.submitted, self.expected)

    @property
    def on_time_rate(self):
        return _percent(self.on_time, self.expected) if self.round.closes_on else None

    @property
    def accepted_rate(self):
        return _percent(self.accepted, self.expected)

    def as_dict(self):
        return {
            "round": self.round.slug, "expected": self.expected, "submitted": self.submitted,
            "on_time": self.on_time if self.round.closes_on else None, "accepted": self.accepted,
            "reporting_rate": self.reporting_rate, "on_time_rate": self.on_time_rate,
            "accepted_rate": self.accepted_rate,
        }  # fmt: skip


def rates(programme, rounds):
    """[Rates] for the rounds given; two queries."""
    rounds = list(rounds)
    expected = expected_regions(programme, rounds)
    done = Q(state__in=Submission.FROZEN)
    counts = {
        row["round_id"]: row
        for row in Submission.objects.filter(round__in=rounds)
        .values("round_id")
        .annotate(
            submitted=Count("id", filter=done),
            accepted=Count("id", filter=Q(state=Submission.ACCEPTED)),
            on_time=Count("id", filter=done & Q(submitted_at__date__lte=F("round__closes_on"))),
        )
    }
    return [
        Rates(r, expected[r.id], counts.get(r.id, {}).get("submitted", 0),
              counts.get(r.id, {}).get("on_time", 0), counts.get(r.id, {}).get("accepted", 0))
        for r in rounds
    ]  # fmt: skip


@dataclass
class Series:
    milestone: object
    points: list = field(default_factory=list)  # [(round, done %, partial %, done, partial)]


def milestone_progress(programme, rounds):
    """Per milestone, per round: the share of the round's regions done and partial; one
    query (plus the regions')."""
    rounds = list(rounds)
    expected = expected_regions(programme, rounds)
    counts = {}
    for round_id, milestone_id, status, n in (
        MilestoneStatus.objects.filter(
            round__in=rounds, status__in=[MilestoneStatus.DONE, MilestoneStatus.PARTIAL]
        )
        .values("round_id", "milestone_id", "status")
        .annotate(n=Count("id"))
        .values_list("round_id", "milestone_id", "status", "n")
    ):
        counts[(round_id, milestone_id, status)] = n
    out = []
    for m in programme.milestones.all():
        s = Series(m)
        for r in rounds:
            done = counts.get((r.id, m.id, MilestoneStatus.DONE), 0)
            partial = counts.get((r.id, m.id, MilestoneStatus.PARTIAL), 0)
            s.points.append((r, _percent(done, expected[r.id]) or 0,
                             _percent(partial, expected[r.id]) or 0, done, partial))  # fmt: skip
        out.append(s)
    return out


def expected_vs_achieved(rounds):
    """Per round after the first: how many (region, milestone) pairs the previous round
    expected to be done by this round's peildatum, and how many of those were; one
    query whatever the number of rounds (the pairing of each round with the next is a
    CASE in the query)."""
    rounds = list(rounds)
    if len(rounds) < 2:
        return []
    pairs = list(zip(rounds, rounds[1:], strict=False))
    next_round = Case(*[When(round_id=a.id, then=Value(b.id)) for a, b in pairs],
                      output_field=IntegerField())  # fmt: skip
    next_peildatum = Case(*[When(round_id=a.id, then=Value(b.peildatum)) for a, b in pairs])
    achieved = MilestoneStatus.objects.filter(
        round_id=OuterRef("next_round"), region_id=OuterRef("region_id"),
        milestone_id=OuterRef("milestone_id"), status=MilestoneStatus.DONE,
    )  # fmt: skip
    rows = (
        MilestoneStatus.objects.filter(
            round__in=[a for a, _b in pairs], status__in=MilestoneStatus.WITH_PERIOD
        )
        .annotate(next_round=next_round, next_peildatum=next_peildatum)
        .filter(expected_latest__lte=F("next_peildatum"))
        .annotate(achieved=Exists(achieved))
        .values("round_id")
        .annotate(said=Count("id"), were=Count("id", filter=Q(achieved=True)))
    )
    counts = {row["round_id"]: row for row in rows}
    return [
        {"round": b, "said": counts.get(a.id, {}).get("said", 0),
         "were": counts.get(a.id, {}).get("were", 0)}
        for a, b in pairs
    ]  # fmt: skip


# --- the chart: an SVG line chart drawn by the template from these numbers -----------

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 300, 44, 16, 12, 40


@dataclass
class Chart:
    lines: list  # [(label, "x,y x,y ...", [(x, y, value)], css class)]
    x_ticks: list  # [(x, label)]
    y_ticks: list  # [(y, label)]
    width: int = WIDTH
    height: int = HEIGHT


def line_chart(series, rounds):
    """Each milestone's share done (0-100 %) over the rounds, as SVG coordinates."""
    rounds = list(rounds)
    n = len(rounds)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i):
        return round(LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2), 1)

    def y(percent):
        return round(TOP + inner_h * (1 - percent / 100), 1)

    lines = []
    for k, s in enumerate(series):
        points = [(x(i), y(p[1]), p[1]) for i, p in enumerate(s.points)]
        lines.append((s.milestone, " ".join(f"{px},{py}" for px, py, _v in points), points,
                      f"series-{k % 8}"))  # fmt: skip
    x_ticks = [(x(i), r.peildatum) for i, r in enumerate(rounds)]
    y_ticks = [(y(p), f"{p} %") for p in (0, 25, 50, 75, 100)]
    return Chart(lines, x_ticks, y_ticks)


# --- rule results per round: the counts kept by raak.programmes.rule_tally -------------


def outstanding(programme, rounds):
    """Per round (in the order given) its RuleTally: errors and warnings without a
    justification still open over every region, warnings justified, regions with
    something open. Three queries when every kept count is current
    (rule_tally.for_rounds); a round whose data or rules changed is counted again."""
    rounds = list(rounds)
    tallies = rule_tally.for_rounds(programme, rounds)
    out = []
    for r in rounds:
        t = tallies[r.id]
        t.round = r
        out.append(t)
    return out


def _step(highest):
    """A round step for four grid lines that reach `highest`: 1, 2, 5, 10, 20, ..."""
    step = 1
    while step * 4 < highest:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if step * 4 >= highest:
                break
    return step


@dataclass
class BarChart:
    bars: list  # [(x, y, width, height, css class, value, round, label x, label y)]
    x_ticks: list  # [(x, peildatum)]
    y_ticks: list  # [(y, count)]
    width: int = WIDTH
    height: int = HEIGHT


def bar_chart(tallies):
    """Errors and open warnings per round as pairs of bars, as SVG coordinates."""
    n = len(tallies)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = _step(max([max(t.errors, t.warnings_open) for t in tallies] + [1]))
    top = step * 4
    slot = inner_w / max(n, 1)
    width = min(24.0, slot * 0.38)
    bars, x_ticks = [], []
    for i, t in enumerate(tallies):
        middle = LEFT + slot * (i + 0.5)
        x_ticks.append((round(middle, 1), t.round.peildatum))
        for j, (value, css) in enumerate(((t.errors, "bar-error"),
                                          (t.warnings_open, "bar-warning"))):  # fmt: skip
            height = inner_h * value / top
            x, y = middle - width + j * width, TOP + inner_h - height
            bars.append((round(x, 1), round(y, 1), round(width, 1), round(height, 1), css, value,
                         t.round, round(x + width / 2, 1), round(y - 3, 1)))  # fmt: skip
    y_ticks = [(round(TOP + inner_h * (1 - k / 4), 1), step * k) for k in range(5)]
    return BarChart(bars, x_ticks, y_ticks)
