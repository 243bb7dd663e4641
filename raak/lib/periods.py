"""Fuzzy expected periods: "Voorjaar 2011", "1e kwartaal 2011", "31 - 12 - 2011".

Regions write when they expect a milestone in their own words. We keep the text as
entered and add the earliest and latest day it can mean, so periods sort, filter
("overdue": latest day passed and still not done) and chart.

Seasons are meteorological (spring = March-May), as the KNMI counts them. "Voor X"
(before X) runs from the first of X's year up to the day before X starts; "medio"
(mid) is May-August; "begin" and "eind" are the first and last four months of a year.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

MONTHS = {
    # Dutch
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
    # English (where different)
    "january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10, "oct": 10,
}  # fmt: skip

# (first month, last month) of each season; winter runs into the next year.
SEASONS = {
    "voorjaar": (3, 5), "lente": (3, 5), "spring": (3, 5),
    "zomer": (6, 8), "summer": (6, 8),
    "najaar": (9, 11), "herfst": (9, 11), "autumn": (9, 11), "fall": (9, 11),
    "winter": (12, 14),
}  # fmt: skip

# Parts of a year by their (first month, last month).
PARTS = {
    "begin": (1, 4), "start": (1, 4), "early": (1, 4), "beginning of": (1, 4),
    "medio": (5, 8), "midden": (5, 8), "mid": (5, 8), "half": (5, 8), "middle of": (5, 8),
    "eind": (9, 12), "einde": (9, 12), "eind van": (9, 12), "end of": (9, 12), "end": (9, 12),
    "late": (9, 12),
    "1e helft": (1, 6), "eerste helft": (1, 6), "first half of": (1, 6), "h1": (1, 6),
    "2e helft": (7, 12), "tweede helft": (7, 12), "second half of": (7, 12), "h2": (7, 12),
}  # fmt: skip

ORDINALS = {
    "1": 1, "1e": 1, "1ste": 1, "eerste": 1, "first": 1, "1st": 1, "q1": 1,
    "2": 2, "2e": 2, "2de": 2, "tweede": 2, "second": 2, "2nd": 2, "q2": 2,
    "3": 3, "3e": 3, "3de": 3, "derde": 3, "third": 3, "3rd": 3, "q3": 3,
    "4": 4, "4e": 4, "4de": 4, "vierde": 4, "fourth": 4, "4th": 4, "q4": 4,
}  # fmt: skip

ACCEPTED_FORMS = [
    "2012",
    "Maart 2011",
    "Juni/juli 2011",
    "1e kwartaal 2011 (of Q1 2011)",
    "Voorjaar 2011 (lente, zomer, najaar, winter)",
    "medio 2011 (begin, eind, 1e helft, 2e helft)",
    "Voor zomer 2011 (voor + een van de vormen hierboven)",
    "1 juni 2011",
    "31-12-2011 (ook 31 - 12 - 2011 of 2011-12-31)",
]


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    text: str
    earliest: date
    latest: date


def _month_range(year, first, last):
    """From the first day of month `first` to the last day of month `last`.

    Months above 12 run into the next year (winter 2011 = Dec 2011 - Feb 2012).
    """
    start = date(year + (first - 1) // 12, (first - 1) % 12 + 1, 1)
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    end = date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return start, end


def _year(text):
    if re.fullmatch(r"(19|20)\d\d", text):
        return int(text)
    raise PeriodError


def _day(day, month, year):
    try:
        return date(int(year), month, int(day))
    except ValueError:
        raise PeriodError from None


def _parse_range(s):
    """Parse a normalised (lower case, single-spaced) period into (earliest, latest)."""
    # A plain year: "2012"
    if re.fullmatch(r"\d{4}", s):
        return _month_range(_year(s), 1, 12)

    # Numeric dates: "31-12-2011", "31 - 12 - 2011", "31/12/2011", "2011-12-31"
    m = re.fullmatch(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})", s)
    if m:
        d = _day(m[1], int(m[2]), m[3]) if 1 <= int(m[2]) <= 12 else None
        if d is None:
            raise PeriodError
        return d, d
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        if not 1 <= int(m[2]) <= 12:
            raise PeriodError
        d = _day(m[3], int(m[2]), m[1])
        return d, d

    # A day with a month name: "1 juni 2011", "June 1, 2011"
    m = re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", s) or None
    if m and m[2] in MONTHS:
        d = _day(m[1], MONTHS[m[2]], m[3])
        return d, d
    m = re.fullmatch(r"([a-z]+)\.? (\d{1,2}),? (\d{4})", s)
    if m and m[1] in MONTHS:
        d = _day(m[2], MONTHS[m[1]], m[3])
        return d, d

    # Months: "maart 2011", "juni/juli 2011", "juni-juli 2011", "juni t/m augustus 2011"
    m = re.fullmatch(
        r"([a-z]+)\.?(?:\s*(?:/|-|t/m|tot en met|en|to|through|or|of)\s*([a-z]+)\.?)? (\d{4})", s
    )
    if m and m[1] in MONTHS and (m[2] is None or m[2] in MONTHS):
        first = MONTHS[m[1]]
        last = MONTHS[m[2]] if m[2] else first
        if last < first:
            raise PeriodError
        return _month_range(_year(m[3]), first, last)

    # Quarters: "1e kwartaal 2011", "eerste kwartaal 2011", "Q1 2011", "first quarter 2011"
    m = re.fullmatch(r"(q[1-4]) (\d{4})", s) or re.fullmatch(
        r"([a-z0-9]+) (?:kwartaal|quarter)(?: of)? (\d{4})", s
    )
    if m and m[1] in ORDINALS:
        q = ORDINALS[m[1]]
        return _month_range(_year(m[2]), 3 * q - 2, 3 * q)

    # Seasons: "voorjaar 2011", "zomer 2011", "spring 2011"
    m = re.fullmatch(r"(?:de |het |the )?([a-z]+) (?:van |of )?(\d{4})", s)
    if m and m[1] in SEASONS:
        return _month_range(_year(m[2]), *SEASONS[m[1]])

    # Parts of a year: "medio 2011", "eind 2011", "2e helft 2011", "end of 2011"
    m = re.fullmatch(r"(.+?) (\d{4})", s)
    if m and m[1] in PARTS:
        return _month_range(_year(m[2]), *PARTS[m[1]])

    raise PeriodError


def parse_period(text):
    """Return a Period for `text` or raise PeriodError with the accepted forms."""
    raw = " ".join((text or "").split())
    if not raw:
        raise PeriodError(_("Vul een periode in."))
    s = raw.lower().replace("’", "'")
    s = re.sub(r"\s*,\s*", ", ", s).strip(" .")
    try:
        # "Voor zomer 2011", "voor de zomer van 2011", "before June 2011"
        m = re.fullmatch(r"(?:voor|vóór|before)(?: de| het| the)? (.+)", s)
        if m:
            start, _end = _parse_range(m[1])
            latest = start - timedelta(days=1)
            earliest = date(latest.year, 1, 1)
            return Period(raw, earliest, latest)
        earliest, latest = _parse_range(s)
    except PeriodError:
        raise PeriodError(
            _("“%(text)s” is geen periode die RAAK kent. Gebruik een van deze vormen: %(forms)s.")
            % {"text": raw, "forms": "; ".join(ACCEPTED_FORMS)}
        ) from None
    return Period(raw, earliest, latest)
