"""Saving, submitting and reopening responses: optimistic locking, frozen rounds, and
the continuation questions feeding the programme's indicators (one truth)."""

import json
from datetime import date

from django.db import transaction

from raak.lib import locking
from raak.programmes.history import Recorder
from raak.programmes.models import IndicatorValue
from raak.programmes.status import Conflict, RoundClosed, check_writable, save_indicator_value
from raak.questionnaires.models import Answer, Question, Response

__all__ = ["Conflict", "RoundClosed", "save", "reopen"]


def save(response, form, values, *, user, lock, submit):
    with transaction.atomic():
        # Closed round or a region whose report is submitted: read-only.
        check_writable(response.round, response.region)
        if response.pk:
            current = locking.lock(Response.objects.filter(pk=response.pk), lock, field="lock",
                                   must_exist=True)  # fmt: skip
            if current.state == Response.SUBMITTED:
                raise RoundClosed  # a submitted response changes only after a reopen
        else:
            # Someone may have started the same response since this form was opened:
            # the form expected no row at all (the round's lock, taken above, orders us).
            locking.lock(Response.objects.filter(version=response.version, round=response.round,
                                                 region=response.region), 0, field="lock")  # fmt: skip
        response.state = Response.SUBMITTED if submit else Response.DRAFT
        if response.pk:
            locking.bump(response, "lock")
        response.updated_by = user
        response.save()
        old = {a.question_id: a for a in response.answers.all()}
        recorder = Recorder(user, programme=response.round.programme)
        subject = f"vragenlijst {response.version.questionnaire.slug}"
        for q in form.questions:
            new, existing = values.get(q.key), old.get(q.id)
            about = {"round": response.round, "region": response.region, "kind": "answer",
                     "object_id": q.id}  # fmt: skip
            if existing and new is None:
                recorder.record(subject=subject, field=q.key, old=stored(existing.value), new="",
                                **about)  # fmt: skip
                existing.delete()
            elif new is not None and (existing is None or existing.value != new):
                recorder.record(subject=subject, field=q.key,
                                old=stored(existing.value) if existing else "", new=stored(new),
                                **about)  # fmt: skip
                Answer.objects.update_or_create(
                    response=response, question=q, defaults={"value": new}
                )
        if submit:
            recorder.record(
                subject=subject,
                field="status",
                new="ingediend",
                round=response.round,
                region=response.region,
            )
        recorder.flush()
        if submit:
            _feed_indicators(response, form, values, user)
    return response


def stored(value):
    """An answer as its change record keeps it: JSON, so the history can show its labels
    and a revert can put the very value back."""
    return json.dumps(value, ensure_ascii=False)


def _feed_indicators(response, form, values, user):
    """Every question linked to an indicator carries its field into the region's value
    of that indicator: a choice its category, a date question its date (the
    Slotrapportage's "Tot wanneer"), a text question its note."""
    linked = {}
    for q in form.questions:
        if q.indicator_id:
            linked.setdefault(q.indicator_id, []).append(q)
    for questions in linked.values():
        choice = next((q for q in questions if q.type not in (Question.DATE, Question.TEXT)), None)
        if choice is None or not values.get(choice.key):
            continue
        indicator = choice.indicator
        category = indicator.categories.get(key=values[choice.key])
        current = IndicatorValue.objects.filter(
            round=response.round, region=response.region, indicator=indicator
        ).first()
        dated = next((q for q in questions if q.type == Question.DATE), None)
        if dated is not None:
            day = values.get(dated.key)
            day = date.fromisoformat(day) if day and category.takes_date else None
        else:
            same = current is not None and current.category == category
            day = current.date if same and category.takes_date else None
        noted = next((q for q in questions if q.type == Question.TEXT), None)
        note = values.get(noted.key, "") if noted else (current.note if current else "")
        save_indicator_value(
            response.round, response.region, indicator, user=user,
            expected_version=current.version if current else 0, category=category,
            day=day, note=note,
        )  # fmt: skip


def reopen(response, *, user):
    with transaction.atomic():
        check_writable(response.round, response.region)
        response.state = Response.DRAFT
        locking.bump(response, "lock")
        response.save()
        recorder = Recorder(user, programme=response.round.programme)
        recorder.record(subject=f"vragenlijst {response.version.questionnaire.slug}", field="status",
                        old="ingediend", new="heropend", round=response.round, region=response.region)  # fmt: skip
        recorder.flush()
