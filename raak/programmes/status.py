"""Changing one region's status or answer in a round, safely.

Two people may open the same status at once. Each save names the version it
started from; if the stored version has moved on, the save is refused with the
other person's change (optimistic locking). Closed rounds refuse every change, and
so does an open round for a region whose report is frozen (submitted or accepted, see
`raak.cycle`): every write path (pages, API, questionnaire service) passes here.
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from raak.lib import locking
from raak.lib.locking import Conflict, rebase  # noqa: F401 (this module's callers use them)
from raak.programmes import round_forms, signals
from raak.programmes.history import Recorder
from raak.programmes.models import IndicatorValue, MilestoneStatus, Programme, Round


class RoundClosed(Exception):
    pass


class RegionFrozen(RoundClosed):
    """The region has submitted its report for this round: read-only until returned."""


# Other apps freeze one region's data in an open round (raak.cycle: a submitted report)
# by registering a check here, so this module needs to know nothing about them.
_region_freezers = []


def add_region_freezer(check):
    """`check(round, region)` returns True when the region may not change the round."""
    if check not in _region_freezers:
        _region_freezers.append(check)


def is_region_frozen(rnd, region):
    return any(check(rnd, region) for check in _region_freezers)


def check_writable(rnd, region):
    """Inside a transaction: lock the round row (so a submit or close waits for us, or
    we for it) and refuse when the round is closed or the region's data is frozen."""
    current = _locked_round(rnd)
    if region is not None and is_region_frozen(current, region):
        raise RegionFrozen
    return current


def _locked_round(rnd):
    # Re-read the round inside the transaction: it may have been closed meanwhile.
    current = Round.objects.select_for_update().get(pk=rnd.pk)
    if not current.is_open:
        raise RoundClosed
    return current


def save_or_conflict(
    model,
    lookup,
    values,
    *,
    expected_version,
    user,
    subject,
    programme,
    rnd=None,
    region=None,
    regions=None,
    stamp=None,
    recorder=None,
    kind="",
    object_id=None,
    reason="",
    reverts=None,
):
    """The one save of every editor with optimistic locking (status and indicator
    pages, the rule, knowledge and protocol editors), on raak.lib.locking.

    In one transaction: refuse a closed round or frozen region (when `rnd` is given),
    lock the stored row named by `lookup`, and raise Conflict(stored row) when its
    version is not the one the editor started from (0: there was no row). Otherwise
    create or update the row with a change record per field that changes, the version
    one up and `updated_by` set when the model has it. `stamp` values (e.g. the day of
    a check) are set with every change but not recorded; `regions` are the row's
    regions (many-to-many), recorded as one field. A `recorder` passed in collects the
    records of several saves, and its owner flushes it. `kind`, `object_id`, `reason`
    and `reverts` go on the change records (history.Recorder.record). Returns the saved
    row."""
    with transaction.atomic():
        if rnd is not None:
            check_writable(rnd, region)
        obj = locking.lock(model.objects.filter(**lookup), expected_version)
        own_recorder = recorder is None
        recorder = recorder or Recorder(user, programme=programme)
        where = {"round": rnd, "region": region, "kind": kind, "object_id": object_id,
                 "reason": reason, "reverts": reverts}  # fmt: skip
        extra = dict(stamp or {})
        if any(f.name == "updated_by" for f in model._meta.fields):
            extra["updated_by"] = user
        created = obj is None
        if created:
            obj = model(**lookup, **values, **extra)
            for name, new in values.items():
                if new not in ("", None, []):
                    recorder.record(subject=subject, field=name, new=new, **where)
            changed = True
        else:
            changed = recorder.update(obj, values, subject=subject, save=False, **where)
        if regions is not None:
            old = [] if created else sorted(r.slug for r in obj.regions.all())
            new = sorted(r.slug for r in regions)
            if old != new:
                recorder.record(subject=subject, field="regio's", old=" ".join(old),
                                new=" ".join(new), **where)  # fmt: skip
                changed = True
        if changed:
            if not created:
                locking.bump(obj)
                for name, value in extra.items():
                    setattr(obj, name, value)
            obj.save()
            if regions is not None:
                obj.regions.set(regions)
        if own_recorder:
            recorder.flush()
        return obj


def delete_or_conflict(
    model, lookup, values, *, expected_version, user, subject, programme, region=None, recorder=None
):
    """Like save_or_conflict, for a row the editor emptied: the stored `values` fields
    are recorded as cleared and the row is deleted. No row: nothing to do."""
    with transaction.atomic():
        obj = locking.lock(model.objects.filter(**lookup), expected_version)
        if obj is None:
            return
        own_recorder = recorder is None
        recorder = recorder or Recorder(user, programme=programme)
        recorder.update(obj, values, subject=subject, region=region, save=False)
        obj.delete()
        if own_recorder:
            recorder.flush()


