"""Turn raw cell values (CSV text, XLSX cells, JSON values) into typed values.

Each cleaner returns the value or raises ValueError with a message for the person who
made the file.
"""

import re
import unicodedata
from datetime import date, datetime

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GM_CODE = re.compile(r"^GM\d{4}$")
PV_CODE = re.compile(r"^PV\d{2}$")

TRUE = {"yes", "ja", "true", "waar", "1", "x"}
FALSE = {"no", "nee", "false", "onwaar", "0", ""}


def clean_str(value):
    if type(value) is str:  # nearly every cell: the fast way out
        if "\x00" in value:
            # PostgreSQL refuses NUL in text: without this the import ended in a
            # database error instead of a message naming the row (SQLite stored it).
            raise ValueError("bevat een NUL-teken (0x00)")
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet turns "2012" into 2012.0
    if isinstance(value, (list, dict)):
        raise ValueError("verwacht tekst")
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def clean_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return _in_range(value.date())
    if isinstance(value, date):
        return _in_range(value)
    text = clean_str(value)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"“{text}” is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2011-01-15"
        ) from None
    return _in_range(day)


# The range of every date people enter (lib.fields.DayField): an imported
# deadline of 9999-12-31 once made every reminder run overflow.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def _in_range(day):
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"{day.isoformat()} ligt buiten {FIRST_DAY.isoformat()} – {LAST_DAY.isoformat()}"
        )
    return day


def clean_bool(value):
    if isinstance(value, bool):
        return value
    text = clean_str(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"“{text}” is geen ja/nee; schrijf yes of no")


def clean_list(value):
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [clean_str(v) for v in value]
    return [v for v in re.split(r"[\s,;]+", clean_str(value)) if v]


CLEANERS = {"str": clean_str, "date": clean_date, "bool": clean_bool, "list": clean_list}

# Text without a column maximum of its own (notes, descriptions) is still capped, so a
# file cannot fill the database; docs/import-format.md lists every maximum.
TEXT_MAX = 10_000


def limited(text, limit):
    if len(text) > limit:
        raise ValueError(
            f"te lang: {len(text):,} tekens; het maximum is {limit:,}".replace(",", ".")
        )
    return text


def column_limit(kind):
    """The maximum length of a text column: `str:200` → 200, any other text → TEXT_MAX."""
    base, _sep, n = kind.partition(":")
    return int(n) if n else TEXT_MAX


def cleaner(kind, cleaners=CLEANERS):
    """The cleaner for a column type such as "str", "str:200", "date", "list"; text
    (and the items of a list together) is checked against its maximum, the same on
    SQLite (which would store anything) and PostgreSQL (which would fail unnamed)."""
    base = kind.partition(":")[0]
    clean, limit = cleaners[base], column_limit(kind)
    if base == "str":
        return lambda value: limited(clean(value), limit)
    if base in ("list", "labels"):

        def clean_items(value):
            if value not in (None, "") and not isinstance(value, (str, list, int, float)):
                raise ValueError("verwacht een lijst")
            items = clean(value)
            limited(" ".join(items), limit)
            return items

        return clean_items
    return clean


def check_slug(value):
    if not SLUG.match(value):
        raise ValueError(
            f"“{value}” is geen geldige sleutel; gebruik kleine letters, cijfers en streepjes"
        )
    return value


def normalise(text):
    """Lower case without diacritics, so "coördinator" finds "coordinator": for matching
    (catalogue search, coding suggestions), never for what is stored."""
    if not text:
        return ""
    if text.isascii():  # most words: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
