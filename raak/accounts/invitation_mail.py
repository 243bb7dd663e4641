"""Sending an invitation: a background task (Django's tasks framework, run by `raak worker`).

The task makes the link's token itself, stores only its hash and puts the token in the
message, so the token exists nowhere else: not in the queue, not in the database.
"""

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from raak.accounts.invitations import Invitation, hash_token, new_token, valid_for
from raak.look import theme as themes
from raak.programmes import mail


@task
def send_invitation(invitation_id, base_url=""):
    """Send (or send again) one invitation; a resend makes the previous link useless.

    The link starts with SITE_URL (`base_url` is ignored: tasks queued by an older
    version passed the request's address)."""
    token = new_token()
    with transaction.atomic():
        inv = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("programme", "invited_by")
            .filter(id=invitation_id)
            .first()
        )
        if inv is None or inv.accepted_at or inv.withdrawn_at:
            return "not-pending"
        inv.token_hash = hash_token(token)
        inv.expires = timezone.now() + valid_for()
        inv.save(update_fields=["token_hash", "expires"])
    link = mail.link(reverse("invitation-accept", args=[token]))
    with translation.override("nl"):
        context = {
            "invitation": inv,
            "role": inv.describe(),
            "link": link,
            "expires": timezone.localtime(inv.expires),
            "site_name": settings.SITE_NAME,
        }
        subject = render_to_string("accounts/people/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/people/invitation_email.txt", context)
        body += themes.mail_signature()
    try:
        mail.send(subject, body, [inv.email])
    except Exception as e:  # SMTP, DNS, refused recipient: shown on the people page
        Invitation.objects.filter(id=inv.id).update(send_error=f"{type(e).__name__}: {e}"[:300])
        raise
    Invitation.objects.filter(id=inv.id).update(sent_at=timezone.now(), send_error="")
    return "sent"
