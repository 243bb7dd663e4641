"""The log of e-mail RAAK sends (imported by models.py so Django finds the models).

`LoggedMail` is what every logged message has — address, text, delivery state and
attempts — so one function (`raak.programmes.mail.deliver`) sends them all: reminders
(raak.cycle) and the messages about events below.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Programme, Round and Region by name ("programmes.Programme"): models.py imports this
# module so Django finds these models, and an import back would close a circle.


class LoggedMail(models.Model):
    QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
    STATES = [
        (QUEUED, _("in de wachtrij")),
        (SENDING, _("wordt verzonden")),
        (SENT, _("verzonden")),
        (FAILED, _("mislukt")),
    ]

    email = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    state = models.CharField(max_length=8, choices=STATES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Message(LoggedMail):
    """One message to one person about one event of a programme."""

    SUBMITTED, RETURNED, ACCEPTED = "submitted", "returned", "accepted"
    DEADLINE, PUBLISHED = "deadline", "published"
    KINDS = [
        (SUBMITTED, _("een regio heeft haar rapportage ingediend")),
        (RETURNED, _("de rapportage van uw regio is teruggestuurd")),
        (ACCEPTED, _("de rapportage van uw regio is geaccepteerd")),
        (DEADLINE, _("de uiterste inleverdatum van een ronde is veranderd")),
        (PUBLISHED, _("een ronde is gepubliceerd")),
    ]

    programme = models.ForeignKey("programmes.Programme", models.CASCADE, related_name="messages")
    round = models.ForeignKey(
        "programmes.Round", models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "programmes.Region", models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=KINDS)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "state"], name="message_programme_state")]


class MessageOptOut(models.Model):
    """A kind of message a person switched off on their account page. Invitations and
    password e-mail are not Messages: they cannot be switched off."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Message.KINDS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="message_opt_out_unique")
        ]
