"""Reading and reverting what changed: change records in people's words.

A ChangeRecord keeps the stored values (a status key, a category key, an ISO date, an
answer as JSON). `describe()` gives every record of a page its labels in the reader's
language — the programme's own status words, the answer categories' and choice lists'
labels, role names, dates as "15 januari 2011" — in a fixed number of queries per page
(one or two per kind of record), whatever the number of records.

`revert()` puts a record's old value back with a reason, as a new recorded change
through the same optimistic-locking save as the editors (status.save_or_conflict):
refused with Conflict when the record has changed since, with RoundClosed in a closed
or published round. Apps whose records live elsewhere (questionnaire answers, report
texts) register how to describe and revert theirs (`register`), so this module needs
to know nothing about them.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from raak.lib.periods import PeriodError, parse_period
from raak.programmes import memo, wording
from raak.programmes.history import display
from raak.programmes.models import IndicatorCategory, IndicatorValue, MilestoneStatus, Round
from raak.programmes.status import Conflict, RoundClosed, check_writable, save_or_conflict

__all__ = ["Conflict", "RoundClosed", "NotRevertible", "describe", "revert", "register"]

KINDS = [
    ("status", _("mijlpaalstatus")),
    ("indicator", _("indicator")),
    ("answer", _("antwoord op een vragenlijst")),
    ("report", _("rapporttekst")),
    ("round", _("ronde")),
    ("submission", _("indiening")),
    ("role", _("rol")),
    ("other", _("overig")),
]

FIELDS = {
    "status": _("status"),
    "expected_text": _("verwachte periode"),
    "note": _("toelichting"),
    "category": _("antwoord"),
    "date": _("datum"),
    "state": _("status"),
    "bewijsstuk": _("bewijsstuk"),
    "opens_on": _("openingsdatum"),
    "closes_on": _("uiterste inleverdatum"),
    "withdrawn_reason": _("reden van intrekken"),
    "aangemaakt": _("aangemaakt"),
    "tekst": _("tekst"),
    "rol": _("rol"),
    "actief": _("actief"),
}


class NotRevertible(Exception):
    """A sentence for the person: why this record cannot be reverted."""


@dataclass
class Kind:
    describe: object = None  # describe(records, programme): set old_text/new_text/what
    revert: object = None  # revert(record, *, user, reason) -> None
    fields: object = ()  # the fields a revert can put back (or a test of a field name)

    def reverts(self, field):
        ok = self.fields(field) if callable(self.fields) else field in self.fields
        return bool(self.revert) and ok


_kinds = {}


def register(kind, *, describe=None, revert=None, fields=()):
    _kinds[kind] = Kind(describe, revert, fields if callable(fields) else tuple(fields))


def kind_label(kind):
    return dict(KINDS).get(kind or "other", kind)


def date_text(day):
    """15 januari 2011 / 15 January 2011."""
    return formats.date_format(day, "j F Y")


def value_text(value):
    """A stored value as words: an ISO date as a date, ja/nee in the reader's language."""
    if not value:
        return ""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date_text(date.fromisoformat(value))
        except ValueError:
            pass
    if value in ("ja", "nee"):
        return gettext(value)
    return value


def _label_first_part(value):
    """ "ingediend: toelichting" -> the state's label translated, the comment as it is."""
    head, sep, rest = value.partition(": ")
    return gettext(head) + sep + rest if head else value


def describe(records, programme):
    """Give each record `what`, `field_label`, `old_text`, `new_text`, `kind_label` and
    `revertible` (the kind and field can be reverted; the round is checked on saving)."""
    records = list(records)
    by_kind = {}
    for r in records:
        r.what = r.subject
        r.field_label = FIELDS.get(r.field, r.field)
        r.old_text, r.new_text = value_text(r.old), value_text(r.new)
        r.kind_label = kind_label(r.kind)
        kind = _kinds.get(r.kind)
        r.revertible = bool(kind and kind.reverts(r.field) and r.object_id)
        by_kind.setdefault(r.kind, []).append(r)
    for kind, rows in by_kind.items():
        if kind in _kinds and _kinds[kind].describe:
            _kinds[kind].describe(rows, programme)
    return records


def revert(record, *, user, reason):
    """Put `record.old` back as a new change (reason kept, pointing at `record`)."""
    reason = (reason or "").strip()
    if not reason:
        raise NotRevertible(gettext("Geef een reden op."))
    kind = _kinds.get(record.kind)
    if not (kind and kind.reverts(record.field) and record.object_id):
        raise NotRevertible(gettext("Deze wijziging kan niet worden teruggedraaid."))
    kind.revert(record, user=user, reason=reason)


# --- milestone statuses and indicator values (this app's own records) ------------------


def _by_id(programme, relation):
    return {row.id: row for row in memo.rows(programme, relation)}


def _describe_status(records, programme):
    labels = wording.status_labels(programme)
    milestones = _by_id(programme, "milestones")
    for r in records:
        if r.object_id in milestones:
            r.what = wording.local(milestones[r.object_id])
        if r.field == "status":
            r.old_text, r.new_text = labels.get(r.old, r.old), labels.get(r.new, r.new)


