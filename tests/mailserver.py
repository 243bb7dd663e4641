"""A real SMTP server (aiosmtpd) for tests that send e-mail, and helpers to read it.

Use the `smtp` fixture: Django's SMTP backend then delivers to this server, and
`smtp.messages` holds what arrived, parsed.
"""

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_to]


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def invitation_link(message):
    found = re.search(r"https?://\S+/uitnodiging/[\w-]+/", body(message))
    assert found, body(message)
    return found.group(0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_mailers(port, host="127.0.0.1"):
    """MAILERS for plain SMTP on `port` (tests point Django at their own server)."""
    options = {"host": host, "port": port, "username": "", "password": "", "use_tls": False}
    return {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    settings.MAILERS = smtp_mailers(controller.port)
    settings.DEFAULT_FROM_EMAIL = "raak@example.org"
    yield inbox
    controller.stop()


def run_worker():
    """Work off the task queue with `raak worker --batch`.

    The worker drops stale database connections between tasks; inside a test that runs
    in one transaction (pytest-django's `db`) that would close the test's own
    connection on PostgreSQL, so that one call is switched off here."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("worker", batch=True, startup_delay=False, verbosity=0)
