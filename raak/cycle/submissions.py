"""A region's report per round: submit, return with a comment, accept.

One level of approval, like DHIS2's data approval: submitting freezes the region's data
in the round (through `raak.programmes.status`, so pages and API alike), returning
unfreezes it, accepting keeps it frozen. Every transition is a SubmissionEvent and a
ChangeRecord.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from raak.cycle.models import AdvisorNote, Reminder, Submission, SubmissionEvent
from raak.programmes import round_forms, rules
from raak.programmes.history import Recorder
from raak.programmes.models import ChangeRecord, Round

SUBJECT = "indiening"  # the subject of the change records of transitions


class NotAllowed(Exception):
    pass


def is_frozen(rnd, region):
    return Submission.objects.filter(round=rnd, region=region, state__in=Submission.FROZEN).exists()


def state_of(submission, last_change):
    if submission is not None:
        return submission.state
    return Submission.IN_PROGRESS if last_change else Submission.NOT_STARTED


# Which transition goes from which state; "submit" starts from any state without a row.
TRANSITIONS = {
    "submit": ({Submission.NOT_STARTED, Submission.IN_PROGRESS, Submission.RETURNED},
               Submission.SUBMITTED),
    "accept": ({Submission.SUBMITTED}, Submission.ACCEPTED),
    "return": ({Submission.SUBMITTED, Submission.ACCEPTED}, Submission.RETURNED),
}  # fmt: skip


def transition(rnd, region, action, *, user, comment="", reopen=None):
    """Run one transition; raise NotAllowed with a Dutch sentence when it cannot.

    Returning also reopens the region's submitted forms of the round (questionnaires,
    programmes.round_forms) named by `reopen`, all when None, so the region can fix
    what the comment points at."""
    sources, target = TRANSITIONS[action]
    comment = comment.strip()
    if action == "return" and not comment:
        raise NotAllowed("Geef bij terugsturen een toelichting: wat moet de regio aanpassen?")
    with transaction.atomic():
        # The round row is the lock every data save takes too (status.check_writable),
        # so a save and a submit never interleave.
        current = Round.objects.select_for_update().get(pk=rnd.pk)
        if not current.is_open:
            raise NotAllowed("De ronde is gesloten.")
        sub = Submission.objects.select_for_update().filter(round=rnd, region=region).first()
        old = state_of(sub, _has_changes(rnd, region))
        if old not in sources:
            raise NotAllowed(f"Dit kan niet: de rapportage is {dict(Submission.STATES)[old]}.")
        if action == "submit":
            _check_rules(current, region)
        now = timezone.now()
        if sub is None:
            sub = Submission(round=rnd, region=region)
        sub.state = target
        if action == "submit":
            sub.submitted_at, sub.submitted_by = now, user
        else:
            sub.decided_at, sub.comment = now, comment
        sub.save()
        SubmissionEvent.objects.create(
            submission=sub, user=user, actor=user.get_username() if user else "systeem",
            old=old, new=target, comment=comment,
        )  # fmt: skip
        recorder = Recorder(user, programme=rnd.programme)
        recorder.record(
            subject=SUBJECT, field="status", old=dict(Submission.STATES)[old],
            new=dict(Submission.STATES)[target] + (f": {comment}" if comment else ""),
            round=rnd, region=region, kind="submission", object_id=sub.pk,
        )  # fmt: skip
        if action == "return":
            sub.reopened = round_forms.reopen(current, region, reopen, recorder=recorder)
        recorder.flush()
        return sub


def not_submitted(rnd):
    """{region id: changed anything?} of the round's active regions whose report is not
    submitted or accepted (registered in programmes.round_notes); three queries."""
    regions = rnd.programme.regions.active_on(rnd.peildatum).values_list("id", flat=True)
    states = dict(Submission.objects.filter(round=rnd).values_list("region_id", "state"))
    changed = set(
        ChangeRecord.objects.filter(round=rnd, region__isnull=False)
        .exclude(subject=SUBJECT)
        .values_list("region_id", flat=True)
        .distinct()
    )
    return {r: r in changed for r in regions if states.get(r) not in Submission.FROZEN}


def _check_rules(rnd, region):
    """An error blocks submitting; so does a warning without a justification."""
    standing = rules.open_results(rules.for_region(rnd, region))
    if standing:
        errors = sum(r.is_error for r in standing)
        raise NotAllowed(
            _("Indienen kan nog niet: %(e)s en %(w)s. Zie de lijst hieronder.")
            % {
                "e": ngettext("%(n)d fout", "%(n)d fouten", errors) % {"n": errors},
                "w": ngettext(
                    "%(n)d waarschuwing zonder toelichting",
                    "%(n)d waarschuwingen zonder toelichting",
                    len(standing) - errors,
                )
                % {"n": len(standing) - errors},
            }
        )


def _has_changes(rnd, region):
    return ChangeRecord.objects.filter(round=rnd, region=region).exclude(subject=SUBJECT).exists()


@dataclass
class SubmissionRow:
    state: str
    submitted_at: object
    decided_at: object
    comment: str


@dataclass
class Row:
    region: object
    state: str
    state_label: str
    last_change: object
    submitted_at: object
    decided_at: object
    comment: str
    overdue: bool
    reminders_sent: int = 0
    reminders_failed: int = 0
    notes: list = field(default_factory=list)


@dataclass
class Overview:
    round: Round
    rows: list
    today: object
    failed: int = 0  # reminders not delivered, over all regions

    def count(self, *states):
        return sum(1 for r in self.rows if r.state in states)

    @property
    def submitted(self):
        return self.count(Submission.SUBMITTED, Submission.ACCEPTED)

    @property
    def returned(self):
        return self.count(Submission.RETURNED)

    @property
    def accepted(self):
        return self.count(Submission.ACCEPTED)

    @property
    def overdue(self):
        return sum(1 for r in self.rows if r.overdue)

    def by_state(self, states):
        """[(state, label, rows)] for each of `states` that has regions, in that order."""
        labels = dict(Submission.STATES)
        out = []
        for state in states:
            rows = [r for r in self.rows if r.state == state]
            if rows:
                out.append((state, str(labels[state]), rows))
        return out


def overview(rnd, *, today=None, regions=None, details=True):
    """Per region the state of its report: three queries whatever the number of
    regions. `details` adds the reminders and advisor notes of every row (two more);
    a page of the overview adds them to its own rows only (`add_details`)."""
    today = today or timezone.localdate()
    if regions is None:
        # Only what the rows show: at 1,000 regions full model rows are a good part
        # of the page's time.
        regions = list(rnd.programme.regions.active_on(rnd.peildatum).only("id", "slug", "name"))
    subs = {
        region_id: SubmissionRow(state, submitted_at, decided_at, comment)
        for region_id, state, submitted_at, decided_at, comment in Submission.objects.filter(
            round=rnd
        ).values_list("region_id", "state", "submitted_at", "decided_at", "comment")
    }
    changes = dict(
        ChangeRecord.objects.filter(round=rnd, region__isnull=False)
        .exclude(subject=SUBJECT)
        .values("region_id")
        .annotate(last=Max("at"))
        .values_list("region_id", "last")
    )
    labels = {k: str(v) for k, v in Submission.STATES}
    late = bool(rnd.closes_on and today > rnd.closes_on)
    rows = []
    for region in regions:
        sub = subs.get(region.id)
        state = state_of(sub, changes.get(region.id))
        rows.append(
            Row(
                region=region,
                state=state,
                state_label=labels[state],
                last_change=changes.get(region.id),
                submitted_at=sub.submitted_at if sub else None,
                decided_at=sub.decided_at if sub else None,
                comment=sub.comment if sub else "",
                overdue=late and state not in Submission.FROZEN,
            )  # fmt: skip
        )
    failed = Reminder.objects.filter(round=rnd, state=Reminder.FAILED).count()
    ov = Overview(rnd, rows, today, failed)
    if details:
        add_details(ov, rows)
    return ov


def add_details(ov, rows):
    """The reminders sent and failed and the advisor notes of `rows` (two queries)."""
    reminders_of, notes_of = Reminder.objects.filter(round=ov.round), notes_of_period(ov.round)
    if len(rows) < len(ov.rows):
        ids = [r.region.id for r in rows]
        reminders_of, notes_of = (
            reminders_of.filter(region_id__in=ids),
            notes_of.filter(region_id__in=ids),
        )
    reminders = {}
    for region_id, state, n in (
        reminders_of.values("region_id", "state")
        .annotate(n=Count("id"))
        .values_list("region_id", "state", "n")
    ):
        reminders.setdefault(region_id, {})[state] = n
    notes = {}
    for note in notes_of.select_related("author"):
        notes.setdefault(note.region_id, []).append(note)
    for row in rows:
        sent = reminders.get(row.region.id, {})
        row.reminders_sent = sent.get(Reminder.SENT, 0)
        row.reminders_failed = sent.get(Reminder.FAILED, 0)
        row.notes = notes.get(row.region.id, [])


def notes_of_period(rnd):
    """Advisor notes about the months the round was open (opening date to deadline;
    the peildatum's month for a round without a calendar)."""
    start = rnd.opens_on or rnd.peildatum
    end = rnd.closes_on or rnd.peildatum
    return AdvisorNote.objects.filter(
        region__programme_id=rnd.programme_id,
        month__gte=start.replace(day=1),
        month__lte=end.replace(day=1),
    )


def as_dict(ov):
    r = ov.round

    def iso(v):
        return v.isoformat() if v else None

    return {
        "programme": r.programme.slug,
        "round": {"slug": r.slug, "name": r.name, "peildatum": iso(r.peildatum),
                  "opens_on": iso(r.opens_on), "closes_on": iso(r.closes_on), "state": r.state},
        "counts": {"regions": len(ov.rows), "submitted": ov.submitted, "accepted": ov.accepted,
                   "returned": ov.returned, "overdue": ov.overdue},
        "regions": [
            {"slug": row.region.slug, "name": row.region.name, "state": row.state,
             "last_change": iso(row.last_change), "submitted_at": iso(row.submitted_at),
             "decided_at": iso(row.decided_at), "overdue": row.overdue,
             "reminders_sent": row.reminders_sent, "reminders_failed": row.reminders_failed}
            for row in ov.rows
        ],
    }  # fmt: skip


COLUMNS = ["regio", "slug", "status", "laatste wijziging", "ingediend op", "besloten op",
           "te laat", "herinneringen verzonden", "herinneringen mislukt", "opmerking landelijk"]  # fmt: skip


def table_rows(ov):
    def iso(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    for row in ov.rows:
        yield [row.region.name, row.region.slug, row.state_label, iso(row.last_change),
               iso(row.submitted_at), iso(row.decided_at), "ja" if row.overdue else "nee",
               row.reminders_sent, row.reminders_failed, row.comment]  # fmt: skip
