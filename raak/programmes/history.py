"""Recording changes: who, when, what, old -> new.

Every write path (import, web forms, round state changes) goes through a Recorder so
that nothing changes without a ChangeRecord.
"""

from datetime import date

from django.db import models
from django.db.models import F

from raak.programmes.models import ChangeRecord, Programme, Round


def display(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return getattr(value, "key", None) or str(value)
    return str(value)


def describe(items):
    """A list of small dicts as one line: "GM0363 Amsterdam; GM0362 Amstelveen"."""
    return "; ".join(" ".join(str(v) for v in item.values() if v) for item in items)


class Recorder:
    def __init__(self, user=None, actor="", programme=None):
        self.user = user
        self.actor = actor or (user.get_username() if user else "systeem")
        self.programme = programme
        self.quiet = False  # a new programme's import is one record, not one per row
        self.pending = []
        # Whether a recorded change was of a round the public could see when recorded
        # (reopening a published round is recorded while it is still published).
        self.was_public = False

    def record(self, *, subject, field="", old="", new="", round=None, region=None, kind="",
               object_id=None, reason="", reverts=None):  # fmt: skip
        """`kind` and `object_id` say which record changed (ChangeRecord), so the history
        can show labels and revert it."""
        if self.quiet:
            return
        if round is None or round.state not in HIDDEN_STATES:
            self.was_public = True
        self.pending.append(
            ChangeRecord(
                user=self.user,
                actor=self.actor,
                programme=self.programme,
                round=round,
                region=region,
                subject=subject,
                field=field,
                old=display(old),
                new=display(new),
                kind=kind,
                object_id=object_id,
                reason=reason,
                reverts=reverts,
            )
        )

    def update(self, obj, values, *, subject, round=None, region=None, save=True, **about):
        """Set `values` on `obj`, record each field that changes; return whether any did."""
        changed = []
        for name, new in values.items():
            old = getattr(obj, name)
            if old != new:
                # Reordering rows is not worth a record, and the normalised dates of a
                # period follow from its text, which is recorded.
                if name not in ("position", "expected_earliest", "expected_latest"):
                    self.record(subject=subject, field=name, old=old, new=new, round=round,
                                region=region, **about)  # fmt: skip
                setattr(obj, name, new)
                changed.append(name)
        if changed and save:
            obj.save(update_fields=changed)
        return bool(changed)

    def flush(self):
        public = self.was_public or _public(self.pending)
        if self.programme is not None and self.programme.pk is not None:
            # In the change's own transaction, so the new version and the new data
            # become visible together; the row lock keeps versions in commit order.
            # The lock is taken before the records are written, so a programme's
            # records get their ids in commit order too: whoever read the newest id
            # under the lock has seen every record with a lower one (rule_tally.py
            # relies on it).
            versions = {"data_version": F("data_version") + 1}
            if public:
                versions["public_version"] = F("public_version") + 1
            Programme.objects.filter(pk=self.programme.pk).update(**versions)
        ChangeRecord.objects.bulk_create(self.pending, batch_size=2000)
        self.pending, self.was_public = [], False


# Rounds the public cannot see: a change that only touches those changes no public page.
HIDDEN_STATES = (Round.OPEN, Round.CLOSED)


def _public(records):
    """Whether these changes may show on a public page. Only a change of a round that
    is not public, before (Recorder.was_public) and after (checked here), is invisible;
    publishing and withdrawing leave the round published or withdrawn, so they count.
    Anything else, and an empty flush (a quiet import), counts too."""
    if not records:
        return True
    return any(r.round is None or r.round.state not in HIDDEN_STATES for r in records)
