"""Password-reset mail as a background task (run by `raak worker`).

The reset page only queues the typed address and answers; the task looks the address
up and sends the message. So an existing and an unknown address take the same path in
the request, and the answer's timing no longer tells whether an account exists. The
link is built from SITE_URL, never from the request's Host header.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task
from django.utils import translation

from raak.look import theme as themes
from raak.programmes import mail

EMAIL_TEMPLATE = "accounts/password_reset_email.txt"
SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"


@task
def send_password_reset(email, language="nl"):
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return "invalid"
    site = urlsplit(mail.site_url())
    with translation.override(language):
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            email_template_name=EMAIL_TEMPLATE,
            subject_template_name=SUBJECT_TEMPLATE,
            extra_email_context={
                "site_name": settings.SITE_NAME,
                "site_url": mail.site_url(),
                "signature": themes.mail_signature(),
            },
        )
    return "done"
