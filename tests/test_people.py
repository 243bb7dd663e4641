"""People and roles in the browser (server side): invitations over real SMTP, accepting,
single use and expiry, role changes, deactivation, who sees whom, history and log."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from raak.accounts.invitations import Invitation, hash_token
from raak.accounts.models import Role, SecurityEvent
from raak.programmes.models import ChangeRecord, Programme, Region
from tests import mailserver
from tests.conftest import sign_in
from tests.mailserver import body, invitation_link, run_worker

P = "/raak-2008-2010"
User = get_user_model()
smtp = mailserver.smtp  # the fixture: a real SMTP server for this module


@pytest.fixture
def national(people):
    return sign_in(Client(), people["national"])


def invite(client, email, kind, *regions, name="Nieuwe Collega", programme=P):
    return client.post(
        f"{programme}/mensen/uitnodigen/",
        {"email": email, "name": name, "kind": kind, "regions": [r.id for r in regions]},
    )


def region(slug, programme="raak-2008-2010"):
    return Region.objects.get(programme__slug=programme, slug=slug)


def test_invitation_arrives_by_smtp_and_makes_an_account(national, smtp, people):
    response = invite(national, "Nieuw@Example.org", "coordinator", region("amsterdam"))
    assert response.status_code == 302
    inv = Invitation.objects.get()
    assert inv.email == "nieuw@example.org" and inv.sent_at is None
    run_worker()
    [message] = smtp.to("nieuw@example.org")
    text = body(message)
    assert (
        " ".join(message["Subject"].split())
        == "Uitnodiging voor RAAK: Regionale aanpak kindermishandeling 2008–2010"
    )
    assert "regiocoördinator: Amsterdam" in text
    inv.refresh_from_db()
    assert inv.sent_at is not None
    assert f"geldig tot {timezone.localtime(inv.expires).day} " in text
    link = invitation_link(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only the hash is stored; the token is in no table, not even the task queue.
    assert inv.token_hash == hash_token(token) and token not in inv.token_hash
    assert not any(token in str(t.args_kwargs) for t in DBTaskResult.objects.all())

    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200 and "regiocoördinator: Amsterdam" in page.content.decode()
    weak = invitee.post(link, {"username": "jvries", "name": "Jan de Vries",
                               "password1": "password", "password2": "password"})  # fmt: skip
    assert weak.status_code == 200 and "te algemeen" in weak.content.decode()
    assert not User.objects.filter(username="jvries").exists()
    taken = invitee.post(link, {"username": "coord-a", "name": "Jan", "password1": "Lang-en-uniek-42",
                                "password2": "Lang-en-uniek-42"})  # fmt: skip
    assert "al in gebruik" in taken.content.decode()
    done = invitee.post(link, {"username": "jvries", "name": "Jan de Vries",
                               "password1": "Lang-en-uniek-42", "password2": "Lang-en-uniek-42"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    user = User.objects.get(username="jvries")
    assert user.email == "nieuw@example.org" and user.first_name == "Jan de Vries"
    assert user.check_password("Lang-en-uniek-42")
    assert invitee.session["_auth_user_id"] == str(user.id)
    assert Role.objects.filter(user=user, kind="coordinator", region=region("amsterdam")).exists()
    # Single use: the same link again is a clear page, not a form.
    again = Client().get(link)
    assert again.status_code == 410 and "al gebruikt" in again.content.decode()
    # History names the person by username only; the security log has both steps.
    changes = ChangeRecord.objects.filter(programme__slug="raak-2008-2010")
    assert changes.filter(subject=f"uitnodiging {inv.id}", actor="national").exists()
    accepted = changes.get(subject="persoon jvries")
    assert accepted.new == "regiocoördinator: Amsterdam" and accepted.region.slug == "amsterdam"
    assert not changes.filter(new__contains="example.org").exists()
    events = SecurityEvent.objects.values_list("event", "username")
    assert ("user-invited", "national") in events and ("role-changed", "jvries") in events


def test_expired_and_replaced_links_give_a_clear_page(national, smtp, settings):
    invite(national, "laat@example.org", "viewer", region("gouda"))
    run_worker()
    first = invitation_link(smtp.messages[-1])
    Invitation.objects.update(expires=timezone.now() - timedelta(minutes=1))
    expired = Client().get(first)
    assert expired.status_code == 410 and "verlopen" in expired.content.decode()
    # Resending makes a new link and a new expiry; the old link is dead.
    inv = Invitation.objects.get()
    assert national.post(f"{P}/uitnodigingen/{inv.id}/", {"action": "resend"}).status_code == 302
    run_worker()
    second = invitation_link(smtp.messages[-1])
    assert second != first
    old = Client().get(first)
    assert old.status_code == 404 and "vervangen" in old.content.decode()
    assert Client().get(second).status_code == 200
    inv.refresh_from_db()
    assert inv.expires > timezone.now() + timedelta(days=settings.INVITATION_DAYS - 1)
    # Withdrawn: the newest link stops working too.
    national.post(f"{P}/uitnodigingen/{inv.id}/", {"action": "withdraw"})
    withdrawn = Client().get(second)
    assert withdrawn.status_code == 410 and "ingetrokken" in withdrawn.content.decode()
    assert not Invitation.objects.pending().exists()


def test_invitation_days_from_the_environment(national, smtp, settings):
    settings.INVITATION_DAYS = 2
    invite(national, "kort@example.org", "viewer", region("gouda"))
    run_worker()
    inv = Invitation.objects.get()
    assert timedelta(days=1, hours=23) < inv.expires - timezone.now() <= timedelta(days=2)


def test_existing_user_in_a_second_programme_keeps_the_account(people, smtp):
    other = Programme.objects.create(slug="tweede", name="Tweede programma",
                                     period_start=date(2012, 1, 1), period_end=date(2014, 12, 31))  # fmt: skip
    Region.objects.create(programme=other, slug="zaanstreek", name="Zaanstreek")
    boss = User.objects.create_user("baas-tweede", password="pw")
    Role.objects.create(user=boss, programme=other, kind=Role.NATIONAL)
    coord = people["coord_b"]
    coord.email = "coord.b@example.org"
    coord.save()
    office = sign_in(Client(), boss)
    response = invite(office, "COORD.B@example.org", "coordinator",
                      region("zaanstreek", "tweede"), programme="/tweede")  # fmt: skip
    assert response.status_code == 302
    run_worker()
    link = invitation_link(smtp.to("coord.b@example.org")[0])
    anonymous = Client().get(link)
    assert "heeft al een account" in anonymous.content.decode()
    assert "/inloggen/?next=/uitnodiging/" in anonymous.content.decode()
    someone_else = sign_in(Client(), people["coord_a"]).get(link)
    assert "voor een ander account" in someone_else.content.decode()
    client = sign_in(Client(), coord)
    assert "Rol aannemen" in client.get(link).content.decode()
    users_before = User.objects.count()
    assert client.post(link).status_code == 302
    assert User.objects.count() == users_before
    kinds = set(Role.objects.filter(user=coord).values_list("programme__slug", "region__slug"))
    assert kinds == {("raak-2008-2010", "leiden"), ("tweede", "zaanstreek")}


def test_advisor_of_several_regions(national, smtp):
    bad = invite(national, "a@example.org", "coordinator", region("gouda"), region("leiden"))
    assert bad.status_code == 200 and "precies één regio" in bad.content.decode()
    none = invite(national, "a@example.org", "advisor")
    assert "een of meer regio" in none.content.decode()
    assert (
        invite(national, "a@example.org", "advisor", region("gouda"), region("leiden")).status_code
        == 302
    )
    dup = invite(national, "A@example.org", "viewer", region("delft"))
    assert "al een uitnodiging open" in dup.content.decode()
    run_worker()
    link = invitation_link(smtp.to("a@example.org")[0])
    Client().post(link, {"username": "adviseur", "name": "Ada", "password1": "Lang-en-uniek-42",
                         "password2": "Lang-en-uniek-42"})  # fmt: skip
    roles = Role.objects.filter(user__username="adviseur")
    assert sorted(roles.values_list("kind", "region__slug")) == [
        ("advisor", "gouda"),
        ("advisor", "leiden"),
    ]


def test_failed_delivery_is_shown(national, settings):
    from tests.mailserver import free_port, smtp_mailers

    settings.MAILERS = smtp_mailers(free_port())  # nothing listens
    invite(national, "weg@example.org", "viewer", region("gouda"))
    run_worker()
    inv = Invitation.objects.get()
    assert inv.sent_at is None and "ConnectionRefused" in inv.send_error
    page = national.get(f"{P}/mensen/").content.decode()
    assert "mislukt" in page and "weg@example.org" in page


# --- who sees whom ----------------------------------------------------------------------


def test_coordinator_sees_only_their_region(people):
    people["coord_a"].email = "a@example.org"
    people["coord_a"].save()
    page = sign_in(Client(), people["coord_a"]).get(f"{P}/mensen/").content.decode()
    assert "coord-a" in page and "viewer-a" in page and "a@example.org" in page
    assert "coord-b" not in page and ">national<" not in page
    assert "Iemand uitnodigen" not in page and "Intrekken" not in page
    page_b = sign_in(Client(), people["coord_b"]).get(f"{P}/mensen/").content.decode()
    assert "coord-b" in page_b and "coord-a" not in page_b and "viewer-a" not in page_b
    assert SecurityEvent.objects.filter(event="personal-data-read", username="coord-a").exists()


def test_national_sees_everyone_with_two_factor(national, people):
    page = national.get(f"{P}/mensen/").content.decode()
    for name in ("coord-a", "coord-b", "viewer-a", "national"):
        assert name in page
    assert "aan" in page  # the national office has a verified device (sign_in)
    filtered = national.get(f"{P}/mensen/?regio=leiden").content.decode()
    assert "coord-b" in filtered and "coord-a" not in filtered
    found = national.get(f"{P}/mensen/?q=VIEWER").content.decode()
    assert "viewer-a" in found and "coord-b" not in found


def test_national_of_one_programme_has_no_power_over_another(people):
    other = Programme.objects.create(slug="tweede", name="Tweede programma",
                                     period_start=date(2012, 1, 1), period_end=date(2014, 12, 31))  # fmt: skip
    stranger = User.objects.create_user("alleen-tweede", password="pw")
    Role.objects.create(user=stranger, programme=other, kind=Role.NATIONAL)
    national = sign_in(Client(), people["national"])
    assert national.get("/tweede/mensen/").status_code == 404
    assert national.get("/tweede/mensen/uitnodigen/").status_code == 404
    assert (
        national.post("/tweede/mensen/uitnodigen/", {"email": "x@example.org"}).status_code == 404
    )
    assert national.get(f"/tweede/mensen/{stranger.id}/").status_code == 404
    # Nor through its own programme's pages.
    assert national.get(f"{P}/mensen/{stranger.id}/").status_code == 404
    post = national.post(f"{P}/mensen/{stranger.id}/", {"action": "deactivate"})
    assert post.status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active
    theirs = Invitation.objects.create(programme=other, email="y@example.org", kind=Role.NATIONAL,
                                       expires=timezone.now() + timedelta(days=7))  # fmt: skip
    for path in (f"{P}/uitnodigingen/{theirs.id}/", f"/tweede/uitnodigingen/{theirs.id}/"):
        assert national.post(path, {"action": "withdraw"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


URLS = ["/mensen/", "/mensen/uitnodigen/", "/mensen/{coord_b}/", "/uitnodigingen/{inv}/"]
WHO = ["anonymous", "coord_a", "coord_b", "viewer_a", "national"]
GET = {
    "/mensen/": {"anonymous": 302, "coord_a": 200, "coord_b": 200, "viewer_a": 403, "national": 200},
    "/mensen/uitnodigen/": {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403, "national": 200},
    "/mensen/{coord_b}/": {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403, "national": 200},
    "/uitnodigingen/{inv}/": {"anonymous": 302, "coord_a": 405, "coord_b": 405, "viewer_a": 405, "national": 405},
}  # fmt: skip
POST = {
    "/mensen/": {"anonymous": 302, "coord_a": 200, "coord_b": 200, "viewer_a": 403, "national": 200},
    "/mensen/uitnodigen/": {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403, "national": 200},
    "/mensen/{coord_b}/": {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403, "national": 302},
    "/uitnodigingen/{inv}/": {"anonymous": 302, "coord_a": 403, "coord_b": 403, "viewer_a": 403, "national": 302},
}  # fmt: skip


@pytest.mark.parametrize("url", URLS)
def test_access_matrix(people, demo, url, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    inv = Invitation.objects.create(programme=demo, email="x@example.org", kind=Role.VIEWER,
                                    expires=timezone.now() + timedelta(days=7))  # fmt: skip
    path = P + url.format(coord_b=people["coord_b"].id, inv=inv.id)
    clients = {"anonymous": Client()} | {w: sign_in(Client(), people[w]) for w in WHO[1:]}
    assert {w: clients[w].get(path).status_code for w in WHO} == GET[url]
    # A POST that changes nothing (no action / invalid form) for everyone but the office.
    got = {w: clients[w].post(path, {"action": "nothing"}).status_code for w in WHO}
    assert got == POST[url]
    assert Role.objects.count() == 4 and Invitation.objects.pending().count() == 1


# --- changing roles ---------------------------------------------------------------------


def person_post(client, user, **data):
    return client.post(f"{P}/mensen/{user.id}/", data)


def role_data(role, kind, region_obj, action):
    prefix = f"role{role.id}-"
    return {"action": action, "role": role.id, prefix + "kind": kind,
            prefix + "region": region_obj.id if region_obj else "",
            prefix + "expected_kind": role.kind,
            prefix + "expected_region": role.region_id or ""}  # fmt: skip


def test_change_add_and_remove_a_role(national, people):
    viewer = people["viewer_a"]
    role = Role.objects.get(user=viewer)
    response = person_post(
        national, viewer, **role_data(role, "officer", region("gouda"), "change")
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.kind == "officer"
    # A second person's change on the stale page is refused, not silently applied.
    stale = {**role_data(role, "coordinator", region("gouda"), "change"),
             f"role{role.id}-expected_kind": "viewer"}  # fmt: skip
    page = national.post(f"{P}/mensen/{viewer.id}/", stale, follow=True).content.decode()
    assert "intussen gewijzigd" in page
    role.refresh_from_db()
    assert role.kind == "officer"
    person_post(
        national,
        viewer,
        **{"action": "add", "add-kind": "viewer", "add-region": region("delft").id},
    )
    assert set(Role.objects.filter(user=viewer).values_list("kind", "region__slug")) == {
        ("officer", "gouda"), ("viewer", "delft")}  # fmt: skip
    clash = national.post(f"{P}/mensen/{viewer.id}/", {"action": "add", "add-kind": "viewer",
                          "add-region": region("delft").id}, follow=True)  # fmt: skip
    assert "al een rol" in clash.content.decode()
    bad = person_post(
        national,
        viewer,
        **{"action": "add", "add-kind": "national", "add-region": region("delft").id},
    )
    assert bad.status_code == 200 and "kies geen regio" in bad.content.decode()
    person_post(national, viewer, **role_data(role, "officer", region("gouda"), "remove"))
    assert list(Role.objects.filter(user=viewer).values_list("region__slug", flat=True)) == [
        "delft"
    ]
    records = ChangeRecord.objects.filter(subject="persoon viewer-a").order_by("id")
    assert [(r.old, r.new) for r in records] == [
        ("meelezer: Gouda", "gemeentelijk beleidsmedewerker: Gouda"),
        ("", "meelezer: Delft"),
        ("gemeentelijk beleidsmedewerker: Gouda", ""),
    ]
    assert (
        SecurityEvent.objects.filter(event="role-changed", details__target="viewer-a").count() == 3
    )


def test_last_national_office_member_stays(national, people):
    role = Role.objects.get(user=people["national"])
    page = national.post(f"{P}/mensen/{people['national'].id}/",
                         role_data(role, "viewer", region("gouda"), "change"), follow=True)  # fmt: skip
    assert "laatste actieve lid" in page.content.decode()
    assert national.post(f"{P}/mensen/{people['national'].id}/", {"action": "deactivate"},
                         follow=True).status_code == 200  # fmt: skip
    people["national"].refresh_from_db()
    assert people["national"].is_active


def test_deactivate_keeps_history_and_respects_other_programmes(national, people):
    coord = people["coord_a"]
    person_post(national, coord, action="deactivate")
    coord.refresh_from_db()
    assert not coord.is_active and Role.objects.filter(user=coord).exists()
    assert ChangeRecord.objects.filter(
        subject="persoon coord-a", field="actief", old="ja", new="nee"
    ).exists()
    assert SecurityEvent.objects.filter(
        event="user-deactivated", details__target="coord-a"
    ).exists()
    page = national.get(f"{P}/mensen/").content.decode()
    assert "uitgeschakeld" in page
    assert ModelBackend().authenticate(None, username="coord-a", password="pw-coord-a") is None
    person_post(national, coord, action="activate")
    coord.refresh_from_db()
    assert coord.is_active
    # Someone who also works in a programme this office does not run: only the roles here go.
    other = Programme.objects.create(slug="tweede", name="Tweede programma",
                                     period_start=date(2012, 1, 1), period_end=date(2014, 12, 31))  # fmt: skip
    zaan = Region.objects.create(programme=other, slug="zaanstreek", name="Zaanstreek")
    b = people["coord_b"]
    Role.objects.create(user=b, programme=other, region=zaan, kind=Role.COORDINATOR)
    person_post(national, b, action="deactivate")
    b.refresh_from_db()
    assert b.is_active
    assert list(Role.objects.filter(user=b).values_list("programme__slug", flat=True)) == ["tweede"]
    assert national.get(f"{P}/mensen/{b.id}/").status_code == 404


def test_viewer_and_coordinator_cannot_change_people(people):
    target = people["coord_b"]
    for who in ("viewer_a", "coord_a"):
        client = sign_in(Client(), people[who])
        assert client.post(f"{P}/mensen/{target.id}/", {"action": "deactivate"}).status_code == 403
        assert invite(client, "x@example.org", "viewer", region("gouda")).status_code == 403
    target.refresh_from_db()
    assert target.is_active and not Invitation.objects.exists()


def test_people_pages_in_english(national, people):
    national.cookies["django_language"] = "en"
    page = national.get(f"{P}/mensen/").content.decode()
    assert "People and roles" in page and "Second factor" in page and "Invite someone" in page
    invite_page = national.get(f"{P}/mensen/uitnodigen/").content.decode()
    assert "valid for 7 days" in invite_page and "E-mail address" in invite_page


def test_a_switched_off_account_invited_again_is_reactivated(national, people, smtp):
    coord = people["coord_a"]
    coord.email = "anna@example.org"
    coord.save()
    national.post(f"{P}/mensen/{coord.id}/", {"action": "deactivate"})
    invite(national, "anna@example.org", "coordinator", region("delft"))
    run_worker()
    link = invitation_link(smtp.to("anna@example.org")[0])
    page = Client().get(link).content.decode()
    assert "was uitgeschakeld" in page and 'name="username"' not in page
    response = Client().post(link, {"name": "Anna", "password1": "Lang-en-uniek-42",
                                    "password2": "Lang-en-uniek-42"})  # fmt: skip
    assert response.status_code == 302
    coord.refresh_from_db()
    assert coord.is_active and coord.check_password("Lang-en-uniek-42")
    # Back with the invited role only: the roles it had when switched off stay gone.
    assert set(coord.roles.values_list("region__slug", flat=True)) == {"delft"}


def test_region_page_links_to_its_people(people):
    link = f'href="{P}/mensen/'
    assert link in sign_in(Client(), people["coord_a"]).get(f"{P}/regio/gouda/").content.decode()
    assert (
        link not in sign_in(Client(), people["viewer_a"]).get(f"{P}/regio/gouda/").content.decode()
    )
    assert (
        link not in sign_in(Client(), people["coord_b"]).get(f"{P}/regio/gouda/").content.decode()
    )
    national_page = sign_in(Client(), people["national"]).get(f"{P}/regio/gouda/").content.decode()
    assert f"{link}?regio=gouda" in national_page


def test_unknown_invitation_links_are_404_for_everyone(people):
    clients = {"anonymous": Client()} | {w: sign_in(Client(), people[w]) for w in WHO[1:]}
    for who, client in clients.items():
        for response in (client.get("/uitnodiging/onzin/"), client.post("/uitnodiging/onzin/")):
            assert response.status_code == 404, who
            assert "onbekend of vervangen" in response.content.decode()


def test_people_list_takes_a_fixed_number_of_queries(
    national, people, demo, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert national.get(f"{P}/mensen/").status_code == 200
        return len(queries)

    count()  # the first request of a session also writes the session
    few = count()
    for i, r in enumerate(demo.regions.all()):
        user = User.objects.create_user(f"extra-{i}", email=f"extra{i}@example.org")
        Role.objects.create(user=user, programme=demo, region=r, kind=Role.OFFICER)
        Invitation.objects.create(programme=demo, email=f"nieuw{i}@example.org", kind=Role.VIEWER,
                                  expires=timezone.now() + timedelta(days=7))  # fmt: skip
    assert count() == few + 1  # + the invitations' regions, fetched once


def test_a_new_national_office_member_must_set_up_a_second_factor(national, smtp):
    invite(national, "tweede.landelijk@example.org", "national")
    run_worker()
    link = invitation_link(smtp.to("tweede.landelijk@example.org")[0])
    invitee = Client()
    response = invitee.post(link, {"username": "lb2", "name": "Lotte", "password1": "Lang-en-uniek-42",
                                   "password2": "Lang-en-uniek-42"}, follow=True)  # fmt: skip
    # Signed in with the password only: the next page is the enrolment of a second factor.
    assert response.redirect_chain[-1][0].startswith("/mijn-account/tweestaps/")
    assert Role.objects.filter(user__username="lb2", kind=Role.NATIONAL).exists()
