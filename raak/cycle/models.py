"""The reporting cycle: a region's submission per round and its review, reminder
rules and the log of every reminder sent, and implementation advisors' notes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raak.programmes.mail_models import LoggedMail
from raak.programmes.models import Region, Round


class Submission(models.Model):
    """A region's report for a round, once it has been submitted at least once.

    Without a row the state is derived: "in progress" when the region's data in the
    round has a change record, else "not started" (see `submissions.state_of`)."""

    NOT_STARTED, IN_PROGRESS = "not_started", "in_progress"
    SUBMITTED, RETURNED, ACCEPTED = "submitted", "returned", "accepted"
    STATES = [
        (NOT_STARTED, _("niet begonnen")),
        (IN_PROGRESS, _("bezig")),
        (SUBMITTED, _("ingediend")),
        (RETURNED, _("teruggestuurd")),
        (ACCEPTED, _("geaccepteerd")),
    ]
    # States in which the region's data is read-only for everyone.
    FROZEN = (SUBMITTED, ACCEPTED)

    round = models.ForeignKey(Round, models.CASCADE, related_name="submissions")
    region = models.ForeignKey(Region, models.CASCADE, related_name="submissions")
    state = models.CharField(max_length=12, choices=STATES)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The national office's comment with the latest return or acceptance.
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "region"], name="submission_unique")
        ]


class SubmissionEvent(models.Model):
    """Every transition: who, when, from which state to which, with the comment."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(max_length=150)
    old = models.CharField(max_length=12)
    new = models.CharField(max_length=12)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def old_label(self):
        return dict(Submission.STATES).get(self.old, self.old)

    @property
    def new_label(self):
        return dict(Submission.STATES).get(self.new, self.new)


class ReminderPlan(models.Model):
    """When a round's regions get reminded, and what the message says."""

    round = models.OneToOneField(Round, models.CASCADE, related_name="reminder_plan")
    # Days before the deadline, e.g. [7, 3].
    days_before = models.JSONField(default=list, blank=True)
    on_deadline = models.BooleanField(default=True)
    # After the deadline: every `every_days_after` days, at most `max_after` times.
    every_days_after = models.PositiveSmallIntegerField(null=True, blank=True)
    max_after = models.PositiveSmallIntegerField(default=0)
    subject = models.CharField(max_length=200)
    body = models.TextField()


class Reminder(LoggedMail):
    """One message to one person: the log that makes `raak remind` idempotent and
    shows every delivery result (sent by raak.programmes.mail.deliver)."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="reminders")
    region = models.ForeignKey(Region, models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    # "voor-7", "deadline", "na-1", or "nu-<date>" for one sent by hand.
    rule = models.CharField(max_length=40)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "user", "rule"], name="reminder_once_per_rule"
            )
        ]


class AdvisorNote(models.Model):
    """An implementation advisor's monthly note on a region. Never public."""

    region = models.ForeignKey(Region, models.CASCADE, related_name="advisor_notes")
    month = models.DateField(help_text="the first day of the month the note is about")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    progress = models.TextField(blank=True)
    obstacles = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-written_at", "-id"]
