"""Validation rules: a programme's checks of a region's data in a round.

A rule's condition is written in the expression language of show-if
(expressions.parse_rule) and describes the problem: where it holds, the rule reports its
message. Trees are compiled once into plain Python closures over the region's data (no
eval, no getattr on names from the text), so every rule for 1,000 regions x 60 items runs
in well under a second (bench/rules.py).

A rule that reads something that is not there does not apply: previous(...) in the
first round, depends_on(.) of a milestone that depends on nothing, zscore(...) of a
question fewer than MIN_FOR_ZSCORE regions answered.

Questionnaire answers live in raak.questionnaires, which registers an AnswerSource here
(as it registers its forms in round_forms), so this module knows no other app.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from raak.lib.periods import PeriodError, parse_period
from raak.programmes import expressions
from raak.programmes.expressions import MILESTONE_FIELDS, ExpressionError
from raak.programmes.models import (
    IndicatorValue,
    MilestoneStatus,
    Round,
    RuleJustification,
    ValidationRule,
)

MIN_FOR_ZSCORE = 10  # a z-score over fewer regions says nothing
STATUS_KEYS = {k for k, _label in MilestoneStatus.STATUSES}


class NotApplicable(Exception):
    """The rule reads something that is not there; it does not apply."""


# --- where answers come from ----------------------------------------------------------


@dataclass(frozen=True)
class AnswerSource:
    # keys(programme) -> the question keys a rule may name: "question" and
    # "questionnaire/question"
    keys: object
    # values(programme, round_ids, region_ids or None) -> {(round_id, region_id): {key: value}}
    values: object
    # url(round, region, key) -> the page where that answer is given
    url: object


_sources = []


def add_answer_source(source):
    if source not in _sources:
        _sources.append(source)


def question_keys(programme):
    return set().union(*(s.keys(programme) for s in _sources)) if _sources else set()


def _answers(programme, round_ids, region_ids):
    out = {}
    for source in _sources:
        for pair, values in source.values(programme, round_ids, region_ids).items():
            out.setdefault(pair, {}).update(values)
    return out


# --- checking a condition against the programme --------------------------------------


def check(text, scope, milestones, indicators, questions):
    """Parse and check a condition: every milestone, indicator and question it names
    exists, "." only in a per-milestone rule, status keys are statuses. Returns the tree
    or raises ExpressionError."""
    tree = expressions.parse_rule(text)

    def walk(node):
        kind = node[0]
        if kind in ("or", "and", "not"):
            for child in node[1:]:
                walk(child)
        elif kind == "cmp":
            walk(node[2])
            walk(node[3])
            for getter, other in ((node[2], node[3]), (node[3], node[2])):
                if _field(getter) == "status" and other[0] == "s" and other[1] not in STATUS_KEYS:
                    raise ExpressionError(
                        _("“%(s)s” is geen status; kies %(all)s")
                        % {"s": other[1], "all": ", ".join(sorted(STATUS_KEYS))}
                    )
        elif kind in ("previous", "zscore", "len"):
            walk(node[1])
        elif kind == "selected" or kind == "q":
            _known(node[1], questions, _("onbekende vraag “%(k)s”"))
        elif kind == "get":
            walk(node[2]) if node[1] in MILESTONE_FIELDS else None
            if node[1] == "indicator":
                _known(node[2][1], indicators, _("onbekende indicator “%(k)s”"))
            elif node[1] == "answer":
                _known(node[2][1], questions, _("onbekende vraag “%(k)s”"))
        elif kind == "m":
            _known(node[1], milestones, _("onbekende mijlpaal “%(k)s”"))
        elif kind == "self" and scope != ValidationRule.MILESTONE:
            raise ExpressionError(_("“.” (deze mijlpaal) kan alleen in een regel per mijlpaal"))
        elif kind == "dep":
            walk(node[1])

    walk(tree)
    return tree


def _known(key, known, message):
    if key not in known:
        raise ExpressionError(message % {"k": key})


def _field(node):
    while node[0] == "previous":
        node = node[1]
    return node[1] if node[0] == "get" else None


# --- compiling a tree into closures ----------------------------------------------------


class _Context:
    """One region's data in a round, read by the compiled closures."""

    __slots__ = ("cur", "prev", "ind", "ind_prev", "ans", "ans_prev", "me", "deps", "words",
                 "stats")  # fmt: skip


def _as_date(value):
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        try:
            return parse_period(str(value)).latest
        except (PeriodError, AttributeError, ValueError):
            return None


