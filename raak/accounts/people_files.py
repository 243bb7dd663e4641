"""People as files: the list out (text, JSON, CSV) and a list of invitations in (CSV or
XLSX with columns email, name, role, region), checked row by row before anything is
written, like every other import."""

import csv
import json
import zipfile
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from raak.accounts import people as service
from raak.accounts.invitations import Invitation
from raak.accounts.models import Role
from raak.lib import safezip, spreadsheets
from raak.programmes.tables import FormatError, Problem, csv_rows, read_text

COLUMNS = ["email", "name", "role", "region"]
LIST_COLUMNS = ["username", "name", "email", "role", "region", "active", "two_factor"]


# --- out -----------------------------------------------------------------------------


def list_rows(programme):
    """One row per person and kind of role; an advisor's regions joined by ';'."""
    rows = []
    for p in service.people_of(programme):
        for _label, kind, regions in p.role_lines():
            rows.append(
                {
                    "username": p.user.get_username(),
                    "name": p.user.get_full_name(),
                    "email": p.user.email,
                    "role": kind,
                    "region": ";".join(r.slug for r in regions),
                    "active": p.user.is_active,
                    "two_factor": p.two_factor,
                }
            )
    return rows


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (= + - @, tab, CR) is written as text."""
    return spreadsheets.csv_cell(value)


def write_list(rows, fmt, out):
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(LIST_COLUMNS)
        for r in rows:
            w.writerow([_flat(r[c], safe=True) for c in LIST_COLUMNS])
        return
    table = [LIST_COLUMNS] + [[_flat(r[c]) for c in LIST_COLUMNS] for r in rows]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(LIST_COLUMNS))]
    for line in table:
        out.write("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        out.write("\n")


def _flat(value, safe=False):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return spreadsheet_safe(value) if safe else value


# --- in ------------------------------------------------------------------------------


def read_rows(path):
    """[(file, row number, {column: text})] from a CSV or XLSX file, or FormatError."""
    path = Path(path)
    if not path.is_file():
        raise FormatError([Problem(str(path), "", "", "bestand bestaat niet")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = read_text(path)
        except UnicodeDecodeError:
            raise FormatError([Problem(path.name, "", "", "bestand is geen UTF-8")]) from None
        header, records = csv_rows(text, path.name)
        _check_header(path.name, header)
        return [
            (path.name, str(i), {h: values[n] if n < len(values) else None
                                 for n, h in enumerate(header)})
            for i, values in records
        ]  # fmt: skip
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise FormatError([Problem(path.name, "", "", "onbekend formaat; gebruik .csv of .xlsx")])


def _read_xlsx(path):
    try:
        # The shared ZIP gate: uncompressed size, ratio, no DTD in any XML part.
        safezip.open_checked(path).close()
    except (safezip.UnsafeZip, zipfile.BadZipFile, OSError) as e:
        raise FormatError(
            [Problem(path.name, "", "", f"geen leesbaar XLSX-bestand: {e}")]
        ) from None
    try:
        # The gate above refused any DTD, so no entity can expand in here.
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise FormatError(
            [Problem(path.name, "", "", f"geen leesbaar XLSX-bestand: {e}")]
        ) from None
    ws = wb.worksheets[0]
    name = f"{path.name}:{ws.title}"
    try:
        # read_only parses the sheet lazily: broken or hostile XML shows up here.
        lines, cells = [], 0
        for line in ws.iter_rows(values_only=True):
            cells += len(line)
            if len(lines) > settings.IMPORT_MAX_ROWS or cells > settings.IMPORT_MAX_CELLS:
                raise FormatError([Problem(name, str(len(lines) + 1), "",
                                           "te veel rijen of cellen (IMPORT_MAX_ROWS, "
                                           "IMPORT_MAX_CELLS); splits het bestand")])  # fmt: skip
            lines.append(line)
    except FormatError:
        raise
    except Exception as e:
        raise FormatError([Problem(name, "", "", f"werkblad niet leesbaar: {e}")]) from None
    finally:
        wb.close()
    header = [str(h).strip() if h is not None else "" for h in (lines[0] if lines else [])]
    _check_header(name, header)
    rows = []
    for i, line in enumerate(lines[1:], start=2):
        if all(v in (None, "") for v in line):
            continue
        rows.append((name, str(i), dict(zip(header, line, strict=False))))
    return rows


def _check_header(name, header):
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in ("email", "role") if c not in header]
    problems = [
        Problem(name, "1", h, f"onbekende kolom; verwacht: {', '.join(COLUMNS)}") for h in unknown
    ] + [Problem(name, "1", c, "kolom ontbreekt") for c in missing]
    if problems:
        raise FormatError(problems)


def _text(value):
    return "" if value is None else str(value).strip()


def check_rows(programme, rows):
    """Validate every row; return [(row, email, name, kind, regions)] of the invitations
    to make and the number of rows that need nothing (the person has the role)."""
    regions = {r.slug: r for r in programme.regions.all()}
    pending = set(
        Invitation.objects.pending().filter(programme=programme).values_list("email", flat=True)
    )
    problems, todo, seen, unchanged = [], [], {}, 0
    for file, row, data in rows:
        email = _text(data.get("email")).lower()
        kind = _text(data.get("role")).lower()
        slugs = [
            s.strip() for s in _text(data.get("region")).replace(",", ";").split(";") if s.strip()
        ]

        def bad(column, message, file=file, row=row):
            problems.append(Problem(file, row, column, message))

        try:
            validate_email(email)
        except ValidationError:
            bad("email", f"“{email}” is geen geldig e-mailadres")
            continue
        if email in seen:
            bad("email", f"staat al in rij {seen[email]}; zet alle regio's in één rij")
            continue
        seen[email] = row
        if kind not in dict(Role.KINDS):
            bad("role", f"onbekende rol “{kind}”; verwacht: {', '.join(dict(Role.KINDS))}")
            continue
        unknown = [s for s in slugs if s not in regions]
        if unknown:
            bad("region", f"regio “{unknown[0]}” bestaat niet in {programme.slug}")
            continue
        chosen = [regions[s] for s in slugs]
        try:
            service.check_role(kind, chosen)
        except service.PeopleError as e:
            bad("region", str(e))
            continue
        if email in pending:
            bad("email", "voor dit adres staat al een uitnodiging open")
            continue
        if service.already_has(programme, email, kind, chosen):
            unchanged += 1
            continue
        todo.append((row, email, _text(data.get("name")), kind, chosen))
    if problems:
        raise FormatError(problems)
    return todo, unchanged


def import_invitations(programme, path, *, actor):
    """All or nothing: every row checked, then every invitation made in one transaction
    (their messages are queued in the same transaction)."""
    rows = read_rows(path)
    todo, unchanged = check_rows(programme, rows)
    name = Path(path).name
    with transaction.atomic():
        for row, email, person, kind, regions in todo:
            try:
                service.invite(programme, email=email, name=person, kind=kind, regions=regions,
                               actor=actor)  # fmt: skip
            except service.PeopleError as e:
                raise FormatError([Problem(name, row, "", str(e))]) from None
    return len(todo), unchanged
