"""E-mail reminders to regions that have not yet submitted.

`due()` decides from a round's ReminderPlan what is due today; `remind()` logs one
Reminder per person and rule (the unique constraint makes a second run the same day
send nothing) and queues `send_reminder` on the tasks framework; the worker sends it
over SMTP and records the result. A failed delivery stays in the log as "mislukt" and
the next `raak remind` tries it again, at most MAX_ATTEMPTS times in all.

Message templates use {placeholders} only, never template code: the national office
edits them, and a plain substitution cannot reach anything but the listed values.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from raak.accounts.models import Role
from raak.cycle.models import Reminder, ReminderPlan, Submission
from raak.programmes.models import ChangeRecord

MAX_ATTEMPTS = 3

PLACEHOLDERS = {
    "naam": "de naam van de ontvanger",
    "regio": "de naam van de regio",
    "ronde": "de naam van de ronde",
    "deadline": "de uiterste inleverdatum (dd-mm-jjjj)",
    "dagen": "het aantal dagen tot de uiterste inleverdatum (negatief: te laat)",
    "link": "de link naar de startpagina",
    "programma": "de naam van het programma",
}
DEFAULT_SUBJECT = "Herinnering: rapportage {ronde} uiterlijk {deadline}"
DEFAULT_BODY = """Beste {naam},

De rapportage van regio {regio} voor {ronde} is nog niet ingediend. De uiterste
inleverdatum is {deadline}.

Op uw startpagina ziet u wat nog moet gebeuren:
{link}

