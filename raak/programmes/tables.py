"""The programme exchange format: named tables of rows, read from and written to
JSON (one file per programme), CSV (one file per table) and XLSX (one sheet per table).

docs/import-format.md describes the format for people; TABLES below is the same
description for the code. Every row read keeps where it came from (file and row), so a
validation error can name the file, the row and the column.
"""

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.conf import settings

from raak.lib import spreadsheets

FORMAT = "raak-programme/1"

# table -> [(column, type)]; types: str (str:N has a maximum of N characters, plain
# str cleaning.TEXT_MAX), date, bool, list (of slugs)
TABLES = {
    "programme": [
        ("slug", "str:50"), ("name", "str:200"), ("period_start", "date"), ("period_end", "date"),
        ("description", "str"), ("source", "str"), ("name_en", "str:200"),
        ("milestone_annex_key", "str:50"), ("milestone_annex_title", "str:200"),
        ("milestone_annex_title_en", "str:200"),
    ],
    # The programme's words (wording.py); a file without these tables keeps the seed's.
    "status_labels": [("status", "str:12"), ("label", "str:200"), ("label_en", "str:200")],
    "indicator_groups": [
        ("key", "str:50"), ("name", "str:200"), ("name_en", "str:200"),
        ("annex_title", "str:200"), ("annex_title_en", "str:200"),
        ("annex_caption", "str:200"), ("annex_caption_en", "str:200"),
    ],
    "sections": [
        ("section", "str:20"), ("name", "str:100"), ("name_en", "str:100"),
        ("title", "str:200"), ("title_en", "str:200"), ("term", "str:200"), ("term_en", "str:200"),
    ],
    "milestones": [
        ("key", "str:50"), ("name", "str:200"), ("description", "str"), ("name_en", "str:200"),
        ("statuses", "list"), ("depends_on", "str:50"),
    ],
    "indicators": [
        ("key", "str:50"), ("name", "str:300"), ("description", "str"), ("name_en", "str:300"),
        ("group", "str:50"),
    ],
    "indicator_categories": [
        ("indicator", "str:50"), ("key", "str:50"), ("label", "str:200"), ("takes_date", "bool"),
        ("label_en", "str:200"),
    ],
    # Validation rules (rules.py); a file without this table keeps the programme's rules.
    "rules": [
        ("key", "str:50"), ("name", "str:200"), ("name_en", "str:200"), ("message", "str:500"),
        ("message_en", "str:500"), ("importance", "str:10"), ("scope", "str:10"),
        ("condition", "str:2000"),
    ],
    "regions": [
        ("slug", "str:50"), ("name", "str:200"), ("centrumgemeente_code", "str:6"),
        ("centrumgemeente_name", "str:100"), ("province_code", "str:4"), ("valid_from", "date"),
        ("valid_to", "date"), ("predecessors", "list"),
    ],
    "region_municipalities": [("region", "str:50"), ("code", "str:6"), ("name", "str:100")],
    "region_notes": [
        ("region", "str:50"), ("date_text", "str:100"), ("text", "str"), ("source", "str:300"),
    ],
    "rounds": [
        ("slug", "str:50"), ("name", "str:200"), ("peildatum", "date"), ("state", "str:10"),
        ("name_en", "str:200"), ("source", "str"),
    ],
    "milestone_statuses": [
        ("round", "str:50"), ("region", "str:50"), ("milestone", "str:50"), ("status", "str:12"),
        ("expected", "str:100"), ("note", "str"),
    ],
    "indicator_values": [
        ("round", "str:50"), ("region", "str:50"), ("indicator", "str:50"), ("category", "str:50"),
        ("date", "str:10"), ("note", "str"),
    ],
}  # fmt: skip

# How the JSON file nests tables: child table -> (parent table, key in parent, link column)
NESTED = {
    "indicator_categories": ("indicators", "categories", "indicator", "key"),
    "region_municipalities": ("regions", "municipalities", "region", "slug"),
    "region_notes": ("regions", "notes", "region", "slug"),
    "milestone_statuses": ("rounds", "milestone_statuses", "round", "slug"),
    "indicator_values": ("rounds", "indicator_values", "round", "slug"),
}

# The lists at the top of a JSON file, in the order they are written.
TOP_LEVEL = (
    "status_labels", "indicator_groups", "sections", "milestones", "indicators", "rules",
    "regions", "rounds",
)  # fmt: skip


@dataclass
class Row:
    file: str
    row: str  # "3" for a CSV/XLSX line, "regions[2]" for JSON
    data: dict


@dataclass
class Problem:
    file: str
    row: str
    column: str
    message: str

    def __str__(self):
        where = f"{self.file}, rij {self.row}" if self.row else self.file
        if self.column:
            where += f", kolom {self.column}"
        return f"{where}: {self.message}"