def _compare(op, a, b, numeric):
    if isinstance(a, date) or isinstance(b, date):
        a, b = _as_date(a), _as_date(b)
        if a is None or b is None:
            return op == "!="
        return expressions.COMPARE[op](a, b)
    return expressions._compare(op, a, b, numeric)


TEXT_FIELDS = ("status", "note", "indicator")  # their values are text or missing


def _chain(parts, kind):
    """and/or over closures without a generator per call (the hot path of `run`)."""
    test = parts[-1]
    for part in reversed(parts[:-1]):
        if kind == "and":
            test = (lambda a, b: lambda ctx: a(ctx) and b(ctx))(part, test)
        else:
            test = (lambda a, b: lambda ctx: a(ctx) or b(ctx))(part, test)
    return test


def _compile(node):
    kind = node[0]
    if kind in ("or", "and"):
        return _chain([_compile(n) for n in node[1:]], kind)
    if kind == "not":
        inner = _compile(node[1])
        return lambda ctx: not inner(ctx)
    if kind == "selected":
        get, wanted = _answer(node[1], False), node[2]

        def selected(ctx):
            value = get(ctx)
            return (
                wanted in value if isinstance(value, list) else expressions._text(value) == wanted
            )

        return selected
    if kind == "cmp":
        _c, op, left, right = node
        fast = _fast_compare(op, left, right) or _fast_compare(
            {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op), right, left
        )
        if fast:
            return fast
        numeric = op not in ("=", "!=") or "n" in (left[0], right[0]) or "len" in (
            left[0], right[0])  # fmt: skip
        a, b = _operand(left), _operand(right)
        return lambda ctx: _compare(op, a(ctx), b(ctx), numeric)
    raise ExpressionError(kind)


def _fast_compare(op, left, right):
    """Closures for the common shapes, same results as _compare: a text field (status,
    note, indicator category; missing is "") against a text, and an expected period's
    last day against the peildatum or the programme's end."""
    if _field(left) in TEXT_FIELDS and right[0] == "s" and op in ("=", "!="):
        get, text = _operand(left), right[1]
        if op == "=":
            return lambda ctx: (get(ctx) or "") == text
        return lambda ctx: (get(ctx) or "") != text
    if left[0] == "word" and right[0] == "word":
        a, b, compare = left[1], right[1], expressions.COMPARE[op]
        return lambda ctx: compare(ctx.words[a], ctx.words[b])
    if _field(left) == "expected" and right[0] == "word" and op != "!=":
        get, word, compare = _operand(left), right[1], expressions.COMPARE[op]

        def dated(ctx):
            day = get(ctx)
            return day is not None and compare(day, ctx.words[word])

        return dated
    return None


def _operand(node, previous=False):
    kind = node[0]
    if kind in ("s", "n"):
        value = node[1]
        return lambda ctx: value
    if kind == "word":
        name = node[1]
        return lambda ctx: ctx.words[name]
    if kind == "len":
        inner = _operand(node[1], previous)
        return lambda ctx: len(expressions._text(inner(ctx)))
    if kind == "q":
        return _answer(node[1], previous)
    if kind == "previous":
        return _operand(node[1], True)
    if kind == "zscore":
        return _zscore(node[1])
    if kind == "get":
        return _getter(node[1], node[2], previous)
    raise ExpressionError(kind)


def _answer(key, previous):
    def get(ctx):
        source = ctx.ans_prev if previous else ctx.ans
        if source is None:
            raise NotApplicable
        return source.get(key)

    return get


def _zscore(node):
    previous = node[0] == "previous"
    key = (node[1] if previous else node)[2][1]
    get = _answer(key, previous)

    def z(ctx):
        stats = ctx.stats.get((previous, key))
        value = expressions._number(get(ctx))
        if stats is None or value is None:
            raise NotApplicable
        mean, sd = stats
        return abs(value - mean) / sd

    return z


def _target(node):
    kind = node[0]
    if kind == "self":
        return lambda ctx: ctx.me
    if kind == "m":
        key = node[1]
        return lambda ctx: key
    inner = _target(node[1])

    def dependency(ctx):
        dep = ctx.deps.get(inner(ctx))
        if dep is None:
            raise NotApplicable
        return dep

    return dependency


