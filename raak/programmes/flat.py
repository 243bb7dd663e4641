"""Flat exchange files for the smaller kinds of data (activities, action points,
training, network, protocol checks): named tables of typed columns, as

- JSON: {"format": "raak-<kind>/1", "programme": SLUG, "<table>": [{...}, ...]}
- CSV:  a folder with one UTF-8 file per table, named after it (the programme given
        with --programme, or a one-row `programme.csv` with column `slug`)
- XLSX: one workbook, one sheet per table, plus a sheet `programme` with `slug`.

Rows come back cleaned (typed) with their place, so a loader can report
"file, row, column: reason" and change nothing when anything is wrong.
"""

import io
import json
from pathlib import Path

import openpyxl

from raak.lib import cleaning, spreadsheets
from raak.programmes.tables import FormatError, Problem, _stable_zip, csv_rows, read_text


def clean_int(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError("verwacht een geheel getal")
    if isinstance(value, int):
        return _in_range(value)
    if isinstance(value, float) and value.is_integer():
        return _in_range(int(value))
    text = cleaning.clean_str(value)
    try:
        if len(text) > 20:
            raise ValueError
        number = int(text)
    except ValueError:
        raise ValueError(f"“{str(value)[:40]}” is geen geheel getal") from None
    return _in_range(number)


def _in_range(number):
    # The database's integer columns hold 32 bits; PostgreSQL fails unnamed beyond.
    if not -(2**31) < number < 2**31:
        raise ValueError(f"{number} is te groot")
    return number


def clean_labels(value):
    """A list of free-text labels: a JSON list, or text separated by semicolons."""
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [cleaning.clean_str(v) for v in value if cleaning.clean_str(v)]
    return [v.strip() for v in cleaning.clean_str(value).split(";") if v.strip()]


CLEANERS = {**cleaning.CLEANERS, "int": clean_int, "labels": clean_labels}


def _check_columns(name, where, row, columns):
    unknown = sorted(set(row) - set(columns))
    if unknown:
        return [
            Problem(name, where, col, f"onbekende kolom; verwacht: {', '.join(columns)}")
            for col in unknown
        ]
    return []


def read(path, fmt, schema, programme_slug=None):
    """Return (programme slug, {table: [(file, where, cleaned row)]}) or raise FormatError."""
    path = Path(path)
    raw = {}  # table -> [(file, where, dict)]
    slug = programme_slug
    if path.is_dir():
        for f in sorted(path.glob("*.csv")):
            try:
                text = read_text(f)
            except UnicodeDecodeError:
                raise FormatError([Problem(f.name, "", "", "bestand is geen UTF-8")]) from None
            # Capped in rows, fields over the csv limit named by row and column.
            header, records = csv_rows(text, f.name)
            rows = [{h: spreadsheets.from_csv(values[n]) if n < len(values) else None
                     for n, h in enumerate(header)} for _i, values in records]  # fmt: skip
            if f.stem == "programme":
                slug = slug or (rows[0].get("slug") if rows else None)
            elif f.stem in schema:
                raw[f.stem] = [(f.name, str(i), r) for i, r in enumerate(rows, start=2)]
            else:
                raise FormatError(
                    [Problem(f.name, "", "", f"onbekende tabel; verwacht: {', '.join(schema)}")]
                )
    elif path.suffix.lower() == ".xlsx":
        try:
            sheets = spreadsheets.read_xlsx(path)
        except spreadsheets.SheetError as e:
            raise FormatError(
                [
                    Problem(f"{path.name}:{s}" if s else path.name, r, c, m)
                    for s, r, c, m in e.problems
                ]
            ) from None
        for title, header, rows in sheets:
            data = [
                (f"{path.name}:{title}", str(i), dict(zip(header, v, strict=False)))
                for i, v in rows
                if any(x not in (None, "") for x in v)
            ]
            if title == "programme":
                slug = slug or (data[0][2].get("slug") if data else None)
            elif title in schema:
                raw[title] = data
            else:
                raise FormatError([Problem(path.name, "", "", f"onbekend werkblad “{title}”")])
    elif path.suffix.lower() == ".json":
        try:
            doc = json.loads(read_text(path, encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise FormatError(
                [Problem(path.name, "", "", f"geen leesbaar JSON-bestand: {e}")]
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != fmt:
            raise FormatError([Problem(path.name, "", "format", f'verwacht "format": "{fmt}"')])
        slug = slug or doc.get("programme")
        for table in schema:
            rows = doc.get(table, [])
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise FormatError(
                    [Problem(path.name, table, "", "verwacht een lijst van objecten")]
                )
            raw[table] = [(path.name, f"{table}[{i}]", r) for i, r in enumerate(rows)]
    else:
        raise FormatError(
            [
                Problem(
                    path.name,
                    "",
                    "",
                    "gebruik een .json- of .xlsx-bestand of een map met .csv-bestanden",
                )
            ]
        )

    problems, out = [], {}
    for table, columns in schema.items():
        names = [c for c, _t in columns]
        out[table] = []
        for file, where, row in raw.get(table, []):
            found = _check_columns(file, where, row, names)
            data = {}
            for col, kind in columns:
                try:
                    if kind in ("list", "labels") and file.endswith(".json"):
                        if row.get(col) not in (None, "", []) and not isinstance(
                            row.get(col), list
                        ):
                            raise ValueError('verwacht een JSON-lijst, bijvoorbeeld ["a", "b"]')
                    data[col] = cleaning.cleaner(kind, CLEANERS)(row.get(col))
                except ValueError as e:
                    found.append(Problem(file, where, col, str(e)))
            problems += found
            if not found:
                out[table].append((file, where, data))
    if not slug:
        problems.append(Problem(path.name, "", "programme", "geef het programma op (--programme)"))
    if problems:
        raise FormatError(problems)
    return slug, out


def programme_for(slug, path):
    """The programme a file names, or a FormatError saying it does not exist."""
    from raak.programmes.models import Programme

    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise FormatError([Problem(str(path), "", "programme", f"programma “{slug}” bestaat niet")])
    return programme


def _cell(kind, value):
    if value is None:
        return ""
    if kind == "list":
        return " ".join(value)
    if kind == "labels":
        return "; ".join(value)
    if kind == "bool":
        return "yes" if value else "no"
    return value if kind == "int" else str(value)


def write(tables, fmt, schema, programme_slug, out_dir, name, file_format):
    """Write `tables` ({table: [dict]}) and return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if file_format == "json":
        doc = {"format": fmt, "programme": programme_slug, **{t: tables[t] for t in schema}}
        path = out / f"{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return [path]
    if file_format == "csv":
        paths = [out / "programme.csv"]
        paths[0].write_text(f"slug\n{programme_slug}\n", encoding="utf-8")
        for table, columns in schema.items():
            path = out / f"{table}.csv"
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = spreadsheets.csv_writer(f)
                w.writerow([c for c, _t in columns])
                for r in tables[table]:
                    w.writerow([_cell(k, r.get(c)) for c, k in columns])
            paths.append(path)
        return paths
    wb = openpyxl.Workbook()
    wb.active.title = "programme"
    wb.active.append(["slug"])
    wb.active.append([programme_slug])
    for table, columns in schema.items():
        ws = wb.create_sheet(table)
        ws.append([c for c, _t in columns])
        for r in tables[table]:
            spreadsheets.xlsx_append(ws, [_cell(k, r.get(c)) for c, k in columns])
    buf = io.BytesIO()
    wb.save(buf)
    path = out / f"{name}.xlsx"
    path.write_bytes(_stable_zip(buf.getvalue()))
    return [path]
