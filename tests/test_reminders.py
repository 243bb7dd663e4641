"""Reminders by e-mail through a real SMTP server (aiosmtpd) started by the test."""

import io
import json
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from raak.accounts.models import Role
from raak.cycle import reminders, submissions
from raak.cycle.models import Reminder, ReminderPlan
from raak.programmes.models import ChangeRecord
from tests.conftest import sign_in
from tests.mailserver import smtp_mailers

P = "/raak-2008-2010"
R2 = "voorjaar-2011"


class Mailbox:
    """An SMTP server that keeps what arrives, or refuses it while `refuse` is set."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 mailbox tijdelijk niet beschikbaar"
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    box = Mailbox()
    with socket.socket() as s:  # a free port; aiosmtpd's controller needs a real one
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    settings.DEFAULT_FROM_EMAIL = "raak@example.org"
    settings.SITE_URL = "https://raak.example.org"
    yield box
    controller.stop()


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def due_in_three_days(people, open_round, django_user_model):
    """Deadline in 3 days, rules "7 and 3 days before". Gouda has two active
    coordinators, an inactive one and an officer; Leiden has submitted."""
    today = timezone.localdate()
    open_round.opens_on, open_round.closes_on = (
        today - timedelta(days=14),
        today + timedelta(days=3),
    )
    open_round.save()
    ReminderPlan.objects.create(round=open_round, days_before=[7, 3], on_deadline=False,
                                subject=reminders.DEFAULT_SUBJECT, body=reminders.DEFAULT_BODY)  # fmt: skip
    programme = open_round.programme
    gouda, leiden = (programme.regions.get(slug=s) for s in ("gouda", "leiden"))

    def user(name, region, kind, active=True):
        u = django_user_model.objects.create_user(
            name, email=f"{name}@example.org", password="x", is_active=active
        )
        Role.objects.create(user=u, programme=programme, region=region, kind=kind)
        return u

    for who in ("coord_a", "coord_b"):
        people[who].email = f"{people[who].username}@example.org"
        people[who].save()
    user("coord-a2", gouda, Role.COORDINATOR)
    user("oud-coord", gouda, Role.COORDINATOR, active=False)
    user("medewerker", gouda, Role.OFFICER)
    submissions.transition(open_round, leiden, "submit", user=people["coord_b"])
    return open_round


def remind(*args):
    out = io.StringIO()
    call_command("remind", "--programme", "raak-2008-2010", "--round", R2, "--format", "json",
                 *args, stdout=out)  # fmt: skip
    return json.loads(out.getvalue())[0]


def test_remind_sends_once_to_each_coordinator_of_each_region_not_submitted(
    due_in_three_days, smtp, django_capture_on_commit_callbacks
):
    rnd = due_in_three_days
    dry = remind("--dry-run")
    assert sorted((m["email"], m["rule"]) for m in dry["messages"]) == [
        ("coord-a2@example.org", "voor-3"), ("coord-a@example.org", "voor-3")]  # fmt: skip
    assert not Reminder.objects.exists() and not smtp.messages
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        first = remind()
    assert len(first["messages"]) == 2
    assert sorted(r[0][0] for r in smtp.messages) == ["coord-a2@example.org", "coord-a@example.org"]
    body = smtp.messages[0][1]
    deadline = rnd.closes_on.strftime("%d-%m-%Y")
    assert f"Herinnering: rapportage Tweede peiling 2011 uiterlijk {deadline}" in body
    assert "regio Gouda" in body and "https://raak.example.org/start/" in body
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}
    # Again the same day: nothing new.
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        second = remind()
    assert second["messages"] == [] and len(smtp.messages) == 2
    # The overview counts them per region.
    rows = {r.region.slug: r for r in submissions.overview(rnd).rows}
    assert (rows["gouda"].reminders_sent, rows["leiden"].reminders_sent) == (2, 0)


# The database worker closes its connection between tasks, which a test inside one
# transaction does not survive on PostgreSQL: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_failed_delivery_is_retried_and_shown(
    due_in_three_days, smtp, people, django_capture_on_commit_callbacks
):
    smtp.refuse = True
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        remind()
    failed = Reminder.objects.filter(state="failed")
    assert failed.count() == 2 and "451" in failed[0].last_error
    national = sign_in(Client(), people["national"])
    page = national.get(f"{P}/ronde/{R2}/indieningen/").content.decode()
    assert "2 herinnering(en) niet afgeleverd" in page and "2 mislukt" in page
    assert "451" in national.get(f"{P}/ronde/{R2}/herinneringen/").content.decode()
    # The next run retries through the queue and the database worker.
    smtp.refuse = False
    with django_capture_on_commit_callbacks(execute=True):
        again = remind()
    assert again["retried"] == 2 and again["messages"] == []
    assert Reminder.objects.filter(state="queued").count() == 2
    call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    assert set(Reminder.objects.values_list("state", "attempts")) == {("sent", 2)}
    assert len(smtp.messages) == 2
    # Bounded: a delivery that keeps failing stops after MAX_ATTEMPTS.
    r = Reminder.objects.first()
    Reminder.objects.filter(pk=r.pk).update(state="failed", attempts=reminders.MAX_ATTEMPTS)
    assert remind()["retried"] == 0


def test_remind_now_with_preview(
    due_in_three_days, smtp, people, django_capture_on_commit_callbacks
):
    rnd = due_in_three_days
    rnd.closes_on = timezone.localdate() - timedelta(days=1)
    rnd.save()
    national = sign_in(Client(), people["national"])
    preview = national.get(f"{P}/ronde/{R2}/herinneringen/nu/?regio=gouda").content.decode()
    assert "coord-a@example.org" in preview and "oud-coord" not in preview
    assert "Herinnering: rapportage" in preview
    assert not Reminder.objects.exists()
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        national.post(f"{P}/ronde/{R2}/herinneringen/nu/", {"regio": "gouda"})
    assert len(smtp.messages) == 2
    # All late regions: Gouda was reminded by hand today; Leiden has submitted.
    late = national.get(f"{P}/ronde/{R2}/herinneringen/nu/").content.decode()
    assert "Er is nu niemand om te herinneren" in late


def test_plan_form_validates(due_in_three_days, people):
    national = sign_in(Client(), people["national"])
    url = f"{P}/ronde/{R2}/herinneringen/"
    bad = national.post(url, {"days_before": "7, nul", "on_deadline": "on", "max_after": "1",
                              "subject": "{onbekend}", "body": "Beste {naam}"})  # fmt: skip
    errors = bad.context["form"].errors
    assert "nul" in errors["days_before"][0] and "{onbekend}" in errors["subject"][0]
    ok = national.post(url, {"days_before": "3 7 7", "on_deadline": "on", "every_days_after": "2",
                             "max_after": "3", "subject": "Let op {ronde}", "body": "Tot {deadline}"})  # fmt: skip
    assert ok.status_code == 302
    plan = ReminderPlan.objects.get()
    assert plan.days_before == [7, 3] and plan.every_days_after == 2
    assert ChangeRecord.objects.filter(subject="herinneringsregels", field="subject",
                                       old=reminders.DEFAULT_SUBJECT, new="Let op {ronde}").exists()  # fmt: skip
    keys = [k for _d, k, _l in reminders.occurrences(plan, due_in_three_days.closes_on)]
    assert keys == ["voor-7", "voor-3", "deadline", "na-1", "na-2", "na-3"]