def save_milestone_status(rnd, region, milestone, *, user, expected_version, status, period, note):
    """The status page's save: every field of the status."""
    values = {
        "status": status,
        "expected_text": period.text if period else "",
        "expected_earliest": period.earliest if period else None,
        "expected_latest": period.latest if period else None,
        "note": note,
    }
    lookup = {"round": rnd, "region": region, "milestone": milestone}
    return save_or_conflict(
        MilestoneStatus, lookup, values, user=user, expected_version=expected_version,
        subject=milestone.name, programme=rnd.programme, rnd=rnd, region=region,
        kind="status", object_id=milestone.pk,
    )  # fmt: skip


def save_indicator_value(rnd, region, indicator, *, user, expected_version, category, day, note):
    values = {"category": category, "date": day, "note": note}
    lookup = {"round": rnd, "region": region, "indicator": indicator}
    return save_or_conflict(
        IndicatorValue, lookup, values, user=user, expected_version=expected_version,
        subject=indicator.name, programme=rnd.programme, rnd=rnd, region=region,
        kind="indicator", object_id=indicator.pk,
    )  # fmt: skip


# Sent by change_round_state once a round's new state is committed (round=, state=).
round_state_changed = Signal()


class NotAllowed(ValueError):
    """A change the rules refuse; `field` names the form field it is about, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def lock_programme(programme):
    """Take the programme's row lock for the rest of the transaction: round creation
    and round state changes of one programme then run one after another (on SQLite
    the IMMEDIATE transaction already does). Every change's Recorder.flush updates this
    row too, always after locking its round; so a state change locks its round first
    and the programme second, in the same order, and no two writers deadlock."""
    locking.lock_row(Programme, programme.pk)


class PublishedCannotReopen(NotAllowed):
    """A published round is public: withdraw the publication before reopening it."""


# Every change of a round's state, and what it needs: a reason (recorded, and shown
# in the history) or the national office's confirmation page.
TRANSITIONS = {
    (Round.OPEN, Round.CLOSED): "",
    (Round.CLOSED, Round.PUBLISHED): "confirmed",
    (Round.PUBLISHED, Round.WITHDRAWN): "reason",
    (Round.WITHDRAWN, Round.PUBLISHED): "confirmed",
    (Round.CLOSED, Round.OPEN): "reason",  # reopening
    (Round.WITHDRAWN, Round.OPEN): "reason",
}


def change_round_state(rnd, state, *, user, confirmed=False, reason="", closes_on=None):
    """The one change of a round's state: open -> closed -> published; published ->
    withdrawn (with a reason) -> published again; a closed or withdrawn round reopened
    (with a reason), never a published one. Publishing needs `confirmed`: the national
    office has seen the confirmation page listing what becomes public (notes carried
    over from rounds that were never published included), so nothing becomes public by
    carrying over. Reopening may set a new deadline (`closes_on`)."""
    with transaction.atomic():
        current = Round.objects.select_for_update().get(pk=rnd.pk)
        lock_programme(current.programme)
        if current.state == state and state in (Round.PUBLISHED, Round.WITHDRAWN, Round.CLOSED,
                                                Round.OPEN):  # fmt: skip
            # Someone else (or a second click) made the same change a moment ago: the
            # round is where this request wanted it, so it is not an error.
            rnd.state, rnd.withdrawn_reason = current.state, current.withdrawn_reason
            return current
        need = TRANSITIONS.get((current.state, state))
        if need is None:
            if current.state == Round.PUBLISHED and state == Round.OPEN:
                raise PublishedCannotReopen("withdraw the publication first")
            raise NotAllowed(f"{current.state} -> {state} is not allowed")
        if need == "confirmed" and not confirmed:
            raise NotAllowed("publishing needs the confirmation page")
        reason = reason.strip()
        if need == "reason" and not reason:
            raise NotAllowed("this change needs a reason")
        values = {"state": state}
        if state == Round.WITHDRAWN:
            values["withdrawn_reason"] = reason
        if state == Round.OPEN and closes_on is not None:
            if current.opens_on and closes_on < current.opens_on:
                raise NotAllowed("the deadline lies before the opening date")
            values["closes_on"] = closes_on  # reopened with a new deadline
        recorder = Recorder(user, programme=current.programme)
        subject = f"ronde {current.slug}"
        recorder.update(current, values, subject=subject, round=current,
                        kind="round", object_id=current.pk)  # fmt: skip
        if state == Round.OPEN:
            recorder.record(subject=subject, field="heropend", new=reason, round=current,
                            kind="round", object_id=current.pk, reason=reason)  # fmt: skip
        recorder.flush()
        rnd.state, rnd.withdrawn_reason = current.state, current.withdrawn_reason
        rnd.closes_on = current.closes_on
        if state == Round.PUBLISHED:
            # Inside the transaction: the messages are logged with the change.
            signals.round_published.send(Round, round=current, user=user)
    # After the commit: apps that keep copies of public data (raak.opendata's files
    # under RAAK_DATA_DIR/public) bring them in step before the caller reports success.
    round_state_changed.send(sender=Round, round=current, state=state)
    return current


def change_round_forms(rnd, keys, *, user):
    """Choose again which forms (questionnaires) an open round asks."""
    with transaction.atomic():
        current = _locked_round(rnd)
        recorder = Recorder(user, programme=current.programme)
        round_forms.ask(current, keys, recorder=recorder)
        recorder.flush()
        return current


def change_round_dates(rnd, *, user, opens_on, closes_on):
    """Set or extend the calendar of a round that is still open."""
    if opens_on and closes_on and closes_on < opens_on:
        raise NotAllowed("the deadline lies before the opening date")
    with transaction.atomic():
        current = _locked_round(rnd)
        old_deadline = current.closes_on
        recorder = Recorder(user, programme=current.programme)
        recorder.update(
            current, {"opens_on": opens_on, "closes_on": closes_on},
            subject=f"ronde {current.slug}", round=current, kind="round", object_id=current.pk,
        )  # fmt: skip
        recorder.flush()
        rnd.opens_on, rnd.closes_on = current.opens_on, current.closes_on
        if current.closes_on != old_deadline:
            signals.round_deadline_changed.send(
                Round, round=current, old=old_deadline, new=current.closes_on, user=user
            )
        return current


def open_round(
    programme, *, slug, name, peildatum, user, opens_on=None, closes_on=None, name_en="",
    source="", forms=None,
):  # fmt: skip
    """A new open round starting from the latest round's statuses, so regions only
    change what moved. Notes come along too; the publication page lists those that
    come from a round that was never published before anything becomes public.

    `forms`: the keys of the forms (questionnaires) the round asks; None takes those the
    previous round asked that are still offered (round_forms)."""
    with transaction.atomic():
        # Under the programme's lock the checks below see every round made before, so
        # twenty requests at once make one round per slug, each after the latest.
        lock_programme(programme)
        if programme.rounds.filter(slug=slug).exists():
            raise NotAllowed(_("Er is al een ronde met deze korte naam."), field="slug")
        previous = programme.rounds.order_by("-peildatum").first()
        if previous and peildatum <= previous.peildatum:
            raise NotAllowed(
                _("De peildatum moet na die van de laatste ronde (%(d)s) liggen.")
                % {"d": previous.peildatum.strftime("%d-%m-%Y")},
                field="peildatum",
            )
        if forms is None:
            forms = default_forms(programme, previous)
        rnd = Round.objects.create(
            programme=programme, slug=slug, name=name, peildatum=peildatum,
            opens_on=opens_on, closes_on=closes_on, name_en=name_en, source=source,
            carried_from=previous,
        )  # fmt: skip
        active = set(programme.regions.active_on(peildatum).values_list("id", flat=True))
        if previous:
            MilestoneStatus.objects.bulk_create(
                MilestoneStatus(
                    round=rnd, region_id=s.region_id, milestone_id=s.milestone_id,
                    status=s.status, expected_text=s.expected_text,
                    expected_earliest=s.expected_earliest, expected_latest=s.expected_latest,
                    note=s.note,
                )
                for s in previous.milestone_statuses.all()
                if s.region_id in active
            )  # fmt: skip
            IndicatorValue.objects.bulk_create(
                IndicatorValue(
                    round=rnd, region_id=v.region_id, indicator_id=v.indicator_id,
                    category_id=v.category_id, date=v.date, note=v.note,
                )
                for v in previous.indicator_values.all()
                if v.region_id in active
            )  # fmt: skip
        recorder = Recorder(user, programme=programme)
        recorder.record(
            subject=f"ronde {slug}", field="aangemaakt", round=rnd, kind="round", object_id=rnd.pk,
            new=f"{name}, peildatum {peildatum:%d-%m-%Y}"
            + (f", open {opens_on:%d-%m-%Y} t/m {closes_on:%d-%m-%Y}" if opens_on and closes_on else "")
            + (f", gevuld vanuit {previous.slug}" if previous else ""),
        )  # fmt: skip
        round_forms.ask(rnd, forms, recorder=recorder)
        recorder.flush()
        return rnd


def default_forms(programme, previous):
    """What a new round asks unless the national office chooses: what the previous
    round asked, as far as it is still offered (a retired questionnaire is not)."""
    if previous is None:
        return []
    offered = {key for key, _name in round_forms.offered(programme)}
    return [key for key in round_forms.asked(previous) if key in offered]
