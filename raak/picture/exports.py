"""The forecast as CSV/XLSX, and as a timeline chart (server-rendered SVG)."""

import io
from dataclasses import dataclass
from datetime import date

import openpyxl
from django.http import HttpResponse

from raak.programmes import spreadsheets

COLUMNS = [
    "regio", "mijlpaal", "status", "verwachte periode", "vroegste datum", "laatste datum",
    "over tijd", "toelichting",
]  # fmt: skip


def _rows(items):
    for it in items:
        s = it["status"]
        yield [
            s.region.name, s.milestone.name, s.get_status_display(), s.expected_text,
            s.expected_earliest.isoformat() if s.expected_earliest else "",
            s.expected_latest.isoformat() if s.expected_latest else "",
            "ja" if it["overdue"] else "nee", s.note,
        ]  # fmt: skip


def forecast(programme, rnd, items, fmt):
    name = f"verwacht-{programme.slug}-{rnd.slug}"
    if fmt == "csv":
        buf = io.StringIO()
        w = spreadsheets.csv_writer(buf)
        w.writerow(COLUMNS)
        w.writerows(_rows(items))
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        ext = "csv"
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "verwacht"
        ws.append(COLUMNS)
        for row in _rows(items):
            spreadsheets.xlsx_append(ws, row)
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        ext = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


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


def _months(day, origin):
    return (day.year - origin.year) * 12 + day.month - origin.month + (day.day - 1) / 31


def timeline(items, width=760, row=22, label_width=330):
    """A bar per expected status from its earliest to its latest day."""
    dated = [it for it in items if it["status"].expected_earliest]
    if not dated:
        return None
    start = min(it["status"].expected_earliest for it in dated)
    end = max(it["status"].expected_latest for it in dated)
    origin = date(start.year, 1, 1)
    span = max(_months(date(end.year + 1, 1, 1), origin), 1)
    scale = (width - label_width - 10) / span
    bars = []
    for n, it in enumerate(dated):
        s = it["status"]
        x0 = label_width + _months(s.expected_earliest, origin) * scale
        x1 = label_width + _months(s.expected_latest, origin) * scale + scale / 31
        bars.append(
            Bar(f"{s.region.name} · {s.milestone.name}", s.expected_text, round(x0, 1),
                round(max(x1 - x0, 3), 1), 24 + n * row, it["overdue"])
        )  # fmt: skip
    ticks = []
    for year in range(start.year, end.year + 1):
        for month in (1, 4, 7, 10):
            x = label_width + _months(date(year, month, 1), origin) * scale
            ticks.append((round(x, 1), f"{month:02d}-{year}" if month != 1 else str(year)))
    return Timeline(bars, ticks, width, 24 + len(dated) * row + 8, label_width)
