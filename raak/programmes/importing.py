"""Import a programme, or an update of one, from Tables. All or nothing.

First every row is validated against the file and what the database already holds;
every problem is collected. Only when there are none is anything written, in one
transaction. Changes to data that already existed are recorded field by field.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction

from raak.lib import cleaning
from raak.lib.cleaning import GM_CODE, PV_CODE, check_slug
from raak.lib.periods import PeriodError, parse_period
from raak.programmes import history, import_write, rules_import, wording_import
from raak.programmes.models import (
    IndicatorCategory,
    MilestoneStatus,
    Programme,
    Round,
)
from raak.programmes.tables import TABLES, FormatError, Problem

STATUS_KEYS = [k for k, _label in MilestoneStatus.STATUSES]
# A withdrawn publication comes last: an import may keep it, never re-publish it.
STATE_ORDER = [Round.OPEN, Round.CLOSED, Round.PUBLISHED, Round.WITHDRAWN]


def _json_list(file, kind, value):
    """In JSON a list is a list: "predecessors": "a b" is refused, not split."""
    if kind == "list" and file.endswith(".json") and value not in (None, []):
        if not isinstance(value, list):
            raise ValueError('verwacht een JSON-lijst, bijvoorbeeld ["gouda"]')


@dataclass
class Result:
    programme: Programme
    created: bool
    counts: dict


class Importer:
    def __init__(self, tables, programme_slug=None, actor="import", user=None):
        self.tables = tables
        self.programme_slug = programme_slug
        self.actor = actor
        self.user = user
        self.problems = []
        self.rows = {}  # table -> [(Row, cleaned dict)]

    # --- helpers ---------------------------------------------------------------------

    def problem(self, row, column, message):
        self.problems.append(Problem(row.file, row.row, column, message))

    def _clean(self):
        for table, columns in TABLES.items():
            out = self.rows[table] = []
            known = {c for c, _k in columns}
            # One cleaner per column, not per cell: a large programme has 500,000 cells.
            cleaners = [(col, kind, cleaning.cleaner(kind)) for col, kind in columns]
            for row in self.tables.get(table):
                unknown = row.data.keys() - known
                for col in sorted(unknown):
                    self.problem(row, col, "onbekende kolom")
                data, ok = {}, True
                for col, kind, clean in cleaners:
                    try:
                        _json_list(row.file, kind, row.data.get(col))
                        data[col] = clean(row.data.get(col))
                    except ValueError as e:
                        self.problem(row, col, str(e))
                        ok = False
                if ok:
                    out.append((row, data))

    def _required(self, row, data, *columns):
        ok = True
        for col in columns:
            if not data[col]:
                self.problem(row, col, "is verplicht")
                ok = False
        return ok

    def _slug(self, row, data, col):
        try:
            check_slug(data[col])
            return True
        except ValueError as e:
            self.problem(row, col, str(e))
            return False

    def _unique(self, table, *cols):
        seen = {}
        for row, data in self.rows[table]:
            key = tuple(data[c] for c in cols)
            if key in seen:
                self.problem(row, cols[-1], f"“{key[-1]}” staat al in rij {seen[key]}")
            else:
                seen[key] = row.row

    # --- validation ------------------------------------------------------------------

    def _resolve_programme(self):
        rows = self.rows["programme"]
        if len(self.tables.get("programme")) > 1:
            self.problem(self.tables.get("programme")[1], "", "er mag maar één programma in staan")
        if rows:
            row, data = rows[0]
            if self._required(row, data, "slug", "name", "period_start", "period_end"):
                self._slug(row, data, "slug")
                if data["period_end"] < data["period_start"]:
                    self.problem(row, "period_end", "ligt vóór period_start")
            self.programme_slug = data["slug"] or self.programme_slug
        if self.programme_slug:
            self.programme = Programme.objects.filter(slug=self.programme_slug).first()
            if self.programme is None and not rows:
                self.problems.append(
                    Problem("", "", "", f"programma “{self.programme_slug}” bestaat niet")
                )
        else:
            existing = list(Programme.objects.all()[:2])
            if len(existing) == 1 and not rows:
                self.programme = existing[0]
            else:
                self.problems.append(
                    Problem("", "", "", "geef het programma op (tabel programme of --programme)")
                )
                self.programme = None

    def _load_existing(self):
        p = self.programme
        self.milestones = {m.key: m for m in p.milestones.all()} if p else {}
        self.indicators = {i.key: i for i in p.indicators.all()} if p else {}
        self.categories = (
            {
                (c.indicator.key, c.key): c
                for c in IndicatorCategory.objects.filter(indicator__programme=p).select_related(
                    "indicator"
                )
            }
            if p
            else {}
        )
        self.regions = {r.slug: r for r in p.regions.all()} if p else {}
        self.rounds = {r.slug: r for r in p.rounds.all()} if p else {}
        # Rounds closed before this import are frozen. A round the file itself closes
        # may still receive its data from the same file.
        self.frozen_round_ids = {r.id for r in self.rounds.values() if not r.is_open}

    def _validate_definitions(self):
        for table, key in (("milestones", "key"), ("indicators", "key")):
            for row, data in self.rows[table]:
                if self._required(row, data, key, "name"):
                    self._slug(row, data, key)
            self._unique(table, key)

        self.category_keys = set(self.categories)
        indicator_keys = set(self.indicators) | {d["key"] for _r, d in self.rows["indicators"]}
        for row, data in self.rows["indicator_categories"]:
            if not self._required(row, data, "indicator", "key", "label"):
                continue
            self._slug(row, data, "key")
            if data["indicator"] not in indicator_keys:
                self.problem(row, "indicator", f"onbekende indicator “{data['indicator']}”")
            self.category_keys.add((data["indicator"], data["key"]))
        self._unique("indicator_categories", "indicator", "key")
        self.takes_date = {k: c.takes_date for k, c in self.categories.items()}
        self.takes_date.update(
            {
                (d["indicator"], d["key"]): d["takes_date"]
                for _r, d in self.rows["indicator_categories"]
            }
        )

    def _validate_regions(self):
        self.region_span = {s: (r.valid_from, r.valid_to) for s, r in self.regions.items()}
        file_slugs = {d["slug"] for _r, d in self.rows["regions"]}
        known = set(self.regions) | file_slugs
        for row, data in self.rows["regions"]:
            if not self._required(row, data, "slug", "name"):
                continue
            self._slug(row, data, "slug")
            if data["centrumgemeente_code"] and not GM_CODE.match(data["centrumgemeente_code"]):
                self.problem(row, "centrumgemeente_code", "CBS-code heeft de vorm GM0363")
            if data["province_code"] and not PV_CODE.match(data["province_code"]):
                self.problem(row, "province_code", "CBS-code heeft de vorm PV27")
            if data["valid_from"] and data["valid_to"] and data["valid_to"] < data["valid_from"]:
                self.problem(row, "valid_to", "ligt vóór valid_from")
            for pred in data["predecessors"]:
                if pred == data["slug"]:
                    self.problem(
                        row, "predecessors", "een regio kan niet haar eigen voorganger zijn"
                    )
                elif pred not in known:
                    self.problem(row, "predecessors", f"onbekende regio “{pred}”")
            self.region_span[data["slug"]] = (data["valid_from"], data["valid_to"])
        self._unique("regions", "slug")

        for table in ("region_municipalities", "region_notes"):
            for row, data in self.rows[table]:
                if data["region"] not in known:
                    self.problem(row, "region", f"onbekende regio “{data['region']}”")
        for row, data in self.rows["region_municipalities"]:
            if self._required(row, data, "code", "name") and not GM_CODE.match(data["code"]):
                self.problem(row, "code", "CBS-code heeft de vorm GM0363")
        self._unique("region_municipalities", "region", "code")
        self._check_one_region_per_municipality()
        for row, data in self.rows["region_notes"]:
            self._required(row, data, "text")

    def _check_one_region_per_municipality(self):
        """A municipality belongs to one region at a time; regions that follow each
        other (a split, a merge) may share it."""
        by_code = defaultdict(list)
        for row, data in self.rows["region_municipalities"]:
            by_code[data["code"]].append((row, data["region"]))
        for code, entries in by_code.items():
            for i, (row, a) in enumerate(entries):
                for _row_b, b in entries[:i]:
                    if self._overlap(a, b):
                        self.problem(row, "code", f"{code} hoort in dezelfde periode ook bij “{b}”")

    def _overlap(self, a, b):
        a_from, a_to = self.region_span.get(a, (None, None))
        b_from, b_to = self.region_span.get(b, (None, None))
        return (a_to is None or b_from is None or b_from <= a_to) and (
            b_to is None or a_from is None or a_from <= b_to
        )

    def _active(self, region, day):
        start, end = self.region_span.get(region, (None, None))
        return (start is None or start <= day) and (end is None or day <= end)

    def _validate_rounds(self):
        self.round_info = {s: (r.peildatum, r.state) for s, r in self.rounds.items()}
        for row, data in self.rows["rounds"]:
            if not self._required(row, data, "slug", "name", "peildatum"):
                continue
            self._slug(row, data, "slug")
            state = data["state"] or Round.OPEN
            if state not in STATE_ORDER:
                self.problem(
                    row, "state", f"“{state}” is geen status; kies {', '.join(STATE_ORDER)}"
                )
                continue
            old = self.rounds.get(data["slug"])
            if old and STATE_ORDER.index(state) < STATE_ORDER.index(old.state):
                self.problem(row, "state", f"ronde is al {old.state}; terugzetten kan niet")
            elif old and state != old.state and state in (Round.PUBLISHED, Round.WITHDRAWN):
                # Publishing an existing round may make notes carried over from rounds
                # that were never public visible: only after the confirmation page.
                self.problem(
                    row, "state",
                    "publiceren en intrekken van een bestaande ronde gaan via de rondepagina "
                    "(met bevestiging, of met een reden)",
                )  # fmt: skip
            if old and old.state != Round.OPEN and old.peildatum != data["peildatum"]:
                self.problem(row, "peildatum", "ronde is gesloten; de peildatum ligt vast")
            data["state"] = state
            self.round_info[data["slug"]] = (data["peildatum"], state)
        self._unique("rounds", "slug")

    def _check_round_region(self, row, data):
        """Common checks for a status or a value row; returns True when usable."""
        ok = True
        if data["round"] not in self.round_info:
            self.problem(row, "round", f"onbekende ronde “{data['round']}”")
            ok = False
        if data["region"] not in self.region_span:
            self.problem(row, "region", f"onbekende regio “{data['region']}”")
            ok = False
        if ok and not self._active(data["region"], self.round_info[data["round"]][0]):
            self.problem(row, "region", "regio bestaat niet op de peildatum van deze ronde")
            ok = False
        return ok

    def _validate_statuses(self):
        milestone_keys = set(self.milestones) | {d["key"] for _r, d in self.rows["milestones"]}
        periods = {}
        for row, data in self.rows["milestone_statuses"]:
            ok = self._check_round_region(row, data)
            if data["milestone"] not in milestone_keys:
                self.problem(row, "milestone", f"onbekende mijlpaal “{data['milestone']}”")
                ok = False
            status = data["status"] or MilestoneStatus.UNKNOWN
            if status not in STATUS_KEYS:
                self.problem(
                    row, "status", f"“{status}” is geen status; kies {', '.join(STATUS_KEYS)}"
                )
                ok = False
            data["status"] = status
            data["period"] = None
            if data["expected"]:
                if status not in MilestoneStatus.WITH_PERIOD:
                    self.problem(
                        row,
                        "expected",
                        "een verwachte periode hoort alleen bij partial of expected",
                    )
                    ok = False
                else:
                    try:
                        data["period"] = periods.get(data["expected"]) or parse_period(
                            data["expected"]
                        )
                        # A Period is frozen; a file repeats a few texts thousands of times.
                        periods[data["expected"]] = data["period"]
                    except PeriodError as e:
                        self.problem(row, "expected", str(e))
                        ok = False
            elif status == MilestoneStatus.EXPECTED:
                self.problem(row, "expected", "bij status expected hoort een verwachte periode")
                ok = False
            data["ok"] = ok
        self._unique("milestone_statuses", "round", "region", "milestone")

    def _validate_values(self):
        for row, data in self.rows["indicator_values"]:
            ok = self._check_round_region(row, data)
            key = (data["indicator"], data["category"])
            if key not in self.category_keys:
                self.problem(
                    row,
                    "category",
                    f"“{data['category']}” is geen antwoordcategorie van indicator “{data['indicator']}”",
                )
                ok = False
            data["parsed_date"] = None
            if data["date"]:
                try:
                    data["parsed_date"] = cleaning.clean_date(data["date"])
                except ValueError as e:
                    self.problem(row, "date", str(e))
                    ok = False
                if ok and not self.takes_date.get(key):
                    self.problem(row, "date", "deze antwoordcategorie heeft geen datum")
                    ok = False
            data["ok"] = ok
        self._unique("indicator_values", "round", "region", "indicator")

    def validate(self):
        self._clean()
        self._resolve_programme()
        if self.problems:
            raise FormatError(self.problems)
        self._load_existing()
        self._validate_definitions()
        wording_import.validate(self)
        self._validate_regions()
        self._validate_rounds()
        self._validate_statuses()
        wording_import.validate_status_use(self)
        self._validate_values()
        rules_import.validate(self)
        if self.problems:
            raise FormatError(self.problems)

    # --- writing ---------------------------------------------------------------------

    def run(self):
        self.validate()
        with transaction.atomic():
            created = self.programme is None
            self.recorder = history.Recorder(self.user, self.actor)
            import_write.write_programme(self)
            self.recorder.programme = self.programme
            self.recorder.quiet = created  # a new programme gets one record, not thousands
            counts = Counter()
            old_keys = wording_import.keys_before(self)
            import_write.write_definitions(self, counts)
            import_write.write_regions(self, counts)
            import_write.write_rounds(self, counts)
            wording_import.write(self, old_keys)
            rules_import.write(self)
            import_write.write_statuses(self, counts)
            import_write.write_values(self, counts)
            if created:
                self.recorder.quiet = False
                self.recorder.record(subject="programma", field="import", new=self.actor)
            self.recorder.flush()
            if self.problems:  # found while writing (a frozen round changed)
                raise FormatError(self.problems)
        return Result(self.programme, created, dict(counts))


def import_programme(tables, programme_slug=None, actor="import", user=None):
    return Importer(tables, programme_slug, actor, user).run()
