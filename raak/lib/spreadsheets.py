"""Writing user text into CSV and XLSX so that no spreadsheet runs it as a formula,
and reading it back unchanged. Every CSV/XLSX writer and reader of RAAK goes through
here.

CSV (the OWASP CSV-injection rule): text that starts with = + - @, a tab or a carriage
return is written with a leading apostrophe, which spreadsheets show as "this is
text". So that the escape can be taken off again without guessing, text that itself
starts with an apostrophe gets one too: the CSV readers strip exactly one leading
apostrophe. A hand-made CSV that means a leading apostrophe writes two.

XLSX: such text is stored as a string cell (never a formula) with Excel's "quote
prefix" style, so it stays text when someone edits the cell; the text itself is not
changed, and XLSX readers take it as it is. A formula cell in an imported workbook is
refused by the readers (see `formula_problem`).

A table as a download (a header and rows, CSV or XLSX) is `download`; the bytes alone
`csv_text` and `xlsx_bytes`.
"""

import csv
import io
import time

from django.conf import settings

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def needs_escape(value):
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value):
    if isinstance(value, str) and value.startswith((*FORMULA_START, ESCAPE)):
        return ESCAPE + value
    return value


def from_csv(value):
    """Undo csv_cell on a value read from a CSV file."""
    if isinstance(value, str) and value.startswith(ESCAPE):
        return value[1:]
    return value


class CsvWriter:
    """csv.writer whose rows are escaped with csv_cell."""

    def __init__(self, f, **kwargs):
        kwargs.setdefault("lineterminator", "\n")
        self._w = csv.writer(f, **kwargs)

    def writerow(self, row):
        return self._w.writerow([csv_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(f, **kwargs):
    return CsvWriter(f, **kwargs)


def xlsx_append(ws, row):
    """ws.append(row), with every text cell kept as text (never a formula)."""
    ws.append(list(row))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and (cell.data_type == "f" or needs_escape(cell.value)):
            cell.data_type = "s"
            cell.quotePrefix = True


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def csv_text(header, rows, *, lineterminator="\n"):
    """A table (a header row and rows) as CSV text, every cell through csv_cell."""
    buf = io.StringIO()
    write_csv(buf, header, rows, lineterminator=lineterminator)
    return buf.getvalue()


def write_csv(f, header, rows, *, lineterminator="\n"):
    w = csv_writer(f, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)


def xlsx_bytes(header, rows, *, sheet=None, freeze_header=False):
    """A table as a one-sheet workbook, every text cell kept as text (xlsx_append).
    `sheet`: the sheet's name (31 characters at most; openpyxl's "Sheet" without)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet[:31]
    xlsx_append(ws, header)
    for row in rows:
        xlsx_append(ws, row)
    if freeze_header:
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(filename, header, rows, fmt, *, sheet=None, lineterminator="\n"):
    """A table as a CSV or XLSX download: the HttpResponse, attachment
    `<filename>.<fmt>`, with no cell a spreadsheet would run as a formula."""
    from django.http import HttpResponse

    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}")
    response = HttpResponse(content_type=FORMATS[fmt])
    if fmt == "csv":
        write_csv(response, header, rows, lineterminator=lineterminator)
    else:
        response.content = xlsx_bytes(header, rows, sheet=sheet)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def formula_problem(cell):
    """A message when an imported XLSX cell is a formula (read with data_only=False),
    else None. The value a formula shows is not in the file reliably, and running it
    is what formula injection is about; so it is refused, not guessed."""
    if getattr(cell, "data_type", None) == "f":
        return f"cel {cell.coordinate} is een formule; typ de waarde zelf (als tekst)"
    return None


class SheetError(ValueError):
    """`problems` is a list of (sheet, row, column, message); sheet and row may be ""."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(p[3] for p in problems))


def uncached_formula_problem(cell):
    """The message for a formula cell whose workbook holds no value for it."""
    return (
        f"cel {cell.coordinate} is een formule zonder opgeslagen waarde; open het bestand "
        "in een spreadsheetprogramma en sla het op, of typ de waarde zelf"
    )


def read_xlsx(path, cached_formulas=False):
    """Every sheet of the workbook at `path` as (title, header, [(row number, values)]),
    after the ZIP gate (size, ratio, no DTD); a formula cell or an unreadable file
    raises SheetError. With `cached_formulas` (genuine XLSForms only) a formula cell
    gives the value its spreadsheet program stored with it, as pyxform reads it; only
    one without a stored value is refused. The formula itself is never run."""
    import openpyxl

    from raak.lib import safezip

    try:
        safezip.open_checked(path).close()
    except safezip.UnsafeZip as e:
        raise SheetError([("", "", "", f"geen leesbaar XLSX-bestand: {e}")]) from None
    sheets, problems = [], []
    max_rows, max_cells = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_CELLS
    cells_read = 0
    deadline = time.monotonic() + settings.IMPORT_MAX_SECONDS
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        # The same file again for the stored values: openpyxl gives a cell either its
        # formula or its value, never both.
        cached = None
        if cached_formulas:
            cached = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for n_sheet, ws in enumerate(wb.worksheets):
                rows = ws.iter_rows()
                values_of = None
                if cached is not None:
                    values_of = cached.worksheets[n_sheet].iter_rows(values_only=True)
                first = next(rows, ())
                if values_of is not None:
                    next(values_of, ())
                header = [str(c.value) if c.value is not None else "" for c in first]
                data = []
                for i, cells in enumerate(rows, start=2):
                    # Refuse as soon as a limit is passed, not after reading it all.
                    cells_read += len(cells)
                    if i - 1 > max_rows:
                        raise SheetError([(ws.title, str(i), "", f"meer dan {max_rows} rijen "
                                           "(IMPORT_MAX_ROWS); splits het bestand")])  # fmt: skip
                    if cells_read > max_cells:
                        raise SheetError([(ws.title, str(i), "", f"meer dan {max_cells} cellen "
                                           "(IMPORT_MAX_CELLS); splits het bestand")])  # fmt: skip
                    # A real time limit for the costly part, parsing: gunicorn's gthread
                    # workers do not end a long request (docs/security.md, "Time limits").
                    if i % 500 == 0 and time.monotonic() > deadline:
                        raise SheetError([(ws.title, str(i), "", "lezen duurt langer dan "
                                           f"{settings.IMPORT_MAX_SECONDS} s "
                                           "(IMPORT_MAX_SECONDS); splits het bestand")])  # fmt: skip
                    stored = next(values_of, ()) if values_of is not None else ()
                    values = []
                    for n, cell in enumerate(cells):
                        value = cell.value
                        message = formula_problem(cell)
                        if message and cached is not None:
                            value = stored[n] if n < len(stored) else None
                            message = uncached_formula_problem(cell) if value is None else None
                        if message:
                            column = header[n] if n < len(header) and header[n] else ""
                            problems.append((ws.title, str(i), column, message))
                        values.append(value)
                    data.append((i, tuple(values)))
                sheets.append((ws.title, header, data))
        finally:
            wb.close()
            if cached is not None:
                cached.close()
    except SheetError:
        raise
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise SheetError([("", "", "", f"geen leesbaar XLSX-bestand: {e}")]) from None
    if problems:
        raise SheetError(problems)
    return sheets