Met vriendelijke groet,
het landelijk bureau {programma}
"""

_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def unknown_placeholders(text):
    return sorted({m for m in _PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})


def render(text, values):
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def plan_for(rnd):
    plan = ReminderPlan.objects.filter(round=rnd).first()
    return plan or ReminderPlan(round=rnd, days_before=[7, 3], on_deadline=True,
                                every_days_after=3, max_after=2,
                                subject=DEFAULT_SUBJECT, body=DEFAULT_BODY)  # fmt: skip


def occurrences(plan, deadline):
    """Every (day, rule key, label) of a plan, earliest first; labels in the current
    language (the rule key is what the log stores)."""
    out = []

    def add(days, key, label):
        # A day beyond the calendar (a deadline stored before dates were bounded) has
        # no reminder rather than an OverflowError for the whole page or run.
        try:
            out.append((deadline + timedelta(days=days), key, label))
        except OverflowError:
            pass

    for n in plan.days_before:
        add(
            -n,
            f"voor-{n}",
            ngettext("%(n)s dag voor de deadline", "%(n)s dagen voor de deadline", n) % {"n": n},
        )
    if plan.on_deadline:
        add(0, "deadline", gettext("op de deadline"))
    if plan.every_days_after:
        for i in range(1, (plan.max_after or 0) + 1):
            add(
                i * plan.every_days_after,
                f"na-{i}",
                gettext("%(i)se keer na de deadline") % {"i": i},
            )
    return sorted(out)


def rule_due(plan, deadline, today):
    """The latest rule whose day has come: one message per run at most, and a rule
    missed (no run that day) is superseded by the next rather than sent in a burst."""
    past = [o for o in occurrences(plan, deadline) if o[0] <= today]
    return past[-1] if past else None


@dataclass
class Due:
    region: object
    user: object
    rule: str
    label: str
    subject: str
    body: str


def _outstanding_regions(rnd, regions=None):
    regions = regions if regions is not None else rnd.programme.regions.active_on(rnd.peildatum)
    done = set(
        Submission.objects.filter(round=rnd, state__in=Submission.FROZEN).values_list(
            "region_id", flat=True
        )
    )
    return [r for r in regions if r.id not in done]


def _recipients(regions):
    """The active coordinators (with an address) of each region, in one query."""
    by_region = {}
    roles = (
        Role.objects.filter(region__in=regions, kind=Role.COORDINATOR, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    for role in roles:
        by_region.setdefault(role.region_id, []).append(role.user)
    return by_region


def message(plan, rnd, region, user, today):
    values = {
        "naam": user.get_full_name() or user.get_username(),
        "regio": region.name,
        "ronde": rnd.name,
        "deadline": rnd.closes_on.strftime("%d-%m-%Y") if rnd.closes_on else "",
        "dagen": (rnd.closes_on - today).days if rnd.closes_on else "",
        "link": settings.SITE_URL.rstrip("/") + reverse("start"),
        "programma": rnd.programme.name,
    }
    # One line for the subject: a newline there would be a header injection.
    subject = " ".join(render(plan.subject, values).split())
    return subject, render(plan.body, values)


def due(rnd, today=None, *, regions=None, rule=None):
    """Who gets what now. `rule` set: a reminder by hand (to `regions`), else what the
    plan says is due today, leaving out what the log shows was already created."""
    today = today or timezone.localdate()
    if not rnd.is_open or not rnd.closes_on:
        return []
    if rnd.opens_on and today < rnd.opens_on:
        return []
    plan = plan_for(rnd)
    if rule is None:
        found = rule_due(plan, rnd.closes_on, today)
        if found is None:
            return []
        _day, rule, label = found
    else:
        label = gettext("handmatig")
    outstanding = _outstanding_regions(rnd, regions)
    recipients = _recipients(outstanding)
    logged = set(Reminder.objects.filter(round=rnd, rule=rule).values_list("region_id", "user_id"))
    out = []
    for region in outstanding:
        for user in recipients.get(region.id, []):
            if (region.id, user.id) not in logged:
                subject, body = message(plan, rnd, region, user, today)
                out.append(Due(region, user, rule, label, subject, body))
    return out


def remind(rnd, today=None, *, actor="raak remind", regions=None, rule=None):
    """Log and queue what is due, and queue failed deliveries again. Returns
    (new reminders, retried reminders)."""
    created, retried = [], []
    for d in due(rnd, today, regions=regions, rule=rule):
        try:
            with transaction.atomic():
                created.append(Reminder.objects.create(
                    round=rnd, region=d.region, user=d.user, email=d.user.email, rule=d.rule,
                    subject=d.subject, body=d.body, created_by=actor,
                ))  # fmt: skip
        except IntegrityError:
            continue  # another run logged it first
    if rule is None:
        # Failed deliveries, and any a crashed worker left half-way, go back in the queue.
        stuck = Q(state=Reminder.SENDING, attempted_at__lt=timezone.now() - timedelta(hours=1))
        with transaction.atomic():
            retried = list(
                Reminder.objects.select_for_update().filter(
                    Q(state=Reminder.FAILED) | stuck, round=rnd, attempts__lt=MAX_ATTEMPTS
                )
            )
            Reminder.objects.filter(pk__in=[r.pk for r in retried]).update(state=Reminder.QUEUED)
    for reminder in created + retried:
        transaction.on_commit(lambda pk=reminder.pk: send_reminder.enqueue(pk))
    if created:
        ChangeRecord.objects.create(
            actor=actor, programme=rnd.programme, round=rnd, subject="herinneringen",
            field=created[0].rule, new=f"{len(created)} bericht(en)",
        )  # fmt: skip
    return created, retried


@task
def send_reminder(reminder_id):
    """Send one logged reminder over SMTP and record the result; never twice.

    The reminder is claimed in a short transaction and sent outside it: an SMTP server
    that takes its time must not hold a database lock (on SQLite: every writer)."""
    now = timezone.now()
    claimed = Reminder.objects.filter(pk=reminder_id, state=Reminder.QUEUED).update(
        state=Reminder.SENDING, attempts=F("attempts") + 1, attempted_at=now
    )
    if not claimed:
        return "skipped"  # sent, being sent by another worker, or gone
    reminder = Reminder.objects.get(pk=reminder_id)
    if not get_user_model().objects.filter(pk=reminder.user_id, is_active=True).exists():
        result = {"state": Reminder.FAILED, "last_error": "gebruiker niet actief",
                  "attempts": MAX_ATTEMPTS}  # fmt: skip
    elif Submission.objects.filter(round_id=reminder.round_id, region_id=reminder.region_id,
                                   state__in=Submission.FROZEN).exists():  # fmt: skip
        # A retry that comes after the region submitted would only confuse.
        result = {"state": Reminder.FAILED, "last_error": "niet meer nodig: ingediend",
                  "attempts": MAX_ATTEMPTS}  # fmt: skip
    elif not Role.objects.filter(user_id=reminder.user_id, region_id=reminder.region_id,
                                 kind=Role.COORDINATOR).exists():  # fmt: skip
        result = {"state": Reminder.FAILED, "last_error": "geen coördinator van de regio meer",
                  "attempts": MAX_ATTEMPTS}  # fmt: skip
    else:
        try:
            EmailMessage(reminder.subject, reminder.body, to=[reminder.email]).send()
        except Exception as e:  # any SMTP or network error: log it, retry later
            result = {"state": Reminder.FAILED, "last_error": f"{type(e).__name__}: {e}"[:1000]}
        else:
            result = {"state": Reminder.SENT, "sent_at": timezone.now(), "last_error": ""}
    Reminder.objects.filter(pk=reminder_id, state=Reminder.SENDING).update(**result)
    return result["state"]