def _getter(name, target, previous):
    if name in MILESTONE_FIELDS:
        index = MILESTONE_FIELDS.index(name)
        which = _target(target)
        if target[0] == "self":  # the hot path: a per-milestone rule reading "."

            def own(ctx):
                source = ctx.prev if previous else ctx.cur
                if source is None:
                    raise NotApplicable
                row = source.get(ctx.me)
                return row[index] if row else None

            return own

        def milestone(ctx):
            source = ctx.prev if previous else ctx.cur
            if source is None:
                raise NotApplicable
            row = source.get(which(ctx))
            return row[index] if row else None

        return milestone
    if name == "answer":
        return _answer(target[1], previous)
    key = target[1]

    def indicator(ctx):
        source = ctx.ind_prev if previous else ctx.ind
        if source is None:
            raise NotApplicable
        return source.get(key)

    return indicator


def _place(tree, scope):
    """Where a result belongs: the first milestone, indicator or question it reads."""
    if scope == ValidationRule.MILESTONE:
        return ("milestone", None)
    stack = [tree]
    while stack:
        node = stack.pop(0)
        if not isinstance(node, list):
            continue
        if node[0] == "get" and node[2][0] in ("m", "q"):
            return ("milestone" if node[1] in MILESTONE_FIELDS else node[1], node[2][1])
        if node[0] in ("q", "selected"):
            return ("answer", node[1])
        stack.extend(node[1:])
    return (None, None)


def _reads(tree, *kinds):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if node and node[0] in kinds:
                return True
            if node and node[0] == "get" and node[1] in kinds:
                return True
            stack.extend(node[1:])
    return False


@dataclass
class Compiled:
    rule: ValidationRule
    test: object
    place: tuple
    reads_answers: bool
    zscores: list


def compile_rules(programme):
    """The programme's rules, compiled; a stored condition that no longer parses (a
    milestone renamed since) is skipped rather than stopping every other check."""
    out = []
    for rule in ValidationRule.objects.filter(programme=programme):
        try:
            tree = expressions.parse_rule(rule.condition)
            test = _compile(tree)
        except ExpressionError:
            continue
        zscores = []
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, list) and node:
                if node[0] == "zscore":
                    inner = node[1]
                    previous = inner[0] == "previous"
                    zscores.append((previous, (inner[1] if previous else inner)[2][1]))
                stack.extend(node[1:])
        out.append(Compiled(rule, test, _place(tree, rule.scope),
                            _reads(tree, "answer", "q", "selected"), zscores))  # fmt: skip
    return out


# --- running ------------------------------------------------------------------------


@dataclass
class Result:
    rule: ValidationRule
    target: str  # the milestone of a per-milestone rule, "" otherwise
    place: tuple  # ("milestone"|"indicator"|"answer"|None, key)
    region_id: int
    justification: str = ""
    target_name: str = ""

    @property
    def is_error(self):
        return self.rule.importance == ValidationRule.ERROR

    @property
    def message(self):
        english = (get_language() or "nl").startswith("en")
        text = self.rule.message_en if english and self.rule.message_en else self.rule.message
        return f"{self.target_name}: {text}" if self.target_name else text

    @property
    def anchor(self):
        """The id of the field on the region's submission page."""
        kind, key = self.place
        return f"{kind}-{key}" if kind else ""

    def url(self, rnd, region):
        kind, key = self.place
        args = [rnd.programme.slug, rnd.slug, region.slug]
        if kind == "milestone":
            return reverse("edit-status", args=[*args, key])
        if kind == "indicator":
            return reverse("edit-indicator", args=[*args, key])
        if kind == "answer":
            for source in _sources:
                if url := source.url(rnd, region, key):
                    return url
        return reverse("submission", args=args)


@dataclass
class Outcome:
    round: Round
    by_region: dict = field(default_factory=dict)  # region id -> [Result]

    def of(self, region):
        return self.by_region.get(region.id, [])

    def counts(self):
        errors = sum(r.is_error for rs in self.by_region.values() for r in rs)
        total = sum(len(rs) for rs in self.by_region.values())
        return errors, total - errors


def previous_round(rnd):
    return (
        Round.objects.filter(programme_id=rnd.programme_id, peildatum__lt=rnd.peildatum)
        .order_by("-peildatum", "-slug")
        .first()
    )


