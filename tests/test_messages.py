"""E-mail about the cycle's events through a real SMTP server (aiosmtpd): submitted,
returned, accepted, deadline changed, round published; the opt-outs on the account
page; every link starting with SITE_URL (invitations and password reset too); failed
deliveries logged, shown to the national office and retried."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from raak.accounts.models import Role
from raak.cycle import submissions
from raak.programmes import status as status_service
from raak.programmes.models import Message, MessageOptOut, Round
from tests import mailserver
from tests.conftest import sign_in
from tests.mailserver import body, run_worker

P = "/raak-2008-2010"
R2 = "voorjaar-2011"
SITE = "https://raak.example.org"
smtp = mailserver.smtp  # the fixture: a real SMTP server for this module


@pytest.fixture
def site(settings, smtp):
    settings.SITE_URL = SITE
    return smtp


@pytest.fixture
def team(people, open_round, django_user_model):
    """Addresses for everyone, a second national office member, an advisor and an
    officer of Gouda."""
    programme = open_round.programme
    gouda = programme.regions.get(slug="gouda")
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save()

    def make(name, kind, region=None):
        user = django_user_model.objects.create_user(name, email=f"{name}@example.org")
        Role.objects.create(user=user, programme=programme, region=region, kind=kind)
        return user

    return {
        **people,
        "national_2": make("national-2", Role.NATIONAL),
        "advisor": make("advisor-a", Role.ADVISOR, gouda),
        "officer": make("officer-a", Role.OFFICER, gouda),
        "advisor_elsewhere": make("advisor-b", Role.ADVISOR, programme.regions.get(slug="leiden")),
    }


def links(message):
    return re.findall(r"https?://\S+", body(message))


def recipients(inbox):
    return sorted(to for m in inbox.messages for to in m.envelope_to)


def assert_links_from_site_url(message):
    found = links(message)
    assert found, body(message)
    assert all(u.startswith(SITE + "/") for u in found), found


def opt_out(user, kind):
    MessageOptOut.objects.create(user=user, kind=kind)


def submit(client_user, region="gouda"):
    client = sign_in(Client(), client_user)
    return client.post(f"{P}/ronde/{R2}/regio/{region}/rapportage/", {"action": "submit"})


def test_submitted_goes_to_the_national_office_and_the_regions_advisor(
    site, team, django_capture_on_commit_callbacks
):
    opt_out(team["national_2"], Message.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(team["coord_a"]).status_code == 302
    run_worker()
    assert recipients(site) == ["advisor-a@example.org", "national@example.org"]
    message = site.to("national@example.org")[0]
    assert "Gouda heeft de rapportage voor Tweede peiling 2011 ingediend" in message["Subject"]
    assert f"{SITE}{P}/ronde/{R2}/regio/gouda/rapportage/" in body(message)
    assert_links_from_site_url(message)
    assert set(Message.objects.values_list("state", flat=True)) == {Message.SENT}
    # Switched off: not sent, not even logged.
    assert not Message.objects.filter(user=team["national_2"]).exists()


def test_returned_with_the_comment_goes_to_the_regions_coordinators_and_officers(
    site, team, django_capture_on_commit_callbacks, open_round
):
    gouda = open_round.programme.regions.get(slug="gouda")
    submissions.transition(open_round, gouda, "submit", user=team["coord_a"])
    site.messages.clear()
    opt_out(team["officer"], Message.ACCEPTED)  # another kind: still gets this one
    national = sign_in(Client(), team["national"])
    with django_capture_on_commit_callbacks(execute=True):
        response = national.post(f"{P}/ronde/{R2}/regio/gouda/rapportage/",
                                 {"action": "return", "comment": "Vul de werkplan-toelichting aan."})  # fmt: skip
    assert response.status_code == 302
    run_worker()
    assert recipients(site) == ["coord-a@example.org", "officer-a@example.org"]
    message = site.to("coord-a@example.org")[0]
    assert "teruggestuurd" in message["Subject"]
    assert "Vul de werkplan-toelichting aan." in body(message)
    assert_links_from_site_url(message)


def test_accepted_goes_to_the_region_and_not_to_whoever_switched_it_off(
    site, team, django_capture_on_commit_callbacks, open_round
):
    gouda = open_round.programme.regions.get(slug="gouda")
    submissions.transition(open_round, gouda, "submit", user=team["coord_a"])
    site.messages.clear()
    opt_out(team["officer"], Message.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        submissions.transition(open_round, gouda, "accept", user=team["national"], comment="Dank!")
    run_worker()
    assert recipients(site) == ["coord-a@example.org"]
    message = site.messages[0]
    assert "geaccepteerd" in message["Subject"] and "Dank!" in body(message)
    assert_links_from_site_url(message)


def test_deadline_changed_goes_to_every_regions_coordinators_and_officers(
    site, team, django_capture_on_commit_callbacks, open_round
):
    open_round.opens_on, open_round.closes_on = date(2011, 5, 1), date(2011, 7, 1)
    open_round.save()
    opt_out(team["coord_b"], Message.DEADLINE)
    national = sign_in(Client(), team["national"])
    with django_capture_on_commit_callbacks(execute=True):
        response = national.post(f"{P}/rondes/{R2}/termijn/", {f"{R2}-closes_on": "15-07-2011"})
    assert response.status_code == 302
    run_worker()
    assert recipients(site) == ["coord-a@example.org", "officer-a@example.org"]
    message = site.messages[0]
    assert "15 juli 2011" in message["Subject"]
    assert "van 1 juli 2011 naar 15 juli 2011" in body(message)
    assert_links_from_site_url(message)
    # The same date again is no change and no message.
    with django_capture_on_commit_callbacks(execute=True):
        national.post(f"{P}/rondes/{R2}/termijn/", {f"{R2}-closes_on": "15-07-2011"})
    run_worker()
    assert len(site.messages) == 2


def test_round_published_goes_to_everyone_with_a_role(
    site, team, django_capture_on_commit_callbacks, open_round
):
    opt_out(team["viewer_a"], Message.PUBLISHED)
    status_service.change_round_state(open_round, Round.CLOSED, user=team["national"])
    with django_capture_on_commit_callbacks(execute=True):
        status_service.change_round_state(open_round, Round.PUBLISHED, user=team["national"],
                                          confirmed=True)  # fmt: skip
    run_worker()
    assert recipients(site) == sorted(
        f"{u.username}@example.org" for k, u in team.items() if k != "viewer_a"
    )
    message = site.to("coord-b@example.org")[0]
    assert "Tweede peiling 2011" in message["Subject"] and "gepubliceerd" in message["Subject"]
    assert f"{SITE}{P}/ronde/{R2}/" in body(message)
    assert_links_from_site_url(message)


def test_a_failed_delivery_is_logged_shown_to_the_office_and_retried(
    site, team, django_capture_on_commit_callbacks, settings, open_round
):
    settings.MAILERS = mailserver.smtp_mailers(mailserver.free_port())  # nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        submit(team["coord_a"])
    run_worker()
    failed = Message.objects.get(user=team["national"])
    assert failed.state == Message.FAILED and failed.attempts == 1 and failed.last_error
    national = sign_in(Client(), team["national"])
    page = national.get(f"{P}/berichten/?status=failed").content.decode()
    assert "national@example.org" in page and "mislukt" in page
    # The server is back; the hourly `raak remind` queues the failed ones again.
    settings.MAILERS = mailserver.smtp_mailers(site.port)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", verbosity=0)
    run_worker()
    failed.refresh_from_db()
    assert failed.state == Message.SENT and failed.attempts == 2
    assert "national@example.org" in recipients(site)
    # Or by hand, from the page.
    Message.objects.filter(pk=failed.pk).update(state=Message.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert national.post(f"{P}/berichten/opnieuw/").status_code == 302
    run_worker()
    failed.refresh_from_db()
    assert failed.state == Message.SENT and failed.attempts == 3


def test_someone_who_switches_off_after_queueing_gets_nothing(
    site, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(team["coord_a"])
    opt_out(team["national"], Message.SUBMITTED)
    for callback in callbacks:
        callback()
    run_worker()
    assert recipients(site) == ["advisor-a@example.org", "national-2@example.org"]
    row = Message.objects.get(user=team["national"])
    assert row.state == Message.FAILED and row.last_error == "uitgezet door de ontvanger"


def test_the_account_page_switches_kinds_off_and_on(team):
    client = sign_in(Client(), team["coord_a"])
    page = client.get("/mijn-account/").content.decode()
    # A coordinator's kinds; invitations and password e-mail are not offered.
    assert "teruggestuurd" in page and "gepubliceerd" in page
    assert "heeft haar rapportage ingediend" not in page
    assert "kunt u niet uitzetten" in page
    response = client.post(
        "/mijn-account/", {"form": "messages", "wanted": [Message.RETURNED, Message.PUBLISHED]}
    )
    assert response.status_code == 302
    assert sorted(MessageOptOut.objects.filter(user=team["coord_a"]).values_list("kind", flat=True)) == [
        Message.ACCEPTED, Message.DEADLINE]  # fmt: skip
    client.post("/mijn-account/", {"form": "messages", "wanted": [Message.RETURNED, Message.ACCEPTED,
                                              Message.DEADLINE, Message.PUBLISHED]})  # fmt: skip
    assert not MessageOptOut.objects.filter(user=team["coord_a"]).exists()
    # Every box unticked: every kind off.
    client.post("/mijn-account/", {"form": "messages"})
    assert MessageOptOut.objects.filter(user=team["coord_a"]).count() == 4
    # A kind the person's roles do not get cannot be posted.
    client.post("/mijn-account/", {"form": "messages", "wanted": [Message.SUBMITTED]})
    assert not MessageOptOut.objects.filter(user=team["coord_a"], kind=Message.SUBMITTED).exists()


def test_invitation_links_use_site_url_not_the_requests_address(site, team):
    national = sign_in(Client(HTTP_HOST="localhost"), team["national"])
    national.post(f"{P}/mensen/uitnodigen/", {"email": "nieuw@example.org", "name": "N",
                                               "kind": "coordinator",
                                               "regions": [team["coord_a"].roles.get().region_id]})  # fmt: skip
    run_worker()
    [message] = site.to("nieuw@example.org")
    assert mailserver.invitation_link(message).startswith(f"{SITE}/uitnodiging/")
    assert_links_from_site_url(message)


def test_password_reset_link_uses_site_url(site, team):
    Client(HTTP_HOST="localhost").post("/wachtwoord-vergeten/", {"email": "coord-a@example.org"})
    run_worker()  # the reset mail is a task too
    [message] = site.to("coord-a@example.org")
    assert f"{SITE}/wachtwoord-herstellen/" in body(message)
    assert_links_from_site_url(message)


def test_production_refuses_to_start_without_site_url(settings):
    from django.core.exceptions import ImproperlyConfigured

    from raak.accounts.checks import refuse_development_key, secret_key_check

    settings.DEBUG, settings.SESSION_COOKIE_SECURE = False, True
    settings.SECRET_KEY = "x" * 60
    settings.SITE_URL = ""
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        refuse_development_key()  # the refusal `raak serve` and raak.wsgi use
    assert [e.id for e in secret_key_check(None)] == ["raak.E004"]  # `raak check --deploy`
    settings.SITE_URL = SITE
    refuse_development_key()
    assert secret_key_check(None) == []


def test_messages_close_with_the_organisations_name(site, team, django_capture_on_commit_callbacks):
    """As reminders and invitations do: the theme's organisation name, plain text."""
    from raak.look.models import Theme

    Theme.objects.create(id=1, organisation_name="GGD Voorbeeldregio", version=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(team["coord_a"]).status_code == 302
    run_worker()
    message = site.to("national@example.org")[0]
    assert body(message).replace("\r\n", "\n").rstrip().endswith("\n-- \nGGD Voorbeeldregio")
