"""Logins in real headless Chromium, with axe-core on the login, code and enrolment
pages: the demo national account with password + TOTP, password alone reaching no
national page, lock-out after wrong passwords, a coordinator's idle time-out."""

import base64
import time
from datetime import timedelta

import pytest
from django_otp.oath import totp

from raak.accounts.demo import DEMO_TOTP_SECRET, create_demo_users
from raak.accounts.models import Role
from raak.programmes import tables
from raak.programmes.importing import import_programme
from tests.conftest import DEMO_FILE
from tests.test_browser import browser, check_a11y, shot  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
P = "/raak-2008-2010"


@pytest.fixture
def site(transactional_db, live_server):
    programme = import_programme(tables.read(DEMO_FILE), actor="test").programme
    create_demo_users(programme)
    return live_server.url


def code_for(secret_bytes):
    return f"{totp(secret_bytes):06d}"


def password_step(page, site, username, password="raak-demo", next_path=""):
    page.goto(f"{site}/inloggen/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def test_demo_national_account_logs_in_with_password_and_totp(browser, site):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/inloggen/")
    check_a11y(page, "login")
    shot(page, "login")
    password_step(page, site, "landelijk", next_path=f"{P}/rondes/")
    assert "/inloggen/code/" in page.url
    check_a11y(page, "otp-verify")
    shot(page, "otp-verify")
    # With the password alone no national page opens: every one leads back here.
    for path in ("/", f"{P}/ronde/eindrapportage-2011/", f"{P}/beveiliging/", f"{P}/rondes/"):
        page.goto(site + path)
        assert "/inloggen/code/" in page.url, path
        assert page.get_by_role("heading", name="Code invoeren").is_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    assert "klopt niet" in page.locator("main").inner_text()
    check_a11y(page, "otp-verify-error")
    time.sleep(1.2)  # django-otp's throttle after a miss
    page.get_by_label("Code").fill(code_for(base64.b32decode(DEMO_TOTP_SECRET)))
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen").click()
    assert page.url.endswith(f"{P}/rondes/")
    assert page.get_by_role("heading", name="Rondes").count() >= 1
    page.goto(f"{site}{P}/beveiliging/")
    check_a11y(page, "security")
    shot(page, "security")
    page.goto(f"{site}{P}/beveiliging/logboek/")
    text = page.locator("main").inner_text()
    assert "otp-verified" in text and "otp-failed" in text and "raak-demo" not in text
    check_a11y(page, "security-log")
    shot(page, "security-log")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "security-log-390")
    page.close()


def test_new_national_user_enrols_in_the_browser(browser, site, django_user_model):  # noqa: F811
    from raak.programmes.models import Programme

    user = django_user_model.objects.create_user(
        "nieuw-landelijk", password="lang-genoeg-wachtwoord"
    )
    Role.objects.create(user=user, programme=Programme.objects.get(), kind=Role.NATIONAL)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    password_step(page, site, "nieuw-landelijk", "lang-genoeg-wachtwoord")
    assert "/mijn-account/tweestaps/" in page.url
    assert page.locator("figure.qr svg").count() == 1
    check_a11y(page, "otp-setup")
    shot(page, "otp-setup")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(code_for(base64.b32decode(secret + "=" * (-len(secret) % 8))))
    with page.expect_navigation():
        page.get_by_role("button", name="Instellen").click()
    assert "/mijn-account/herstelcodes/" in page.url
    assert page.locator("ul.codes li").count() == 10
    check_a11y(page, "otp-recovery")
    shot(page, "otp-recovery")
    page.goto(f"{site}{P}/rondes/")
    assert page.get_by_role("heading", name="Rondes").count() >= 1
    page.close()


def test_ten_wrong_passwords_lock_the_account_until_the_lock_ends(browser, site, settings):  # noqa: F811
    settings.AXES_COOLOFF_TIME = timedelta(minutes=10)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for attempt in range(10):
        password_step(page, site, "coord-gouda", f"fout-{attempt}")
        text = page.locator("main").inner_text()
        if attempt < settings.AXES_FAILURE_LIMIT - 1:
            assert "klopt niet" in text
        else:
            assert "geblokkeerd" in text, attempt
    check_a11y(page, "locked")
    shot(page, "locked")
    password_step(page, site, "coord-gouda")  # the right password, refused while locked
    assert "geblokkeerd" in page.locator("main").inner_text()
    assert "/inloggen/" in page.url
    # The lock ends by itself: shorten the cool-off to 2 s and wait for it.
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    time.sleep(2.5)
    password_step(page, site, "coord-gouda")
    assert "/inloggen/" not in page.url
    page.locator("header details.account summary").click()  # the account menu
    assert page.get_by_role("button", name="Uitloggen (coord-gouda)").is_visible()
    page.close()


def test_coordinators_session_expires_after_the_idle_time_out(browser, site, settings):  # noqa: F811
    settings.SESSION_IDLE_SECONDS = 2
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    password_step(page, site, "coord-gouda")
    page.goto(f"{site}/mijn-account/")
    assert page.get_by_role("heading", name="Mijn account").is_visible()
    time.sleep(3.5)
    page.goto(f"{site}/mijn-account/")
    assert "/inloggen/" in page.url
    assert "te lang niet actief" in page.locator("main").inner_text()
    check_a11y(page, "login-after-idle")
    shot(page, "login-after-idle")
    page.close()
