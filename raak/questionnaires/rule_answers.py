"""Questionnaire answers for the programme's validation rules (raak.programmes.rules):
registered as an AnswerSource in apps.py, so the rules know no questionnaire code."""

from django.urls import reverse

from raak.programmes.rules import AnswerSource
from raak.questionnaires.models import Answer, Question


def keys(programme):
    """ "question" and "questionnaire/question" for every question of the programme."""
    out = set()
    for key, slug in Question.objects.filter(
        version__questionnaire__programme=programme
    ).values_list("key", "version__questionnaire__slug"):
        out.update((key, f"{slug}/{key}"))
    return out


def values(programme, round_ids, region_ids):
    rows = Answer.objects.filter(
        response__round_id__in=round_ids, response__version__questionnaire__programme=programme
    )
    if region_ids is not None:
        rows = rows.filter(response__region_id__in=region_ids)
    out = {}
    for round_id, region_id, key, slug, value in rows.values_list(
        "response__round_id", "response__region_id", "question__key",
        "response__version__questionnaire__slug", "value",
    ):  # fmt: skip
        mine = out.setdefault((round_id, region_id), {})
        mine[f"{slug}/{key}"] = value
        mine.setdefault(key, value)
    return out


def url(rnd, region, key):
    slug, _sep, question = key.rpartition("/")
    found = Question.objects.filter(version__questionnaire__programme_id=rnd.programme_id,
                                    key=question)  # fmt: skip
    if slug:
        found = found.filter(version__questionnaire__slug=slug)
    q_slug = found.values_list("version__questionnaire__slug", flat=True).first()
    if q_slug is None:
        return ""
    page = reverse("response", args=[rnd.programme.slug, q_slug, rnd.slug, region.slug])
    return f"{page}#q-{question}"


SOURCE = AnswerSource(keys=keys, values=values, url=url)
