"""Questionnaire answers in the change history: the choice lists' labels instead of
keys, and the national office's revert of one answer (raak.programmes.changes)."""

import ast
import json
from datetime import date

from django.db import transaction
from django.utils.translation import gettext

from raak.lib import locking
from raak.programmes import changes
from raak.programmes.history import Recorder
from raak.programmes.status import Conflict, check_writable
from raak.questionnaires.models import Answer, Choice, Question, Response
from raak.questionnaires.service import stored
from raak.questionnaires.templatetags.questionnaire_tags import tr


def is_answer_field(field):
    """An answer's record names its question's key; "status" is the response's state."""
    return field != "status"


def parse(text):
    """A recorded answer back to its value: JSON (what service.save records), else the
    Python form older records kept ("['a', 'b']"), else the text itself; None: empty."""
    if text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _words(value, labels):
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_words(v, labels) for v in value)
    if isinstance(value, str):
        if value in labels:
            return labels[value]
        try:
            return changes.date_text(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(records, programme):
    questions = {
        q.id: q for q in Question.objects.filter(id__in={r.object_id for r in records})
        .select_related("version__questionnaire")
    }  # fmt: skip
    lists = {(q.version_id, q.choice_list) for q in questions.values() if q.choice_list}
    labels = {}
    if lists:
        for c in Choice.objects.filter(version_id__in={v for v, _l in lists}):
            if (c.version_id, c.list_name) in lists:
                labels.setdefault((c.version_id, c.list_name), {})[c.key] = tr(c, "label")
    for r in records:
        q = questions.get(r.object_id)
        if q is None:
            continue
        r.what = q.version.questionnaire.name
        r.field_label = tr(q, "label")
        mine = labels.get((q.version_id, q.choice_list), {})
        r.old_text, r.new_text = _words(parse(r.old), mine), _words(parse(r.new), mine)


def revert(record, *, user, reason):
    with transaction.atomic():
        check_writable(record.round, record.region)
        question = Question.objects.filter(pk=record.object_id).first()
        if question is None:
            raise changes.NotRevertible(gettext("De vraag bestaat niet meer."))
        response = (
            Response.objects.select_for_update()
            .filter(version_id=question.version_id, round_id=record.round_id,
                    region_id=record.region_id).first()
        )  # fmt: skip
        if response is None:
            raise Conflict(None)
        if response.state == Response.SUBMITTED:
            raise changes.NotRevertible(
                gettext(
                    "De vragenlijst is ingediend: heropen haar eerst, dan kan dit antwoord terug."
                )
            )
        answer = Answer.objects.filter(response=response, question=question).first()
        current = answer.value if answer else None
        if current != parse(record.new):
            raise Conflict(response)
        target = parse(record.old)
        if target is None:
            answer.delete()
        else:
            Answer.objects.update_or_create(response=response, question=question,
                                            defaults={"value": target})  # fmt: skip
        locking.bump(response, "lock")  # an open form of this response now conflicts
        response.updated_by = user
        response.save(update_fields=["lock", "updated_by", "updated_at"])
        recorder = Recorder(user, programme=record.programme)
        recorder.record(
            subject=record.subject, field=record.field, old=stored(current),
            new="" if target is None else stored(target), round=record.round,
            region=record.region, kind="answer", object_id=question.id, reason=reason,
            reverts=record,
        )  # fmt: skip
        recorder.flush()
