"""Comparing two rounds of a questionnaire item by item (startfoto vs eindfoto):
distributions, shifts per region, a regions x items matrix and cautious sentences.

A fixed number of queries whatever the number of regions or items."""

import json
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from raak.programmes.models import Region
from raak.programmes.summary import percent
from raak.questionnaires.models import Answer, Choice, Question, Response, Version

COMPARABLE = (Question.SCALE, Question.SINGLE, Question.YESNO)
# Below this many answering regions in a round, the page says percentages mean little.
FEW = 5
# Regions per page of the regions x items matrix.
MATRIX_REGIONS = 40
# PostgreSQL's memory for grouping the answers of one comparison (see _pairs).
PAIRS_WORK_MEM = "32MB"


@dataclass
class Level:
    key: str
    label: str
    score: float | None
    start: int = 0
    end: int = 0
    start_percent: float = 0.0
    end_percent: float = 0.0
    y: int = 0  # row of its bars in the chart

    @property
    def start_bar(self):
        return round(self.start_percent * 1.8, 1)

    @property
    def end_bar(self):
        return round(self.end_percent * 1.8, 1)


@dataclass
class Item:
    key: str
    label: str
    levels: list
    start_missing: int = 0
    end_missing: int = 0
    up: int = 0
    down: int = 0
    same: int = 0
    unscored: int = 0
    sentence: str = ""
    chart_height: int = 0
    cells: dict = field(default_factory=dict)  # region id -> (level, rag)


def _roots(versions, questions):
    """Each question's key in the first version it descends from (via maps_to)."""
    by_version = defaultdict(dict)
    for q in questions:
        by_version[q.version_id][q.key] = q
    root = {}
    for v in sorted(versions, key=lambda v: v.number):
        for key, q in by_version[v.id].items():
            parent = root.get((v.previous_id, q.maps_to or key)) if v.previous_id else None
            root[v.id, key] = parent or key
    return root


def compare(questionnaire, start_round, end_round, *, matrix_page=1):
    versions = list(Version.objects.filter(questionnaire=questionnaire))
    questions = list(Question.objects.filter(version__questionnaire=questionnaire))
    root = _roots(versions, questions)
    latest = max(versions, key=lambda v: v.number)
    choices = defaultdict(list)
    for c in Choice.objects.filter(version=latest):
        choices[c.list_name].append(c)
    # question id -> the key of its item (the root it descends from)
    item_of = {q.id: root[q.version_id, q.key] for q in questions if q.type in COMPARABLE}

    all_regions = Region.objects.filter(programme=questionnaire.programme)
    # Only the page's regions are read as objects (1,000 cost ~10 ms); the counts are SQL.
    regions = all_regions.active_on(end_round.peildatum).order_by("position", "name")
    n_start = all_regions.active_on(start_round.peildatum).count()
    # The matrix shows one page of regions: at 1,000 regions x 60 items the whole of it
    # was 60,000 cells (2 MB), more than anyone reads; the figures above count them all.
    page = Paginator(regions, MATRIX_REGIONS).get_page(matrix_page)
    n_end = page.paginator.count
    gone = list(all_regions.exclude(id__in=regions.values("id")).values_list("id", flat=True))
    pairs = _pairs(versions, questions, root, latest, start_round, end_round, gone)
    shown = {r.id: {} for r in page}
    ends = Answer.objects.filter(
        response__round=end_round,
        response__state=Response.SUBMITTED,
        response__region_id__in=list(shown),
        question_id__in=list(item_of),
    ).values_list("response__region_id", "question_id", Cast("value", TextField()))
    for region_id, question_id, text in ends:
        # As in the counts: a choice (a JSON string), the greater value of two versions.
        if (value := _choice(text)) is not None:
            key = item_of[question_id]
            shown[region_id][key] = max(value, shown[region_id].get(key, value))

    items = []
    for q in latest.questions.filter(type__in=COMPARABLE).order_by("section__position", "position"):
        key = root[latest.id, q.key]
        levels = [
            Level(c.key, c.label, c.score, y=22 * i + 24)
            for i, c in enumerate(choices[q.choice_list])
        ]
        by_key = {lv.key: lv for lv in levels}
        item = Item(key, q.label, levels)
        for (a_value, b_value, in_end), n in pairs[key].items():
            a, b = by_key.get(a_value), by_key.get(b_value)
            if a:
                a.start += n
            if b:
                b.end += n
            if in_end and a and b and a.score is not None and b.score is not None:
                if b.score > a.score:
                    item.up += n
                elif b.score < a.score:
                    item.down += n
                else:
                    item.same += n
        # Every region of the end round without a pair of scored answers.
        item.unscored = n_end - item.up - item.down - item.same
        item.start_missing = n_start - sum(lv.start for lv in levels)
        item.end_missing = n_end - sum(lv.end for lv in levels)
        for lv in levels:
            lv.start_percent, lv.end_percent = percent(lv.start, n_start), percent(lv.end, n_end)
        item.chart_height = 22 * len(levels) + 30
        scored = [lv.score for lv in levels if lv.score is not None]
        top, bottom = (max(scored), min(scored)) if scored else (None, None)
        for region_id, values in shown.items():
            b = by_key.get(values.get(key))
            item.cells[region_id] = (b, _rag(b, top, bottom))
        item.sentence = _sentence(
            levels, top, sum(lv.start for lv in levels), sum(lv.end for lv in levels)
        )
        items.append(item)
    # The regions x items matrix, row by row, so the template need not search for cells.
    matrix = [(region, [item.cells[region.id] for item in items]) for region in page]
    answered = Counter(
        Response.objects.filter(version__questionnaire=questionnaire, state=Response.SUBMITTED,
                                round__in=[start_round, end_round]).values_list("round_id", flat=True)
    )  # fmt: skip
    return {"start": start_round, "end": end_round, "regions": regions, "items": items,
            "n_start": n_start, "n_end": n_end, "matrix": matrix, "matrix_page": page,
            "answered_start": answered[start_round.id], "answered_end": answered[end_round.id],
            "few": FEW}  # fmt: skip