class FormatError(Exception):
    """The input could not be read or validated. `problems` lists every one found."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Tables:
    rows: dict = field(default_factory=dict)  # table name -> [Row]

    def get(self, name):
        return self.rows.get(name, [])


# --- reading -------------------------------------------------------------------------


def read(path):
    """Read a JSON file, an XLSX workbook, one CSV file (named after its table) or a
    directory of CSV files into Tables."""
    path = Path(path)
    if path.is_dir():
        return _read_csv_dir(path)
    if not path.exists():
        raise FormatError([Problem(str(path), "", "", "bestand bestaat niet")])
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        tables = Tables()
        _read_csv(path, tables)
        return tables
    raise FormatError(
        [Problem(path.name, "", "", "onbekend formaat; gebruik .json, .xlsx of .csv")]
    )


def _read_json(path):
    try:
        doc = json.loads(read_text(path, encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FormatError([Problem(path.name, "", "", f"geen geldige JSON: {e}")]) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise FormatError([Problem(path.name, "", "format", f'verwacht "format": "{FORMAT}"')])
    tables = Tables()
    name = path.name
    if "programme" in doc:
        if not isinstance(doc["programme"], dict):
            raise FormatError([Problem(name, "programme", "", "verwacht een object")])
        tables.rows["programme"] = [Row(name, "programme", doc["programme"])]
    for table in TOP_LEVEL:
        items = doc.get(table, [])
        if not isinstance(items, list):
            raise FormatError([Problem(name, table, "", "verwacht een lijst")])
        rows = tables.rows.setdefault(table, [])
        for i, item in enumerate(items):
            where = f"{table}[{i}]"
            if not isinstance(item, dict):
                raise FormatError([Problem(name, where, "", "verwacht een object")])
            nested_keys = {k for _c, (parent, k, _l, _p) in NESTED.items() if parent == table}
            rows.append(Row(name, where, {k: v for k, v in item.items() if k not in nested_keys}))
            for child, (parent, key, link, parent_key) in NESTED.items():
                if parent != table or key not in item:
                    continue
                children = item[key]
                if not isinstance(children, list):
                    raise FormatError([Problem(name, f"{where}.{key}", "", "verwacht een lijst")])
                target = tables.rows.setdefault(child, [])
                for j, sub in enumerate(children):
                    if not isinstance(sub, dict):
                        raise FormatError(
                            [Problem(name, f"{where}.{key}[{j}]", "", "verwacht een object")]
                        )
                    target.append(
                        Row(name, f"{where}.{key}[{j}]", {link: item.get(parent_key), **sub})
                    )
    return tables


def read_text(path, encoding="utf-8-sig"):
    """The text of an import file, refused unread when it is larger than
    IMPORT_MAX_UNCOMPRESSED_BYTES (the same cap as all members of an XLSX together)."""
    path = Path(path)
    limit = settings.ZIP_MAX_UNCOMPRESSED
    if path.stat().st_size > limit:
        raise FormatError([Problem(path.name, "", "", f"groter dan {limit // 1048576} MB "
                                   "(IMPORT_MAX_UNCOMPRESSED_BYTES); splits het bestand")])  # fmt: skip
    return path.read_text(encoding=encoding)


def csv_rows(text, filename, dialect=csv.excel):
    """(header, [(row number, values)]) from CSV text, every import's one CSV reader.
    Row 1 is the header, so the first data row is row 2, as a spreadsheet shows it.
    A file with more than IMPORT_MAX_ROWS rows, or a field over the csv module's limit
    (131,072 characters), is refused with its row and column named; never a traceback."""
    limit = settings.IMPORT_MAX_ROWS
    starts = []  # the offset in `text` of each line the reader has taken

    def lines():
        pos = 0
        for line in io.StringIO(text):
            starts.append(pos)
            pos += len(line)
            yield line

    reader = csv.reader(lines(), dialect)
    header, rows, before = [], [], 0
    try:
        header = next(reader, [])
        before = len(starts)
        for values in reader:
            if not values:
                before = len(starts)
                continue  # a blank line, as csv.DictReader skips it
            if len(rows) >= limit:
                raise FormatError([Problem(filename, str(len(rows) + 2), "",
                                           f"meer dan {limit:,} rijen; splits het bestand "
                                           "(IMPORT_MAX_ROWS)".replace(",", "."))])  # fmt: skip
            extra = values[len(header) :]
            if any(v.strip() for v in extra):
                # A value without a column would be dropped unseen: refuse the file.
                # Empty trailing fields (spreadsheet programs write them) are harmless.
                raise FormatError([Problem(filename, str(len(rows) + 2), str(len(header) + 1),
                                           f"{len(values)} waarden, maar de kop heeft "
                                           f"{len(header)} kolommen")])  # fmt: skip
            rows.append((len(rows) + 2, values))
            before = len(starts)
    except csv.Error as e:
        row = str(len(rows) + 2) if header else "1"
        offset = starts[before] if before < len(starts) else 0
        index = _long_field(text, offset, dialect)
        column = ""
        if index is not None:
            column = header[index] if index < len(header) else ""
            column = column or f"kolom {index + 1}"
        if "field larger" in str(e):
            message = f"een veld is langer dan {csv.field_size_limit():,} tekens".replace(",", ".")
        else:
            message = f"onleesbare CSV: {e}"
        raise FormatError([Problem(filename, row, column, message)]) from None
    return header, rows


def _long_field(text, offset, dialect):
    """The index of the first field longer than the csv module's limit in the record
    that starts at `offset`, or None: only to name the column in the message."""
    limit, quote, delimiter = csv.field_size_limit(), dialect.quotechar, dialect.delimiter
    index, length, quoted, i = 0, 0, False, offset
    while i < len(text):
        c = text[i]
        if quoted:
            if c == quote and text[i + 1 : i + 2] == quote:
                i += 1
                length += 1
            elif c == quote:
                quoted = False
            else:
                length += 1
        elif c == quote and length == 0:
            quoted = True
        elif c == delimiter:
            index, length = index + 1, 0
        elif c in "\r\n":
            return None
        else:
            length += 1
        if length > limit:
            return index
        i += 1
    return None


def _read_csv(path, tables):
    table = path.stem
    if table not in TABLES:
        raise FormatError(
            [Problem(path.name, "", "", f"onbekende tabel; bestandsnamen: {', '.join(TABLES)}")]
        )
    try:
        text = read_text(path)
    except UnicodeDecodeError:
        raise FormatError([Problem(path.name, "", "", "bestand is geen UTF-8")]) from None
    header, records = csv_rows(text, path.name)
    _check_header(path.name, table, header)
    tables.rows[table] = [
        Row(path.name, str(i), {h: spreadsheets.from_csv(values[n]) if n < len(values) else None
                                for n, h in enumerate(header)})
        for i, values in records
    ]  # fmt: skip


def _read_csv_dir(path):
    tables = Tables()
    files = sorted(path.glob("*.csv"))
    if not files:
        raise FormatError([Problem(str(path), "", "", "map bevat geen .csv-bestanden")])
    for f in files:
        _read_csv(f, tables)
    return tables


def _read_xlsx(path):
    try:
        sheets = spreadsheets.read_xlsx(path)
    except spreadsheets.SheetError as e:
        raise FormatError(
            [Problem(f"{path.name}:{s}" if s else path.name, r, c, m) for s, r, c, m in e.problems]
        ) from None
    tables = Tables()
    for title, header, rows in sheets:
        if title not in TABLES:
            raise FormatError([Problem(path.name, "", "", f"onbekend werkblad “{title}”")])
        _check_header(f"{path.name}:{title}", title, header)
        out = tables.rows[title] = []
        for i, values in rows:
            if all(v is None or v == "" for v in values):
                continue
            out.append(Row(f"{path.name}:{title}", str(i), dict(zip(header, values, strict=False))))
    return tables


def _check_header(name, table, header):
    expected = [c for c, _t in TABLES[table]]
    unknown = [h for h in header if h not in expected]
    if unknown:
        raise FormatError(
            [
                Problem(name, "1", h, f"onbekende kolom; verwacht: {', '.join(expected)}")
                for h in unknown
            ]
        )


# --- writing -------------------------------------------------------------------------


def _csv_value(kind, value):
    if value is None:
        return ""
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "list":
        return " ".join(value)
    return str(value)


def write_json(tables, path):
    """`tables` is {table: [dict]} with plain values (dates as ISO text)."""
    doc = {"format": FORMAT, "programme": tables["programme"][0]}
    for table in TOP_LEVEL:
        parents = [dict(r) for r in tables[table]]
        for child, (parent, key, link, parent_key) in NESTED.items():
            if parent != table:
                continue
            by_parent = {}
            for r in tables[child]:
                by_parent.setdefault(r[link], []).append({k: v for k, v in r.items() if k != link})
            for p in parents:
                p[key] = by_parent.get(p[parent_key], [])
        doc[table] = parents
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_csv_dir(tables, directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for table, columns in TABLES.items():
        with open(directory / f"{table}.csv", "w", newline="", encoding="utf-8") as f:
            w = spreadsheets.csv_writer(f)
            w.writerow([c for c, _t in columns])
            for r in tables[table]:
                w.writerow([_csv_value(kind, r.get(c)) for c, kind in columns])


def write_xlsx(tables, path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table, columns in TABLES.items():
        ws = wb.create_sheet(table)
        ws.append([c for c, _t in columns])
        for r in tables[table]:
            spreadsheets.xlsx_append(ws, [_csv_value(kind, r.get(c)) for c, kind in columns])
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).write_bytes(_stable_zip(buf.getvalue()))


def _stable_zip(data):
    """openpyxl stamps the save time into the file; fix the stamps so that the same
    data always gives the same bytes (export -> import -> export is identical)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _strip_times(content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, content)
    return out.getvalue()


def _strip_times(xml):
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
        rb"\g<1>2000-01-01T00:00:00Z\g<2>",
        xml,
    )
