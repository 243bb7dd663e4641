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
