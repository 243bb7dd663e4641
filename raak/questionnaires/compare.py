"""Comparing two rounds of a questionnaire item by item (startfoto vs eindfoto):
distributions, shifts per region, a regions x items matrix and cautious sentences.

A fixed number of queries whatever the number of regions or items."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from raak.programmes.models import Region
from raak.programmes.summary import percent
from raak.questionnaires.models import Answer, Choice, Question, Response, Version

COMPARABLE = (Question.SCALE, Question.SINGLE, Question.YESNO)
# Below this many answering regions in a round, the page says percentages mean little.
FEW = 5


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


def compare(questionnaire, start_round, end_round):
    versions = list(Version.objects.filter(questionnaire=questionnaire))
    questions = list(Question.objects.filter(version__questionnaire=questionnaire))
    root = _roots(versions, questions)
    latest = max(versions, key=lambda v: v.number)
    choices = defaultdict(list)
    for c in Choice.objects.filter(version=latest):
        choices[c.list_name].append(c)

    values = {start_round.id: defaultdict(dict), end_round.id: defaultdict(dict)}
    rows = Answer.objects.filter(
        response__version__questionnaire=questionnaire,
        response__round__in=[start_round, end_round],
        response__state=Response.SUBMITTED,
        question__type__in=COMPARABLE,
    ).values_list(
        "response__round_id",
        "response__region_id",
        "question__version_id",
        "question__key",
        "value",
    )
    for round_id, region_id, version_id, key, value in rows:
        values[round_id][root[version_id, key]][region_id] = value

    regions = list(
        Region.objects.filter(programme=questionnaire.programme)
        .active_on(end_round.peildatum)
        .order_by("position", "name")
    )
    n_start = (
        Region.objects.filter(programme=questionnaire.programme)
        .active_on(start_round.peildatum)
        .count()
    )
    n_end = len(regions)
    items = []
    for q in latest.questions.filter(type__in=COMPARABLE).order_by("section__position", "position"):
        key = root[latest.id, q.key]
        levels = [
            Level(c.key, c.label, c.score, y=22 * i + 24)
            for i, c in enumerate(choices[q.choice_list])
        ]
        by_key = {lv.key: lv for lv in levels}
        start, end = values[start_round.id][key], values[end_round.id][key]
        for v in start.values():
            if v in by_key:
                by_key[v].start += 1
        for v in end.values():
            if v in by_key:
                by_key[v].end += 1
        for lv in levels:
            lv.start_percent, lv.end_percent = percent(lv.start, n_start), percent(lv.end, n_end)
        item = Item(
            key,
            q.label,
            levels,
            n_start - sum(lv.start for lv in levels),
            n_end - sum(lv.end for lv in levels),
        )
        item.chart_height = 22 * len(levels) + 30
        scored = [lv.score for lv in levels if lv.score is not None]
        top, bottom = (max(scored), min(scored)) if scored else (None, None)
        for region in regions:
            a, b = by_key.get(start.get(region.id)), by_key.get(end.get(region.id))
            if a and b and a.score is not None and b.score is not None:
                if b.score > a.score:
                    item.up += 1
                elif b.score < a.score:
                    item.down += 1
                else:
                    item.same += 1
            else:
                item.unscored += 1
            item.cells[region.id] = (b, _rag(b, top, bottom))
        item.sentence = _sentence(
            levels, top, sum(lv.start for lv in levels), sum(lv.end for lv in levels)
        )
        items.append(item)
    # The regions x items matrix, row by row, so the template need not search for cells.
    matrix = [(region, [item.cells[region.id] for item in items]) for region in regions]
    answered = Counter(
        Response.objects.filter(version__questionnaire=questionnaire, state=Response.SUBMITTED,
                                round__in=[start_round, end_round]).values_list("round_id", flat=True)
    )  # fmt: skip
    return {"start": start_round, "end": end_round, "regions": regions, "items": items,
            "n_start": n_start, "n_end": n_end, "matrix": matrix,
            "answered_start": answered[start_round.id], "answered_end": answered[end_round.id],
            "few": FEW}  # fmt: skip


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
