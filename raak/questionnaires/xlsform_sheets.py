"""Reading an XLSForm workbook's sheets as text rows (xlsform.py turns them into a
questionnaire): the shared ZIP gate, cells as text, column names normalised, languages.

Formula cells: RAAK's own import formats refuse every formula (spreadsheets.read_xlsx).
Genuine XLSForms made in a spreadsheet program often hold some (`version` as
=TEXT(NOW(),...), `form_id` as =$B2); pyxform reads the value the program stored with
the formula, and so does `read_sheets(..., cached_formulas=True)`: only a formula
without a stored value is refused, with its sheet, row and column named.
"""

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl

from raak.lib import safezip, spreadsheets
from raak.programmes.tables import FormatError, Problem

LANG_CODE = re.compile(r"\(([a-zA-Z-]+)\)\s*$")


def _check_size(path):
    """The shared ZIP gate (uncompressed size, ratio, no DTD) before openpyxl reads."""
    try:
        safezip.open_checked(path).close()
    except safezip.UnsafeZip as e:
        raise FormatError(
            [Problem(Path(path).name, "", "", f"geen leesbaar XLSX-bestand: {e}")]
        ) from None
    except (OSError, zipfile.BadZipFile) as e:
        raise FormatError(
            [Problem(Path(path).name, "", "", f"geen leesbaar XLSX-bestand: {e}")]
        ) from None


def is_xlsform(path):
    path = Path(path)
    if not path.is_file() or path.suffix.lower() != ".xlsx":
        return False
    _check_size(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # openpyxl raises many kinds; the normal reader reports it
        return False
    names = [n.strip().lower() for n in wb.sheetnames]
    wb.close()
    return "survey" in names


def _cell(value):
    """Every cell as text: numbers without '.0', dates typed into a label as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()  # a date typed into a cell comes back as midnight
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


def _column(name):
    """'Label::English (en)' -> 'label::English (en)'; 'label: English (en)' too."""
    base, sep, lang = name.partition("::")
    if not sep and ":" in name:
        base, sep, lang = name.partition(":")
    base = base.strip().lower().replace(" ", "_")
    return f"{base}::{lang.strip()}" if sep else base


def read_sheets(path, any_sheet=False, cached_formulas=False):
    """{sheet: (header, [(row number, {column: text})])} for survey, choices, settings
    (or for every sheet, with `any_sheet`). Read through the shared reader: ZIP gate,
    formula cells refused with the cell named, or with `cached_formulas` read as the
    value stored with them (a genuine XLSForm; see the module's text)."""
    name = Path(path).name
    try:
        sheets = spreadsheets.read_xlsx(path, cached_formulas=cached_formulas)
    except spreadsheets.SheetError as e:
        raise FormatError(
            [Problem(f"{name}:{s}" if s else name, r, c, m) for s, r, c, m in e.problems]
        ) from None
    out = {}
    for title, header, data in sheets:
        sheet = title.strip().lower()
        if sheet not in ("survey", "choices", "settings") and not any_sheet:
            continue
        texts = [_cell(h) for h in header]
        header = texts if any_sheet else [_column(t) for t in texts]
        rows = []
        for i, values in data:
            cells = [_cell(v) for v in values]
            if any(cells):  # empty rows anywhere are left out
                rows.append((i, {h: t for h, t in zip(header, cells, strict=False) if h}))
        out[sheet] = (header, rows)
    return out


def _languages(header, base):
    """The language names of columns base / base::Language (code); '' for the plain one."""
    langs = []
    for h in header:
        if h == base:
            langs.append("")
        elif h.startswith(base + "::"):
            langs.append(h[len(base) + 2 :])
    return langs


def _main_language(langs, default):
    for lang in langs:
        m = LANG_CODE.search(lang)
        if m and m.group(1).lower() == "nl":
            return lang
    if default in langs:
        return default
    if "" in langs:
        return ""
    return langs[0] if langs else ""


def _texts(row, base, main, langs):
    """(text in the main language, {other language: {base: text}})."""
    key = lambda lang: f"{base}::{lang}" if lang else base  # noqa: E731
    others = {}
    for lang in langs:
        if lang != main and row.get(key(lang)):
            others[lang or "default"] = {base: row[key(lang)]}
    return row.get(key(main), ""), others


def _merge(*translations):
    out = {}
    for t in translations:
        for lang, texts in t.items():
            out.setdefault(lang, {}).update(texts)
    return out