def _pairs(versions, questions, root, latest, start_round, end_round, gone_region_ids):
    """{item: {(start value, end value, region active at the end): regions}}.
    `gone_region_ids`: the programme's regions not active at the end (usually none:
    testing each of 120,000 answers against the 1,000 active ones cost ~25 ms).

    Counted by the database: a 1,000-region comparison of 60 items has 120,000
    answers, and reading them into Python took most of the page's time (issue #12);
    grouped, they are at most items x levels² rows. An item is identified by its
    question in the latest version; an answer to an older version's question counts
    for the item it descends from. Should a region have answered two versions in one
    round, the greater value counts, once."""
    out = defaultdict(Counter)
    item_key = {q.id: root[latest.id, q.key] for q in questions if q.version_id == latest.id}
    latest_id = {key: qid for qid, key in item_key.items()}
    older = {
        q.id: latest_id[root[q.version_id, q.key]]
        for q in questions
        if q.version_id != latest.id and root[q.version_id, q.key] in latest_id
    }
    item_sql = "ans.question_id"
    if older:
        item_sql = f"CASE ans.question_id {' '.join('WHEN %s THEN %s' for _ in older)} ELSE ans.question_id END"
    answer, response = Answer._meta.db_table, Response._meta.db_table
    in_end = (
        f"CASE WHEN r.region_id IN ({', '.join(['%s'] * len(gone_region_ids))}) THEN 0 ELSE 1 END"
        if gone_region_ids
        else "1"
    )
    # Grouped by integers, with no join to the questions: answers to other questions
    # (text, numbers) make groups that are simply not read.
    sql = f"""
        SELECT item, start_value, end_value, in_end, COUNT(*) FROM (
            SELECT r.region_id, {item_sql} AS item,
                MAX(CASE WHEN r.round_id = %s THEN CAST(ans.value AS TEXT) END) AS start_value,
                MAX(CASE WHEN r.round_id = %s THEN CAST(ans.value AS TEXT) END) AS end_value,
                MAX({in_end}) AS in_end
            FROM {response} r JOIN {answer} ans ON ans.response_id = r.id
            WHERE r.round_id IN (%s, %s) AND r.state = %s
                AND r.version_id IN ({", ".join(["%s"] * len(versions))})
            GROUP BY 1, 2
        ) pairs
        GROUP BY item, start_value, end_value, in_end"""
    cases = [v for pair in older.items() for v in pair]
    params = [*cases, start_round.id, end_round.id, *gone_region_ids, start_round.id,
              end_round.id, Response.SUBMITTED, *(v.id for v in versions)]  # fmt: skip
    postgresql = connection.vendor == "postgresql"
    # Not on SQLite: its transactions begin IMMEDIATE, which would hold the write lock.
    with transaction.atomic() if postgresql else nullcontext(), connection.cursor() as cursor:
        if postgresql:
            # 1,000 regions x 60 items are 60,000 (region, item) groups: within the
            # default 4 MB PostgreSQL sorted them on disk (~250 ms) rather than hash
            # them (~120 ms). For this statement only (SET LOCAL ends with the block).
            cursor.execute(f"SET LOCAL work_mem = '{PAIRS_WORK_MEM}'")
        cursor.execute(sql, params)
        for item, a, b, in_end, n in cursor.fetchall():
            if item in item_key:
                out[item_key[item]][_choice(a), _choice(b), bool(in_end)] += n
    return out


