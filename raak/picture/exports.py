"""The forecast as CSV/XLSX, and as a timeline chart (server-rendered SVG)."""

from dataclasses import dataclass
from datetime import date

from django.utils import dateformat
from django.utils.translation import pgettext

from raak.lib import spreadsheets
from raak.programmes import wording

COLUMNS = [
    "regio", "mijlpaal", "status", "verwachte periode", "vroegste datum", "laatste datum",
    "over tijd", "toelichting",
]  # fmt: skip


def _rows(items):
    for it in items:
        s = it["status"]
        yield [
            s.region.name, wording.local(s.milestone), s.label, s.expected_text,
            s.expected_earliest.isoformat() if s.expected_earliest else "",
            s.expected_latest.isoformat() if s.expected_latest else "",
            "ja" if it["overdue"] else "nee", s.note,
        ]  # fmt: skip


def forecast(programme, rnd, items, fmt):
    name = f"verwacht-{programme.slug}-{rnd.slug}"
    fmt = "csv" if fmt == "csv" else "xlsx"
    return spreadsheets.download(name, COLUMNS, _rows(items), fmt, sheet="verwacht")


@dataclass
class Bar:
    label: str
    period: str
    x: float
    width: float
    y: float
    overdue: bool


@dataclass
class Timeline:
    bars: list
    ticks: list  # (x, label)
    width: float
    height: float
    label_width: float
    step: int = 12  # months between ticks


FONT_SIZE = 11  # of the axis labels, in SVG units (raak.css .timeline text)
# Months, quarters, years, five years, and beyond: the period parser takes any year
# from 1900 to 2099, so one typo ("2099") can stretch the axis over a century.
STEPS = (1, 3, 12, 60, 120, 300, 1200)


def _months(day, origin):
    return (day.year - origin.year) * 12 + day.month - origin.month + (day.day - 1) / 31


def _month(index):
    return date(index // 12, index % 12 + 1, 1)


def text_width(label, size=FONT_SIZE):
    """A label's width in SVG units: about .6 em a character (the site's sans-serif)."""
    return 0.6 * size * len(label)


def axis(start, end, available):
    """(step, first month, months spanned, [(month index, label)]) for an axis from
    `start` to `end`: the finest step (month, quarter, year, five years or more) whose labels
    do not overlap in `available` units. Labels name the year at January and at the
    first tick, and otherwise the month, in the active language."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    for step in STEPS:
        lo, hi = first - first % step, (last // step + 1) * step
        scale = available / (hi - lo)
        ticks = []
        for i in range(lo, hi + 1, step):
            if step >= 12 or i % 12 == 0:
                label = str(i // 12)
            else:
                # A format per language: Dutch writes "mrt", English "Mar".
                label = dateformat.format(_month(i), pgettext("timeline month", "b"))
                if i == lo:
                    label += f" {i // 12}"
            ticks.append((i, label))
        gap = FONT_SIZE * 0.8
        fits = all(
            (b - a) * scale >= (text_width(la) + text_width(lb)) / 2 + gap
            for (a, la), (b, lb) in zip(ticks, ticks[1:], strict=False)
        )
        if fits or step == STEPS[-1]:
            return step, lo, hi - lo, ticks
    raise AssertionError("unreachable")


def timeline(items, width=760, row=22, label_width=330):
    """A bar per expected status from its earliest to its latest day."""
    dated = [it for it in items if it["status"].expected_earliest]
    if not dated:
        return None
    start = min(it["status"].expected_earliest for it in dated)
    end = max(it["status"].expected_latest for it in dated)
    # Half a label of room at the right edge, so the last tick's label stays inside.
    available = width - label_width - 10 - text_width("2000") / 2
    step, lo, span, months = axis(start, end, available)
    origin = _month(lo)
    scale = available / span
    bars = []
    for n, it in enumerate(dated):
        s = it["status"]
        x0 = label_width + _months(s.expected_earliest, origin) * scale
        x1 = label_width + _months(s.expected_latest, origin) * scale + scale / 31
        bars.append(
            Bar(f"{s.region.name} · {wording.local(s.milestone)}", s.expected_text, round(x0, 1),
                round(max(x1 - x0, 3), 1), 24 + n * row, it["overdue"])
        )  # fmt: skip
    ticks = [(round(label_width + (i - lo) * scale, 1), label) for i, label in months]
    return Timeline(bars, ticks, width, 24 + len(dated) * row + 8, label_width, step)
