"""Changing one region's status or answer in a round, safely.

Two people may open the same status at once. Each save names the version it
started from; if the stored version has moved on, the save is refused with the
other person's change (optimistic locking). Closed rounds refuse every change.
"""

from django.db import transaction

from raak.programmes.history import Recorder
from raak.programmes.models import IndicatorValue, MilestoneStatus, Round


class RoundClosed(Exception):
    pass


class Conflict(Exception):
    def __init__(self, current):
        self.current = current
        super().__init__("changed by someone else")


def _locked_round(rnd):
    # Re-read the round inside the transaction: it may have been closed meanwhile.
    current = Round.objects.select_for_update().get(pk=rnd.pk)
    if not current.is_open:
        raise RoundClosed
    return current


def _save(model, lookup, values, *, user, expected_version, subject, rnd, region):
    with transaction.atomic():
        _locked_round(rnd)
        obj = model.objects.select_for_update().filter(**lookup).first()
        if (obj.version if obj else 0) != expected_version:
            raise Conflict(obj)
        recorder = Recorder(user, programme=rnd.programme)
        if obj is None:
            obj = model(**lookup, **values, updated_by=user)
            obj.save()
            for name, new in values.items():
                if new not in ("", None):
                    recorder.record(subject=subject, field=name, new=new, round=rnd, region=region)
        elif recorder.update(obj, values, subject=subject, round=rnd, region=region, save=False):
            obj.version += 1
            obj.updated_by = user
            obj.save()
        recorder.flush()
        return obj


def save_milestone_status(rnd, region, milestone, *, user, expected_version, status, period, note):
    values = {
        "status": status,
        "expected_text": period.text if period else "",
        "expected_earliest": period.earliest if period else None,
        "expected_latest": period.latest if period else None,
        "note": note,
    }
    lookup = {"round": rnd, "region": region, "milestone": milestone}
    return _save(
        MilestoneStatus, lookup, values, user=user, expected_version=expected_version,
        subject=milestone.name, rnd=rnd, region=region,
    )  # fmt: skip


def save_indicator_value(rnd, region, indicator, *, user, expected_version, category, day, note):
    values = {"category": category, "date": day, "note": note}
    lookup = {"round": rnd, "region": region, "indicator": indicator}
    return _save(
        IndicatorValue, lookup, values, user=user, expected_version=expected_version,
        subject=indicator.name, rnd=rnd, region=region,
    )  # fmt: skip


def change_round_state(rnd, state, *, user):
    """open -> closed -> published, one step forward at a time."""
    order = [Round.OPEN, Round.CLOSED, Round.PUBLISHED]
    if order.index(state) != order.index(rnd.state) + 1:
        raise ValueError(f"{rnd.state} -> {state} is not allowed")
    with transaction.atomic():
        recorder = Recorder(user, programme=rnd.programme)
        recorder.update(rnd, {"state": state}, subject=f"ronde {rnd.slug}", round=rnd)
        recorder.flush()


def open_round(programme, *, slug, name, peildatum, user):
    """A new open round starting from the latest round's statuses, so regions only
    change what moved."""
    with transaction.atomic():
        previous = programme.rounds.order_by("-peildatum").first()
        rnd = Round.objects.create(programme=programme, slug=slug, name=name, peildatum=peildatum)
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
            subject=f"ronde {slug}", field="aangemaakt", round=rnd,
            new=f"{name}, peildatum {peildatum:%d-%m-%Y}"
            + (f", gevuld vanuit {previous.slug}" if previous else ""),
        )  # fmt: skip
        recorder.flush()
        return rnd