@lru_cache(maxsize=4096)
def _choice(text):
    """A stored answer (JSON text) as a choice key; None for anything else. Answers are
    a few choice keys over and over (2,400 in the matrix page), so each is read once."""
    value = json.loads(text) if text is not None else None
    return value if isinstance(value, str) else None


def _rag(level, top, bottom):
    if level is None or level.score is None or top is None:
        return "unknown"
    if level.score == top:
        return "green"
    if level.score == bottom:
        return "red"
    return "amber"


def _sentence(levels, top, n_start, n_end):
    """The national summary sentence, written from the numbers, cautious when small.
    `n_start` and `n_end` are the regions that answered in each round."""
    if top is None:
        counts = Counter({lv.label: lv.end for lv in levels})
        label, n = counts.most_common(1)[0] if counts else ("", 0)
        return (
            f"Het meest gegeven antwoord is nu ‘{label}’ ({n} regio’s)."
            if n
            else "Nog geen antwoorden."
        )
    if not n_start or not n_end:
        return (
            "Niet te vergelijken: in een van beide rondes heeft geen regio deze vraag beantwoord."
        )
    best = next(lv for lv in levels if lv.score == top)
    delta = best.end - best.start
    threshold = max(3, round(0.1 * max(n_start, n_end)))
    if delta >= threshold:
        text = f"Aanzienlijk meer regio’s waar het antwoord ‘{best.label}’ is: van {best.start} naar {best.end}."
    elif delta > 0:
        text = f"Iets meer regio’s waar het antwoord ‘{best.label}’ is: van {best.start} naar {best.end}."
    elif delta <= -threshold:
        text = f"Aanzienlijk minder regio’s waar het antwoord ‘{best.label}’ is: van {best.start} naar {best.end}."
    elif delta < 0:
        text = f"Iets minder regio’s waar het antwoord ‘{best.label}’ is: van {best.start} naar {best.end}."
    else:
        text = f"Even veel regio’s waar het antwoord ‘{best.label}’ is: {best.end}."
    if min(n_start, n_end) < 10 or (abs(delta) < threshold and delta != 0):
        text += " Het verschil is klein; voorzichtig interpreteren."
    return text


def as_rows(result):
    """Flat rows for CSV/JSON: one per item and level, with shifts per item."""
    out = []
    for item in result["items"]:
        for lv in item.levels:
            out.append({
                "item": item.key, "level": lv.key, "label": lv.label, "start": lv.start,
                "start_percent": lv.start_percent, "end": lv.end, "end_percent": lv.end_percent,
            })  # fmt: skip
    return out
