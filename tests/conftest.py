import os
import shutil
from pathlib import Path

import pytest

from raak.programmes import tables
from raak.programmes.importing import import_programme

DEMO_FILE = (
    Path(__file__).resolve().parents[1] / "raak" / "programmes" / "data" / "raak-2008-2010.json"
)
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is slow on purpose; tests need not be.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    """The demo programme, loaded through the real importer."""
    return import_programme(tables.read(DEMO_FILE), actor="test").programme


def chromium_available():
    return os.path.exists(CHROMIUM) and shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    browser = [i for i in items if "browser" in i.keywords]
    if not browser or chromium_available():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing")
    for item in browser:
        item.add_marker(skip)
    config._raak_skipped_browser = len(browser)


def pytest_terminal_summary(terminalreporter, config):
    n = getattr(config, "_raak_skipped_browser", 0)
    if n:
        terminalreporter.write_line(
            f"!!! BROWSER TESTS SKIPPED: {n} tests need Chromium at {CHROMIUM}. "
            "Install it with `apt-get install chromium`; CI never skips them. !!!",
            red=True,
            bold=True,
        )


@pytest.fixture
def people(demo, django_user_model):
    """Named users: a coordinator of Gouda (region A), one of Leiden (region B),
    a read-only member of Gouda, and the national office."""
    from raak.accounts.models import Role

    def make(username, region, kind):
        user = django_user_model.objects.create_user(username, password="pw-" + username)
        Role.objects.create(
            user=user,
            programme=demo,
            region=demo.regions.get(slug=region) if region else None,
            kind=kind,
        )
        return user

    return {
        "coord_a": make("coord-a", "gouda", Role.COORDINATOR),
        "coord_b": make("coord-b", "leiden", Role.COORDINATOR),
        "viewer_a": make("viewer-a", "gouda", Role.VIEWER),
        "national": make("national", None, Role.NATIONAL),
    }


def _second_round(demo, people):
    from datetime import date

    from raak.programmes.status import open_round as open_

    return open_(
        demo, slug="voorjaar-2011", name="Tweede peiling 2011", peildatum=date(2011, 6, 1),
        user=people["national"],
    )  # fmt: skip


@pytest.fixture
def open_round(demo, people):
    """A second round, opened by the national office from the published one. Without
    the demo's validation rules: at this peildatum they report errors (spring 2011 has
    passed) that would block every submission in tests of other features; the rules'
    own tests (test_rules*.py) use `ruled_round`."""
    demo.rules.all().delete()
    return _second_round(demo, people)


@pytest.fixture
def ruled_round(demo, people):
    """The same second round with the demo's validation rules."""
    return _second_round(demo, people)


KNOWLEDGE = Path(__file__).resolve().parents[1] / "raak" / "knowledge" / "data"


@pytest.fixture
def knowledge(demo):
    from raak.knowledge.loading import load_action_points, load_activities

    load_activities(KNOWLEDGE / "activities-2008-2010.json")
    load_action_points(KNOWLEDGE / "action-points-2011.json")
    return demo


@pytest.fixture
def practice(demo):
    """Protocol checklist and training figures from the seed."""
    from raak.protocols import loading as protocols
    from raak.training import loading as training

    root = Path(__file__).resolve().parents[1] / "raak"
    protocols.load(root / "protocols" / "data" / "protocols-2008-2010.json")
    training.load(root / "training" / "data" / "training-2008-2010.json")
    return demo


def sign_in(client, user):
    """Log `user` in on a test Client the way a finished login would: with a verified
    second factor for anyone who has (or must have) one. Use this instead of
    `client.force_login` so tests keep working now that the national office needs 2FA."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and _needs_second_factor(user):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def api_token(user, scope="read-write", name="t"):
    """A personal access token for `user` as the token page makes it: in a session
    verified with a second factor (a device made when the user needs one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from raak.api.tokens import create_token

    if _needs_second_factor(user) and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return create_token(user, name=name, scope=scope, second_factor=True)[1]


def _needs_second_factor(user):
    from raak.accounts.models import Role

    return user.is_staff or Role.objects.filter(user=user, kind=Role.NATIONAL).exists()


def browser_sign_in(context, base_url, user):
    """Give a Playwright browser context the session of a signed-in `user` (second
    factor verified), for browser tests that are not about the login itself."""
    from urllib.parse import urlparse

    from django.conf import settings
    from django.test import Client

    client = sign_in(Client(), user)
    host = urlparse(base_url).hostname
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context


@pytest.fixture(autouse=True)
def _empty_cache():
    """Public pages are cached (raak.programmes.caching); ids repeat across tests after a
    rollback, so each test starts with an empty cache."""
    from django.conf import settings
    from django.core.cache import cache

    from raak.programmes import memo

    memo.forget()  # the process's memo of a programme's definitions, keyed by its id
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        yield  # a table in the test database: each test's rollback empties it
        return
    cache.clear()
    yield
    cache.clear()
