"""The one place RAAK sends e-mail from, and the messages about a programme's events.

- `site_url()` / `link()`: every link in every message starts with SITE_URL.
- `send()`: the one SMTP call (invitations, logged messages).
- `deliver(model, pk, refuse)`: send one logged message (a `LoggedMail`: reminders of
  raak.cycle, Messages here) and record the result; never twice. The message is
  claimed in a short transaction and sent outside it: an SMTP server that takes its
  time must not hold a database lock (on SQLite: every writer).
- `requeue(queryset)`: failed deliveries, and any a crashed worker left half-way, go
  back in the queue, at most MAX_ATTEMPTS attempts in all.
- `queue_messages()`: log a Message per person who has not switched that kind off and
  queue `send_message` for after the commit (`raak worker` sends).

Who gets which message is decided in raak/core/notify.py, which knows the roles.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from raak.programmes.mail_models import LoggedMail, Message, MessageOptOut

MAX_ATTEMPTS = 3
STUCK_AFTER = timedelta(hours=1)


def site_url():
    """SITE_URL without its trailing slash; the development address when unset (the
    production entry points refuse to start without it, raak/accounts/checks.py)."""
    return settings.SITE_URL.rstrip("/") or settings.DEVELOPMENT_SITE_URL


def link(path):
    return site_url() + path


def send(subject, body, to):
    # One line for the subject: a newline there would be a header injection.
    EmailMessage(" ".join(subject.split()), body, to=to).send()


def deliver(model, pk, refuse=None):
    """Send one queued `model` row; `refuse(row)` may return why it should not go out
    any more (the row is then failed for good). Returns the new state, or "skipped"."""
    claimed = model.objects.filter(pk=pk, state=LoggedMail.QUEUED).update(
        state=LoggedMail.SENDING, attempts=F("attempts") + 1, attempted_at=timezone.now()
    )
    if not claimed:
        return "skipped"  # sent, being sent by another worker, or gone
    row = model.objects.get(pk=pk)
    reason = refuse(row) if refuse else None
    if reason:
        result = {"state": LoggedMail.FAILED, "last_error": reason, "attempts": MAX_ATTEMPTS}
    else:
        try:
            send(row.subject, row.body, [row.email])
        except Exception as e:  # any SMTP or network error: log it, retry later
            result = {"state": LoggedMail.FAILED, "last_error": f"{type(e).__name__}: {e}"[:1000]}
        else:
            result = {"state": LoggedMail.SENT, "sent_at": timezone.now(), "last_error": ""}
    model.objects.filter(pk=pk, state=LoggedMail.SENDING).update(**result)
    return result["state"]


def requeue(queryset):
    """Put failed (and stuck) rows of `queryset` back in the queue; returns them."""
    stuck = Q(state=LoggedMail.SENDING, attempted_at__lt=timezone.now() - STUCK_AFTER)
    with transaction.atomic():
        rows = list(
            queryset.select_for_update().filter(
                Q(state=LoggedMail.FAILED) | stuck, attempts__lt=MAX_ATTEMPTS
            )
        )
        queryset.model.objects.filter(pk__in=[r.pk for r in rows]).update(state=LoggedMail.QUEUED)
    return rows


# --- Messages about events ------------------------------------------------------------


def opted_out(kind, users):
    """The ids of `users` who switched `kind` off."""
    return set(
        MessageOptOut.objects.filter(kind=kind, user__in=users).values_list("user_id", flat=True)
    )


def queue_messages(kind, users, template, context, *, programme, round=None, region=None,
                   actor=""):  # fmt: skip
    """Log one Message per active person with an address who wants `kind`, rendered
    from `mail/<template>_subject.txt` and `_body.txt` in Dutch (the interface's first
    language; the message has no visitor whose language to follow), and queue each for
    the worker once the surrounding transaction commits. Returns the Messages."""
    users = {u.pk: u for u in users if u.is_active and u.email}
    off = opted_out(kind, list(users))
    rows = []
    with translation.override("nl"):
        for user in users.values():
            if user.pk in off:
                continue
            ctx = {**context, "name": user.get_full_name() or user.get_username(),
                   "site_name": settings.SITE_NAME, "programme": programme,
                   "account_link": link(reverse("account"))}  # fmt: skip
            subject = render_to_string(f"mail/{template}_subject.txt", ctx).strip()
            body = render_to_string(f"mail/{template}_body.txt", ctx)
            rows.append(Message(
                programme=programme, round=round, region=region, user=user, kind=kind,
                email=user.email, subject=" ".join(subject.split())[:300], body=body,
                created_by=actor[:150],
            ))  # fmt: skip
    rows = Message.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: send_message.enqueue(pk))
    return rows


def retry_failed(programme=None):
    """Queue failed messages again (`raak remind` does this every run)."""
    queryset = Message.objects.all()
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    rows = requeue(queryset)
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: send_message.enqueue(pk))
    return rows


def _not_wanted(message):
    if not get_user_model().objects.filter(pk=message.user_id, is_active=True).exists():
        return "gebruiker niet actief"
    if MessageOptOut.objects.filter(user_id=message.user_id, kind=message.kind).exists():
        return "uitgezet door de ontvanger"
    return None


@task
def send_message(message_id):
    """Send one logged Message (run by `raak worker`)."""
    return deliver(Message, message_id, refuse=_not_wanted)
