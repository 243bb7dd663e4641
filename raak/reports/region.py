"""A region's own report (one or two pages): its milestones across rounds with how
expected periods slipped, indicators, action points, activities, training reach and
its questionnaire answers beside the national distribution."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import translation

from raak.knowledge.models import ActionPoint, Activity
from raak.programmes import wording
from raak.programmes.models import IndicatorValue, MilestoneStatus, Round
from raak.questionnaires.compare import COMPARABLE
from raak.questionnaires.models import Answer, Choice, Response
from raak.training.models import Reach


@dataclass
class RegionReport:
    programme: object
    region: object
    round: object
    title: str
    rounds: list
    milestones: list
    indicators: list
    action_points: list
    activities: list
    reach: list
    reach_total: int
    answers: list
    answers_round: object
    groups: list = field(default_factory=list)  # [{"group", "rows"}]: indicators by group
    sections: dict = field(default_factory=dict)  # the programme's section names


def _slipped(previous, s):
    return bool(
        s and previous and previous.expected_text and s.expected_text
        and s.expected_latest and previous.expected_latest
        and s.expected_latest > previous.expected_latest
    )  # fmt: skip


def _answers(region, rounds):
    """The region's answers in the latest *published* round it answered, beside every
    region's distribution there (aggregates of unpublished rounds never leave)."""
    published = [r for r in rounds if r.is_published]
    response = (
        Response.objects.filter(region=region, round__in=published, state=Response.SUBMITTED)
        .select_related("round", "version__questionnaire")
        .order_by("-round__peildatum")
        .first()
    )
    if response is None:
        return [], None
    version = response.version
    choices = {(c.list_name, c.key): c.label for c in Choice.objects.filter(version=version)}
    answers = Answer.objects.filter(
        response__version=version,
        response__round=response.round,
        response__state=Response.SUBMITTED,
        question__type__in=COMPARABLE,
    ).select_related("question__section", "response")
    national, own, questions = Counter(), {}, {}
    for a in answers:
        q = a.question
        questions[q.id] = q
        national[q.id, str(a.value)] += 1
        if a.response.region_id == region.id:
            own[q.id] = str(a.value)
    rows = []
    for q in sorted(questions.values(), key=lambda q: (q.section.position, q.position)):
        levels = [
            {"label": label, "count": national[q.id, key], "own": own.get(q.id) == key}
            for (list_name, key), label in choices.items()
            if list_name == q.choice_list
        ]
        rows.append({"question": q, "own": choices.get((q.choice_list, own.get(q.id)), "—"),
                     "levels": levels})  # fmt: skip
    return rows, response.round


def build(region, rnd, unpublished=False):
    """The region's report, in Dutch whatever the interface language, as the national
    report (its words, the programme's, included)."""
    with translation.override("nl"):
        return _build(region, rnd, unpublished)


def _build(region, rnd, unpublished):
    programme = region.programme
    rounds = Round.objects.filter(programme=programme, peildatum__lte=rnd.peildatum)
    if not unpublished:
        rounds = rounds.visible_to_public()
    rounds = list(rounds.order_by("peildatum"))
    statuses = {
        (s.round_id, s.milestone_id): s
        for s in MilestoneStatus.objects.filter(region=region, round__in=rounds)
    }
    values = {
        (v.round_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(region=region, round__in=rounds).select_related(
            "category"
        )
    }
    labels = wording.status_labels(programme)
    milestones = []
    for m in programme.milestones.all():
        cells, previous = [], None
        for r in rounds:
            s = statuses.get((r.id, m.id))
            cells.append({
                "round": r, "status": s,
                "label": wording.status_text(
                    str(labels[s.status]), s.status, s.expected_text
                ) if s else str(labels["unknown"]),
                "slipped_from": previous.expected_text if _slipped(previous, s) else "",
            })  # fmt: skip
            previous = s
        milestones.append({"milestone": m, "cells": cells})
    indicators = [
        {"indicator": i, "cells": [{"round": r, "value": values.get((r.id, i.id))} for r in rounds]}
        for i in programme.indicators.all()
    ]
    by_id = {row["indicator"].id: row for row in indicators}
    groups = [
        {"group": g, "rows": [by_id[i.id] for i in g.indicators]}
        for g in wording.indicator_groups(programme, [row["indicator"] for row in indicators])
    ]
    reach = list(Reach.objects.filter(region=region).order_by("sector"))
    answers, answers_round = _answers(region, rounds)
    return RegionReport(
        programme=programme,
        region=region,
        round=rnd,
        title=f"{region.name}: {programme.name}",
        rounds=rounds,
        milestones=milestones,
        indicators=indicators,
        action_points=list(ActionPoint.objects.filter(region=region)),
        activities=list(Activity.objects.filter(regions=region).select_related("theme")),
        reach=reach,
        reach_total=sum(r.professionals for r in reach),
        answers=answers,
        answers_round=answers_round,
        groups=groups,
        sections=wording.sections(programme),
    )
