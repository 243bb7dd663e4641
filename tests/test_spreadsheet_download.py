"""spreadsheets.download: a table as a CSV or XLSX download, the one helper of every
export view, with user text that looks like a formula written as text."""

import csv
import io

import openpyxl
import pytest

from raak.lib import spreadsheets

HEADER = ["regio", "notitie", "aantal"]
ROWS = [
    ["Gouda", '=HYPERLINK("http://example.org")', 3],
    ["+31 6 1234", "-2+3", None],
    ["@SUM(A1)", "'al met apostrof", 0],
    ["Leiden", "gewoon", 12],
]


def test_csv_download_writes_formula_looking_cells_as_text():
    response = spreadsheets.download("tabel-1", HEADER, iter(ROWS), "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tabel-1.csv"'
    body = response.content.decode("utf-8")
    assert "\r" not in body  # LF, as every export wrote before
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["Gouda", '\'=HYPERLINK("http://example.org")', "3"],
        ["'+31 6 1234", "'-2+3", ""],
        ["'@SUM(A1)", "''al met apostrof", "0"],
        ["Leiden", "gewoon", "12"],
    ]
    # The CSV readers take exactly the escape off again.
    assert [spreadsheets.from_csv(v) for v in rows[2]] == ["+31 6 1234", "-2+3", ""]
    crlf = spreadsheets.download("t", HEADER, ROWS, "csv", lineterminator="\r\n")
    assert crlf.content.decode().count("\r\n") == len(ROWS) + 1


def test_xlsx_download_keeps_formula_looking_cells_as_text():
    response = spreadsheets.download("tabel-1", HEADER, ROWS, "xlsx", sheet="verwacht")
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="tabel-1.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws.title == "verwacht"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    # The text itself is unchanged; no cell is a formula, those that look like one carry
    # the quote prefix so they stay text when edited.
    assert values == [HEADER, *ROWS]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert [ws[f"B{n}"].quotePrefix for n in range(2, 6)] == [True, True, False, False]
    assert ws["A3"].quotePrefix and ws["A4"].quotePrefix and not ws["A2"].quotePrefix
    assert [c.data_type for c in ws[2]] == ["s", "s", "n"]
    # Without a sheet name openpyxl's own; a long one is cut to Excel's 31 characters.
    assert (
        openpyxl.load_workbook(
            io.BytesIO(spreadsheets.download("t", HEADER, ROWS, "xlsx").content)
        ).active.title
        == "Sheet"
    )
    long = spreadsheets.xlsx_bytes(HEADER, ROWS, sheet="x" * 40, freeze_header=True)
    ws = openpyxl.load_workbook(io.BytesIO(long)).active
    assert (ws.title, ws.freeze_panes) == ("x" * 31, "A2")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="ods"):
        spreadsheets.download("t", HEADER, ROWS, "ods")