def run(rnd, regions=None, compiled=None):
    """Every rule for the regions given (all regions of the round by default). Rules
    read: the milestone statuses, indicator values and answers of this round and of the
    previous one; z-scores over every region of the round."""
    programme = rnd.programme
    compiled = compile_rules(programme) if compiled is None else compiled
    if regions is None:
        regions = list(programme.regions.active_on(rnd.peildatum))
    outcome = Outcome(rnd)
    if not compiled or not regions:
        return outcome
    region_ids = [r.id for r in regions]
    everyone = len(regions) > 200  # a long IN list costs more than reading them all
    prev = previous_round(rnd)
    round_ids = [rnd.id] + ([prev.id] if prev else [])
    milestones = list(programme.milestones.values_list("id", "key", "name", "depends_on_id"))
    key_of = {m[0]: m[1] for m in milestones}
    names = {m[1]: m[2] for m in milestones}
    deps = {m[1]: key_of[m[3]] for m in milestones if m[3]}
    statuses = {}
    rows = MilestoneStatus.objects.filter(round_id__in=round_ids)
    rows = rows if everyone else rows.filter(region_id__in=region_ids)
    for round_id, region_id, milestone_id, status, latest, note in rows.values_list(
        "round_id", "region_id", "milestone_id", "status", "expected_latest", "note"
    ):
        statuses.setdefault((round_id, region_id), {})[key_of[milestone_id]] = (
            status, latest, note)  # fmt: skip
    values = {}
    rows = IndicatorValue.objects.filter(round_id__in=round_ids)
    rows = rows if everyone else rows.filter(region_id__in=region_ids)
    for round_id, region_id, key, category in rows.values_list(
        "round_id", "region_id", "indicator__key", "category__key"
    ):
        values.setdefault((round_id, region_id), {})[key] = category
    answers = stats = {}
    if any(c.reads_answers for c in compiled):
        needs_all = any(c.zscores for c in compiled)
        answers = _answers(programme, round_ids, None if needs_all or everyone else region_ids)
        stats = _stats(compiled, answers, rnd, prev)
    justified = {
        (j.region_id, j.rule_id, j.target): j.text
        for j in RuleJustification.objects.filter(round=rnd, rule__programme=programme).only(
            "region_id", "rule_id", "target", "text"
        )
    }
    words = {"peildatum": rnd.peildatum, "programme_end": programme.period_end}
    milestone_keys = [m[1] for m in milestones]
    order = {key: i for i, key in enumerate(milestone_keys)}  # results in the page's order
    ctx = _Context()
    ctx.deps, ctx.words, ctx.stats = deps, words, stats
    for region in regions:
        ctx.cur = statuses.get((rnd.id, region.id), {})
        ctx.ind = values.get((rnd.id, region.id), {})
        ctx.ans = answers.get((rnd.id, region.id), {})
        if prev:
            ctx.prev = statuses.get((prev.id, region.id), {})
            ctx.ind_prev = values.get((prev.id, region.id), {})
            ctx.ans_prev = answers.get((prev.id, region.id), {})
        else:
            ctx.prev = ctx.ind_prev = ctx.ans_prev = None
        found = []
        for c in compiled:
            if c.rule.scope == ValidationRule.MILESTONE:
                test = c.test
                for key in milestone_keys:
                    ctx.me = key
                    try:
                        hit = test(ctx)
                    except NotApplicable:
                        hit = False
                    if hit:
                        found.append(Result(c.rule, key, ("milestone", key), region.id,
                                            justified.get((region.id, c.rule.id, key), ""),
                                            names[key]))  # fmt: skip
            else:
                ctx.me = None
                if _holds(c.test, ctx):
                    found.append(Result(c.rule, "", c.place, region.id,
                                        justified.get((region.id, c.rule.id, ""), "")))  # fmt: skip
        if found:
            found.sort(key=lambda r: (not r.is_error, r.rule.position, r.rule.key,
                                      order.get(r.target, -1)))  # fmt: skip
            outcome.by_region[region.id] = found
    return outcome


def _holds(test, ctx):
    try:
        return test(ctx)
    except NotApplicable:
        return False


def _stats(compiled, answers, rnd, prev):
    """(mean, standard deviation) per (previous?, question) over every region's answer,
    only where at least MIN_FOR_ZSCORE regions answered with a number."""
    stats = {}
    for c in compiled:
        for previous, key in c.zscores:
            round_id = prev.id if previous and prev else (None if previous else rnd.id)
            numbers = [
                n
                for (r_id, _region), values in answers.items()
                if r_id == round_id
                and (n := expressions._number(values.get(key))) is not None
                and math.isfinite(n)
            ]
            if len(numbers) < MIN_FOR_ZSCORE:
                continue
            mean = sum(numbers) / len(numbers)
            sd = math.sqrt(sum((n - mean) ** 2 for n in numbers) / len(numbers))
            if sd > 0:
                stats[(previous, key)] = (mean, sd)
    return stats


def for_region(rnd, region):
    return run(rnd, [region]).of(region)


def open_results(results):
    """The results that still stand in the way: errors, and warnings not justified."""
    return [r for r in results if r.is_error or not r.justification.strip()]
