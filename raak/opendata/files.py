"""An open-data table as CSV (UTF-8, RFC 4180), XLSX and CSV on the Web metadata.

CSV and XLSX go through `lib.spreadsheets`, so text a spreadsheet would run as
a formula is written as text. The CSVW metadata file (`<table>-metadata.json`) is a
table group: the table itself and the code lists its columns refer to (regions with
their CBS codes, the programme's statuses), each a CSV published beside it, so a CSVW
processor checks every foreign key.
"""

import json

from raak.lib import spreadsheets

CSV_TYPE, XLSX_TYPE, FORMATS = spreadsheets.CSV_TYPE, spreadsheets.XLSX_TYPE, spreadsheets.FORMATS
CSVW_TYPE = "application/csvm+json"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def as_csv(table):
    """RFC 4180: CRLF line ends, a header row, quotes where needed; UTF-8 without BOM
    (the CSVW default dialect)."""
    rows = ([_cell(v) for v in row] for row in table.rows)
    header = [c.name for c in table.columns]
    return spreadsheets.csv_text(header, rows, lineterminator="\r\n").encode("utf-8")


def as_xlsx(table):
    header = [c.name for c in table.columns]
    return spreadsheets.xlsx_bytes(header, table.rows, sheet=table.key, freeze_header=True)


def _datatype(column):
    if column.pattern:
        return {"base": column.datatype, "format": column.pattern}
    return column.datatype


def _schema(table):
    columns = []
    for c in table.columns:
        spec = {
            "name": c.name,
            "titles": {"nl": c.title_nl, "en": c.title_en},
            "datatype": _datatype(c),
        }
        if c.required:
            spec["required"] = True
        if c.description:
            spec["dc:description"] = c.description
        columns.append(spec)
    schema = {"columns": columns, "primaryKey": table.primary_key}
    keys = [
        {
            "columnReference": c.name,
            "reference": {"resource": f"{c.reference[0]}.csv", "columnReference": c.reference[1]},
        }
        for c in table.columns
        if c.reference
    ]
    if keys:
        schema["foreignKeys"] = keys
    return schema


def _table(table, round_name):
    return {
        "url": f"{table.key}.csv",
        "dc:title": [
            {"@value": table.title_nl, "@language": "nl"},
            {"@value": table.title_en, "@language": "en"},
        ],
        "dc:description": [
            {"@value": table.description_nl, "@language": "nl"},
            {"@value": table.description_en, "@language": "en"},
        ],
        "dc:temporal": round_name,
        "tableSchema": _schema(table),
    }


def csvw_metadata(table, tables, rnd, *, licence, publisher):
    """The CSVW metadata of `table` (a dict ready for JSON); `tables` holds the code
    lists it refers to."""
    group = [_table(table, rnd.name)]
    group += [_table(tables[key], rnd.name) for key in table.references]
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
        "dc:title": f"{rnd.programme.name}: {rnd.name}: {table.title_nl}",
        "dc:license": {"@id": licence},
        "dc:publisher": publisher,
        "dc:source": rnd.source or rnd.programme.source or "",
        "dialect": {"encoding": "utf-8", "lineTerminators": ["\r\n"], "header": True},
        "tables": group,
    }


def metadata_bytes(metadata):
    return json.dumps(metadata, ensure_ascii=False, indent=2).encode("utf-8")
