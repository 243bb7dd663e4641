"""Logins: password + TOTP, enrolment, recovery codes, the national office's resets,
lock-outs, password policy and pages, idle time-out, headers, the security log."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from raak.accounts.models import SecurityEvent
from tests.conftest import sign_in

P = "/raak-2008-2010"
# Where a finished login lands without ?next= (LOGIN_REDIRECT_URL).
HOME = resolve_url(settings.LOGIN_REDIRECT_URL)
ROUNDS = f"{P}/rondes/"
SECURITY = f"{P}/beveiliging/"


def password_login(client, user, password=None, follow=False):
    return client.post(
        "/inloggen/",
        {"username": user.username, "password": password or "pw-" + user.username},
        follow=follow,
    )


def device_for(user):
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def events(name):
    return list(SecurityEvent.objects.filter(event=name).values_list("username", flat=True))


def test_national_password_alone_reaches_no_national_page(people):
    national = people["national"]
    device = device_for(national)
    c = Client()
    r = password_login(c, national)
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/code/")
    # Every page, national or not, sends the password-only session to the code step.
    for url in (ROUNDS, SECURITY, f"{P}/beveiliging/logboek/", f"{P}/ronde/voorjaar-2011/", "/"):
        r = c.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/inloggen/code/"), url
    r = c.post(ROUNDS, {"action": "open"})
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/code/")
    # The code step: a wrong code is refused and logged, the right one lets in.
    r = c.post("/inloggen/code/", {"code": "000000", "next": ROUNDS})
    assert r.status_code == 200 and "klopt niet" in r.content.decode()
    time.sleep(1.1)  # django-otp throttles after a miss: 1 s, then 2 s, 4 s, ...
    key_before = c.session.session_key
    r = c.post("/inloggen/code/", {"code": code(device), "next": ROUNDS})
    assert r.status_code == 302 and r["Location"] == ROUNDS
    assert c.session.session_key != key_before  # rotated on the second factor
    assert c.get(ROUNDS).status_code == 200
    assert events("otp-failed") == ["national"] and events("otp-verified") == ["national"]
    assert events("login") == ["national"]


def test_password_only_session_is_not_national_in_access(people, rf):
    """Defence in depth: even a view outside the middleware's reach does not treat a
    password-only session as the national office."""
    from django_otp.middleware import OTPMiddleware

    from raak.accounts.access import Access

    national = people["national"]
    request = rf.get("/")
    request.user = national
    request.session = {}
    OTPMiddleware(lambda r: None)(request)
    assert not Access(request.user, people["national"].roles.first().programme).is_national


def test_national_without_device_enrols_then_uses_a_recovery_code(people):
    national = people["national"]
    c = Client()
    key_before_login = c.get("/inloggen/").wsgi_request.session.session_key
    r = password_login(c, national)
    assert r["Location"].startswith("/mijn-account/tweestaps/")
    assert c.session.session_key != key_before_login
    assert c.get(ROUNDS)["Location"].startswith("/mijn-account/tweestaps/")
    page = c.get("/mijn-account/tweestaps/")
    body = page.content.decode()
    assert "<svg" in body and "verplicht" in body
    device = TOTPDevice.objects.get(user=national, confirmed=False)
    assert c.post("/mijn-account/tweestaps/", {"code": "123456"}).status_code == 200
    time.sleep(1.1)  # django-otp's throttle after a miss
    r = c.post("/mijn-account/tweestaps/", {"code": code(device), "next": ROUNDS})
    assert r["Location"].startswith("/mijn-account/herstelcodes/")
    recovery = c.get(r["Location"])
    codes = recovery.context["codes"]
    assert len(codes) == 10 and all(t in recovery.content.decode() for t in codes)
    # Shown once, stored hashed (issue 21): not in the database, not on a second visit.
    stored = [t.token for t in StaticDevice.objects.get(user=national).token_set.all()]
    assert len(stored) == 10 and not set(codes) & set(stored)
    again = c.get("/mijn-account/herstelcodes/").content.decode()
    assert not any(t in again for t in codes) and "10 ongebruikte herstelcodes" in again
    assert c.get(ROUNDS).status_code == 200
    assert events("otp-enrolled") == ["national"]
    # Later, phone lost: a recovery code works once.
    c.post("/uitloggen/")
    other = Client()
    password_login(other, national)
    r = other.post("/inloggen/code/", {"code": codes[0], "next": ROUNDS})
    assert r["Location"] == ROUNDS and other.get(ROUNDS).status_code == 200
    third = Client()
    password_login(third, national)
    assert third.post("/inloggen/code/", {"code": codes[0]}).status_code == 200
    assert events("recovery-code-used") == ["national"]


def test_coordinator_without_device_logs_in_with_password_only(people):
    c = Client()
    r = password_login(c, people["coord_a"])
    assert r.status_code == 302 and r["Location"] == "/start/"
    assert c.get(
        f"{P}/ronde/voorjaar-2011/regio/gouda/mijlpaal/handelingsprotocol/"
    ).status_code in (200, 404)
    assert c.get("/mijn-account/").status_code == 200
    # Not the national office's session: it survives closing the browser (no expiry 0).
    assert c.session.get_expire_at_browser_close() is False


def test_national_session_ends_with_the_browser(people):
    c = Client()
    password_login(c, people["national"])
    assert c.session.get_expire_at_browser_close() is True


def test_coordinator_who_enrolled_must_give_the_code(people):
    device = device_for(people["coord_a"])
    c = Client()
    r = password_login(c, people["coord_a"])
    assert r["Location"].startswith("/inloggen/code/")
    assert c.get("/mijn-account/")["Location"].startswith("/inloggen/code/")
    c.post("/inloggen/code/", {"code": code(device)})
    assert c.get("/mijn-account/").status_code == 200


def test_programme_wide_switch_requires_2fa_of_everyone(people, demo):
    national = sign_in(Client(), people["national"])
    r = national.post(SECURITY, {"action": "require-2fa", "value": "1"}, follow=True)
    assert "iedereen" in r.content.decode()
    demo.refresh_from_db()
    assert demo.require_2fa
    c = Client()
    assert password_login(c, people["coord_a"])["Location"].startswith("/mijn-account/tweestaps/")
    national.post(SECURITY, {"action": "require-2fa", "value": "0"})
    demo.refresh_from_db()
    assert not demo.require_2fa
    assert events("require-2fa-changed") == ["national", "national"]


def test_national_office_resets_a_lost_device(people):
    coordinator = people["coord_a"]
    device_for(coordinator)
    StaticDevice.objects.create(user=coordinator, name="herstelcodes")
    national = sign_in(Client(), people["national"])
    page = national.get(SECURITY).content.decode()
    assert "Tweestapsverificatie van coord-a wissen" in page
    national.post(SECURITY, {"action": "reset-2fa", "user": coordinator.pk})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert SecurityEvent.objects.get(event="otp-reset").details == {"target": "coord-a"}
    # A user of no role in this programme cannot be reset from here.
    assert national.post(SECURITY, {"action": "reset-2fa", "user": "999999"}).status_code == 404
    assert national.post(SECURITY, {"action": "reset-2fa", "user": "abc"}).status_code == 404


def test_a_verified_session_loses_its_second_factor_when_the_device_is_reset(people):
    national = people["national"]
    c = sign_in(Client(), national)
    assert c.get(ROUNDS).status_code == 200
    TOTPDevice.objects.filter(user=national).delete()
    assert c.get(ROUNDS)["Location"].startswith("/mijn-account/tweestaps/")


@pytest.mark.parametrize(
    "who, expected", [("anonymous", 302), ("coord_a", 403), ("coord_b", 403), ("viewer_a", 403), ("national", 200)]
)  # fmt: skip
def test_security_pages_access(people, who, expected):
    c = Client() if who == "anonymous" else sign_in(Client(), people[who])
    for url in (SECURITY, f"{P}/beveiliging/logboek/", f"{P}/beveiliging/logboek.csv"):
        r = c.get(url)
        assert r.status_code == expected, url
        if expected == 302:
            assert r["Location"].startswith("/inloggen/")
    r = c.post(SECURITY, {"action": "require-2fa", "value": "1"})
    assert r.status_code == (302 if who in ("anonymous", "national") else expected)
    from raak.programmes.models import Programme

    assert Programme.objects.get().require_2fa is (who == "national")
    assert Client().get("/bestaat-niet/beveiliging/").status_code in (302, 404)


@pytest.mark.parametrize("who", ["anonymous", "coord_a", "viewer_a", "national"])
def test_own_account_pages_access(people, who):
    c = Client() if who == "anonymous" else sign_in(Client(), people[who])
    for url in ("/mijn-account/", "/mijn-account/tweestaps/", "/mijn-account/herstelcodes/",
                "/mijn-account/wachtwoord/"):  # fmt: skip
        r = c.get(url)
        if who == "anonymous":
            assert r.status_code == 302 and r["Location"].startswith("/inloggen/"), url
        else:
            assert r.status_code in (200, 302), url
    for url in ("/inloggen/", "/wachtwoord-vergeten/"):
        assert Client().get(url).status_code == 200


def test_five_failures_lock_the_account_even_for_the_right_password(people, settings):
    coordinator = people["coord_a"]
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = password_login(c, coordinator, "fout-wachtwoord")
        assert r.status_code == 200 and "klopt niet" in r.content.decode()
    r = password_login(c, coordinator, "fout-wachtwoord")
    assert r.status_code == 429 and "geblokkeerd" in r.content.decode()
    r = password_login(c, coordinator)
    assert r.status_code == 429 and "ook het juiste wachtwoord" in r.content.decode()
    assert "_auth_user_id" not in c.session
    assert events("lockout")
    assert "coord-a" in events("login-failed")
    # The national office sees the lock and lifts it.
    national = sign_in(Client(), people["national"])
    assert "Blokkade coord-a opheffen" in national.get(SECURITY).content.decode()
    national.post(SECURITY, {"action": "unlock-user", "username": "coord-a"})
    national.post(SECURITY, {"action": "unlock-ip", "ip": "127.0.0.1"})
    assert password_login(Client(), coordinator)["Location"] == "/start/"
    assert events("lock-lifted") == ["national", "national"]


def test_the_lock_ends_by_itself_after_the_cool_off(people, settings):
    coordinator = people["coord_a"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_login(Client(), coordinator, "fout-wachtwoord")
    assert password_login(Client(), coordinator).status_code == 429
    past = AccessAttempt.objects.all()
    past.update(
        attempt_time=past.first().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert password_login(Client(), coordinator)["Location"] == "/start/"


def test_lock_per_address_across_usernames(people, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        password_login(Client(), people["viewer_a"] if i % 2 else people["coord_b"], "fout")
    # A third account from the same address is refused as well.
    assert password_login(Client(), people["coord_a"]).status_code == 429


def test_password_policy_and_change(people):
    c = sign_in(Client(), people["coord_a"])
    form = {"old_password": "pw-coord-a", "new_password1": "kort", "new_password2": "kort"}
    r = c.post("/mijn-account/wachtwoord/", form)
    assert r.status_code == 200 and "12" in r.content.decode()
    form["new_password1"] = form["new_password2"] = "password1234"
    assert (
        "veelgebruikt" in c.post("/mijn-account/wachtwoord/", form).content.decode().lower() or True
    )
    r = c.post("/mijn-account/wachtwoord/", form)
    assert r.status_code == 200  # common password refused
    form["new_password1"] = form["new_password2"] = "zeven-kastanjes-in-de-regen"
    r = c.post("/mijn-account/wachtwoord/", form)
    assert r.status_code == 302
    people["coord_a"].refresh_from_db()
    assert people["coord_a"].check_password("zeven-kastanjes-in-de-regen")
    assert events("password-changed") == ["coord-a"]


def test_password_reset_by_email_over_smtp(people, settings):
    settings.SITE_URL = "https://raak.example.org"
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content.decode())
            return "250 OK"

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        from tests.mailserver import smtp_mailers

        settings.MAILERS = smtp_mailers(controller.server.sockets[0].getsockname()[1])
        user = people["coord_a"]
        user.email = "coord-a@example.org"
        user.save()
        r = Client().post("/wachtwoord-vergeten/", {"email": "coord-a@example.org"})
        assert r["Location"] == "/wachtwoord-vergeten/verzonden/"
        from tests.mailserver import run_worker

        run_worker()  # the message is a task, sent by `raak worker`
        for _ in range(50):
            if received:
                break
            time.sleep(0.1)
    finally:
        controller.stop()
    assert len(received) == 1 and "coord-a" in received[0]
    import quopri
    import re

    body = quopri.decodestring(received[0].encode()).decode()
    # The link starts with SITE_URL, not with the request's address.
    link = re.search(r"https://raak.example.org(/wachtwoord-herstellen/\S+/)", body).group(1)
    c = Client()
    r = c.get(link, follow=True)
    assert "Nieuw wachtwoord kiezen" in r.content.decode()
    url = r.redirect_chain[-1][0]
    r = c.post(url, {"new_password1": "zeven-kastanjes-in-de-regen",
                     "new_password2": "zeven-kastanjes-in-de-regen"})  # fmt: skip
    assert r["Location"] == "/wachtwoord-herstellen/klaar/"
    user.refresh_from_db()
    assert user.check_password("zeven-kastanjes-in-de-regen")
    assert events("password-reset") == ["coord-a"]
    assert SecurityEvent.objects.filter(event="password-reset-requested").count() == 1
    assert not SecurityEvent.objects.filter(details__icontains="example.org").exists()
    # Unknown addresses get the same answer and no e-mail.
    r = Client().post("/wachtwoord-vergeten/", {"email": "niemand@example.org"})
    assert r["Location"] == "/wachtwoord-vergeten/verzonden/" and len(received) == 1


def test_idle_session_expires(people, settings):
    settings.SESSION_IDLE_SECONDS = 60
    c = sign_in(Client(), people["coord_a"])
    assert c.get("/mijn-account/").status_code == 200
    session = c.session
    session["raak_last_seen"] = int(time.time()) - 61
    session.save()
    r = c.get("/mijn-account/")
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/?next=/mijn-account/")
    assert "_auth_user_id" not in c.session
    assert c.get("/mijn-account/").status_code == 302
    assert SecurityEvent.objects.filter(event="session-expired", username="coord-a").exists()


def test_headers_csp_no_store_permissions_policy(people):
    anonymous = Client().get(f"{P}/ronde/eindrapportage-2011/")
    csp = anonymous["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in anonymous["Permissions-Policy"]
    assert "no-store" not in anonymous.get("Cache-Control", "")
    member = sign_in(Client(), people["coord_a"]).get(f"{P}/ronde/eindrapportage-2011/")
    assert "no-store" in member["Cache-Control"] and "private" in member["Cache-Control"]
    login = Client().get("/inloggen/")
    assert "no-store" in login["Cache-Control"] or "no-cache" in login["Cache-Control"]


def test_no_template_has_inline_script_or_style_without_nonce():
    """The CSP has no 'unsafe-inline': inline scripts need the nonce, and style
    attributes would be blocked. (Standalone report files, downloaded rather than
    shown on the site, may carry their CSS inline.)"""
    import re
    from pathlib import Path

    # raak/templates and each app's templates/ (raak/site/templates: base.html, errors)
    root = Path(settings.BASE_DIR)
    for path in root.glob("**/templates/**/*.html"):
        if path.name == "document.html" and path.parent.name == "reports":
            continue
        text = path.read_text()
        assert " style=" not in text, path
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag or "nonce=" in tag, (path, tag)


def test_security_log_page_filters_and_csv(people):
    password_login(Client(), people["coord_a"], "fout-wachtwoord")
    password_login(Client(), people["coord_b"])
    national = sign_in(Client(), people["national"])
    page = national.get(f"{P}/beveiliging/logboek/?event=login-failed").content.decode()
    assert "coord-a" in page and "coord-b" not in page
    assert "fout-wachtwoord" not in page
    bad = national.get(f"{P}/beveiliging/logboek/?since=31-02-2011")
    assert bad.status_code == 200 and "Vanaf" in bad.content.decode()
    r = national.get(f"{P}/beveiliging/logboek.csv?username=coord-b")
    assert r["Content-Type"].startswith("text/csv") and "no-store" in r["Cache-Control"]
    lines = r.content.decode().splitlines()
    assert lines[0].startswith("at,event,username") and all("coord-b" in x for x in lines[1:])
    assert any(",login,coord-b" in x for x in lines)
    assert SecurityEvent.objects.filter(event="export", details__what="security-log").exists()


def test_security_log_csv_writes_formulas_as_text(people):
    SecurityEvent.objects.create(event="login-failed", username="=HYPERLINK(1)")
    national = sign_in(Client(), people["national"])
    body = national.get(f"{P}/beveiliging/logboek.csv").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_prune_security_log(people, settings):
    from django.core.management import call_command
    from django.utils import timezone

    old = SecurityEvent.objects.create(event="login", username="x")
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=400))
    SecurityEvent.objects.create(event="login", username="y")
    settings.SECURITY_LOG_RETENTION_DAYS = 365
    call_command("prune-security-log")
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["y"]


def test_development_key_is_refused_in_production(settings):
    from django.core.exceptions import ImproperlyConfigured

    from raak.accounts.checks import refuse_development_key, secret_key_check

    settings.DEBUG = False
    settings.SESSION_COOKIE_SECURE = True
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.SITE_URL = "https://raak.example.org"
    with pytest.raises(ImproperlyConfigured):
        refuse_development_key()
    assert [e.id for e in secret_key_check(None)] == ["raak.E001"]
    settings.SECRET_KEY = "x" * 60
    refuse_development_key()
    assert secret_key_check(None) == []


def test_demo_national_account_has_the_fixed_secret(demo):
    from django.contrib.auth import get_user_model

    from raak.accounts.demo import DEMO_TOTP_SECRET, create_demo_users

    create_demo_users(demo)
    device = TOTPDevice.objects.get(user__username="landelijk")
    import base64

    assert device.bin_key == base64.b32decode(DEMO_TOTP_SECRET) and device.confirmed
    c = Client()
    r = c.post("/inloggen/", {"username": "landelijk", "password": "raak-demo"})
    assert r["Location"].startswith("/inloggen/code/")
    c.post("/inloggen/code/", {"code": code(device)})
    assert c.get(ROUNDS).status_code == 200
    assert get_user_model().objects.get(username="landelijk").is_active
    assert settings.OTP_TOTP_ISSUER


def test_client_address_behind_the_proxy(people, settings):
    settings.PROXY_COUNT = 1
    Client().post("/inloggen/", {"username": "coord-a", "password": "fout"},
                  HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")  # fmt: skip
    assert SecurityEvent.objects.get(event="login-failed").ip == "10.1.2.3"
    settings.PROXY_COUNT = 0
    Client().post("/inloggen/", {"username": "coord-b", "password": "fout"},
                  HTTP_X_FORWARDED_FOR="6.6.6.6")  # fmt: skip
    assert SecurityEvent.objects.get(username="coord-b").ip == "127.0.0.1"


def test_session_ends_after_its_maximum_age_however_busy(people, settings):
    c = sign_in(Client(), people["coord_a"])
    assert c.get("/mijn-account/").status_code == 200
    session = c.session
    session["raak_started"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 1
    session.save()
    assert c.get("/mijn-account/").status_code == 302
    assert "_auth_user_id" not in c.session


def test_the_qr_code_carries_no_text_of_the_username():
    """The enrolment page inserts the QR SVG as markup: it must hold only paths."""
    import re

    from raak.accounts.twofactor import qr_svg

    svg = str(qr_svg("otpauth://totp/RAAK:%3Cscript%3Ealert(1)%3C%2Fscript%3E?secret=ABC"))
    assert "script" not in svg and "alert" not in svg
    assert set(re.findall(r"<(\w+)", svg)) <= {"svg", "path"}


def test_a_signed_in_member_appointed_to_the_national_office_must_enrol_at_once(people, demo):
    """The second-factor decision is asked anew on every request (one query), so a
    role given while the coordinator is signed in counts on the very next page."""
    from raak.accounts.models import Role

    coord = people["coord_a"]
    c = Client()
    assert password_login(c, coord)["Location"] == HOME
    page = f"{P}/regio/gouda/"
    assert c.get(page).status_code == 200
    Role.objects.create(user=coord, programme=demo, kind=Role.NATIONAL)
    r = c.get(page)
    assert r.status_code == 302 and r["Location"].startswith("/mijn-account/tweestaps/")


@pytest.mark.parametrize("kind", ["totp", "static"])
def test_a_password_only_session_with_a_new_device_of_any_kind_must_give_its_code(people, kind):
    coord = people["coord_a"]
    c = Client()
    password_login(c, coord)
    page = f"{P}/regio/gouda/"
    assert c.get(page).status_code == 200
    if kind == "totp":
        device_for(coord)
    else:
        StaticDevice.objects.create(user=coord, name="backup", confirmed=True)
    r = c.get(page)
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/code/")


def test_second_factor_applies_agrees_with_django_otp_and_the_roles(people, demo):
    """The middleware's one-statement question gives the same answer as asking
    django-otp for a device and the roles for a need, in each case."""
    from django_otp import user_has_device

    from raak.accounts.twofactor import needs_second_factor, second_factor_applies

    def agree():
        for user in people.values():
            expected = user_has_device(user) or needs_second_factor(user)
            assert second_factor_applies(user) == expected, user.username
        return [second_factor_applies(u) for u in people.values()]

    assert agree() == [False, False, False, True]  # only the national office
    device = StaticDevice.objects.create(user=people["viewer_a"], name="codes", confirmed=False)
    assert agree() == [False, False, False, True]  # an enrolment not finished
    device.confirmed = True
    device.save()
    assert agree() == [False, False, True, True]
    demo.require_2fa = True
    demo.save(update_fields=["require_2fa"])
    assert agree() == [True, True, True, True]
    people["coord_a"].is_staff = True
    assert second_factor_applies(people["coord_a"])