def _describe_indicator(records, programme):
    indicators = _by_id(programme, "indicators")
    ids = {r.object_id for r in records if r.field == "category"}
    categories = {
        (c.indicator_id, c.key): wording.local(c, "label")
        for c in IndicatorCategory.objects.filter(indicator_id__in=ids)
    }
    for r in records:
        if r.object_id in indicators:
            r.what = wording.local(indicators[r.object_id])
        if r.field == "category":
            r.old_text = categories.get((r.object_id, r.old), r.old)
            r.new_text = categories.get((r.object_id, r.new), r.new)


def _describe_round(records, programme):
    rounds = _by_id(programme, "rounds")
    states = dict(Round.STATES)
    for r in records:
        rnd = rounds.get(r.object_id)
        if rnd is not None:
            r.what = gettext("ronde %(n)s") % {"n": wording.local(rnd)}
        if r.field == "state":
            r.old_text, r.new_text = (str(states.get(v, v)) for v in (r.old, r.new))


def _describe_words(records, programme):
    """Submissions and roles keep their state or role in Dutch words, which are the
    interface's message ids: translate the words, keep what follows the colon."""
    for r in records:
        r.old_text, r.new_text = _label_first_part(r.old), _label_first_part(r.new)
        if r.subject.startswith("persoon "):
            r.what = gettext("persoon %(u)s") % {"u": r.subject[len("persoon ") :]}
        elif r.subject == "indiening":
            r.what = gettext("indiening")


def _check_unchanged(record, current_value, current):
    if display(current_value) != record.new:
        raise Conflict(current)


def _revert_status(record, *, user, reason):
    with transaction.atomic():
        # The round first, as every save does: closed, published or frozen refuses.
        check_writable(record.round, record.region)
        current = (
            MilestoneStatus.objects.select_for_update().select_related("milestone")
            .filter(round_id=record.round_id, region_id=record.region_id,
                    milestone_id=record.object_id).first()
        )  # fmt: skip
        if current is None:
            raise Conflict(None)
        _check_unchanged(record, getattr(current, record.field), current)
        if record.field == "status":
            if record.old not in dict(MilestoneStatus.STATUSES):
                raise NotRevertible(gettext("Deze wijziging maakte de status aan; er is geen "
                                            "eerdere status om naar terug te gaan."))  # fmt: skip
            values = {"status": record.old}
        elif record.field == "expected_text":
            try:
                period = parse_period(record.old) if record.old else None
            except PeriodError:
                raise NotRevertible(gettext("De eerdere periode is niet meer te lezen.")) from None
            values = {"expected_text": period.text if period else "",
                      "expected_earliest": period.earliest if period else None,
                      "expected_latest": period.latest if period else None}  # fmt: skip
        else:
            values = {"note": record.old}
        save_or_conflict(
            MilestoneStatus, {"round_id": record.round_id, "region_id": record.region_id,
                              "milestone_id": record.object_id},
            values, expected_version=current.version, user=user,
            subject=current.milestone.name, programme=record.programme,
            rnd=record.round, region=record.region, kind="status", object_id=record.object_id,
            reason=reason, reverts=record,
        )  # fmt: skip


def _revert_indicator(record, *, user, reason):
    with transaction.atomic():
        # The round first, as every save does: closed, published or frozen refuses.
        check_writable(record.round, record.region)
        current = (
            IndicatorValue.objects.select_for_update().select_related("indicator", "category")
            .filter(round_id=record.round_id, region_id=record.region_id,
                    indicator_id=record.object_id).first()
        )  # fmt: skip
        if current is None:
            raise Conflict(None)
        _check_unchanged(record, getattr(current, record.field), current)
        if record.field == "category":
            category = IndicatorCategory.objects.filter(
                indicator_id=record.object_id, key=record.old
            ).first()
            if category is None:
                raise NotRevertible(gettext("Deze wijziging gaf de indicator zijn eerste "
                                            "antwoord; er is geen eerder antwoord."))  # fmt: skip
            values = {"category": category}
        elif record.field == "date":
            values = {"date": date.fromisoformat(record.old) if record.old else None}
        else:
            values = {"note": record.old}
        save_or_conflict(
            IndicatorValue, {"round_id": record.round_id, "region_id": record.region_id,
                             "indicator_id": record.object_id},
            values, expected_version=current.version, user=user,
            subject=current.indicator.name, programme=record.programme,
            rnd=record.round, region=record.region, kind="indicator",
            object_id=record.object_id, reason=reason, reverts=record,
        )  # fmt: skip


register("status", describe=_describe_status, revert=_revert_status,
         fields=("status", "expected_text", "note"))  # fmt: skip
register("indicator", describe=_describe_indicator, revert=_revert_indicator,
         fields=("category", "date", "note"))  # fmt: skip
register("round", describe=_describe_round)
register("submission", describe=_describe_words)
register("role", describe=_describe_words)
