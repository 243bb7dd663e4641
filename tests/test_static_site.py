"""`raak publish-static` (issue #24): the published pages as a static site with
relative links, its own static files, a sitemap, and nothing unpublished in it."""

import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from lxml import etree
from lxml import html as lxml_html

from raak.programmes.models import MilestoneStatus, Round
from raak.programmes.status import change_round_state
from raak.programmes.status import open_round as open_

P = "raak-2008-2010"
PUBLISHED = "eindrapportage-2011"
SITE = "https://raak.example.org"


def links(path):
    """Every link and resource of an HTML file: (attribute, value)."""
    doc = lxml_html.document_fromstring(path.read_bytes())
    for element, attribute, link, _pos in doc.iterlinks():
        yield element, attribute, link


def broken_links(root):
    """Relative links (href, src, action, meta refresh) of every HTML file under `root`
    that do not lead to a file; links to another site (http, mailto) are not checked."""
    broken, checked = [], 0
    for page in root.rglob("*.html"):
        for _element, _attribute, link in links(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            checked += 1
            if parts.path.startswith("/") or not (page.parent / unquote(parts.path)).is_file():
                broken.append((str(page.relative_to(root)), link))
    return broken, checked


@pytest.fixture
def published_site(knowledge, people, settings, tmp_path):
    """The demo with a published report, a round published and withdrawn, and an open
    round with a note in it, built into tmp_path/site."""
    settings.SITE_URL = SITE
    from raak.programmes.history import Recorder
    from raak.reports import templates
    from raak.reports.models import Report

    demo, office = knowledge, people["national"]
    demo.rules.all().delete()
    rnd = demo.rounds.get(slug=PUBLISHED)
    template = templates.load(demo) and demo.report_templates.get()
    Report.objects.create(programme=demo, round=rnd, template=template,
                          chapters=template.chapters, title="Eindrapportage (test)",
                          state=Report.PUBLISHED, published_at=timezone.now(),
                          published_by=office)  # fmt: skip
    recorder = Recorder(office, programme=demo)
    recorder.record(subject="rapport " + rnd.slug, field="status", new="gepubliceerd", round=rnd)
    recorder.flush()
    withdrawn = open_(demo, slug="ingetrokken-2011", name="Ingetrokken peiling",
                      peildatum=date(2011, 6, 1), user=office)  # fmt: skip
    MilestoneStatus.objects.filter(round=withdrawn, region__slug="gouda").update(
        note="INGETROKKEN NOTITIE van Gouda"
    )
    change_round_state(withdrawn, Round.CLOSED, user=office)
    change_round_state(withdrawn, Round.PUBLISHED, user=office, confirmed=True)
    change_round_state(withdrawn, Round.WITHDRAWN, user=office, reason="Fout in Bijlage 1")
    unpublished = open_(demo, slug="geheim-2012", name="Geheime ronde 2012",
                        peildatum=date(2012, 1, 1), user=office)  # fmt: skip
    MilestoneStatus.objects.filter(round=unpublished, region__slug="gouda").update(
        note="GEHEIME NOTITIE van Gouda", status="expected", expected_text="Najaar 2030"
    )
    out = io.StringIO()
    call_command("publish-static", "--programme", P, "--output", str(tmp_path / "site"),
                 stdout=out, stderr=io.StringIO())  # fmt: skip
    assert "sitemap.xml" in out.getvalue()
    return tmp_path / "site"


def test_static_site_is_complete_relative_and_holds_nothing_unpublished(published_site):
    root = published_site
    # Every kind of public page is there.
    national = root / P / "ronde" / PUBLISHED / "index.html"
    for path in [
        national, root / P / "regio" / "gouda" / "index.html", root / P / "verwacht" / "index.html",
        root / P / "activiteiten" / "index.html", root / P / "open-data" / "index.html",
        root / P / "open-data" / "catalog.ttl", root / P / "open-data" / PUBLISHED / "mijlpalen.csv",
        root / P / "rapporten" / PUBLISHED / "index.html", root / "static" / "raak" / "raak.css",
        root / P / "index.html", root / "index.html", root / "toegankelijkheid" / "index.html",
    ]:  # fmt: skip
        assert path.is_file(), path
    assert list((root / P / "rapporten" / PUBLISHED).glob("*.pdf")), "the report's PDF"
    assert (root / P / "activiteiten" / "index.pagina-2.html").is_file()
    # The map switcher is links, one page per map, without JavaScript.
    maps = [link for _e, _a, link in links(national) if "kaart-" in link]
    assert len(set(maps)) >= 9
    assert all((national.parent / m.split("#")[0]).is_file() for m in maps)
    assert "<script" not in national.read_text()
    # Every link relative and leading to a file.
    broken, checked = broken_links(root)
    assert not broken, broken[:20]
    assert checked > 5000
    # Nothing of the open round or of the withdrawn one, in any file; the withdrawn
    # publication is only named, with its reason, where the open data lists it (as live).
    forbidden = ["GEHEIME NOTITIE", "INGETROKKEN NOTITIE", "geheim-2012", "Geheime ronde",
                 "ingetrokken-2011", "Ingetrokken peiling", "Najaar 2030", "coord-a"]  # fmt: skip
    withdrawn_list = root / P / "open-data" / "index.html"
    for path in root.rglob("*"):
        if path.suffix in (".html", ".csv", ".json", ".ttl", ".jsonld", ".xml"):
            text = path.read_text()
            if path == withdrawn_list:  # names the withdrawn publication, with its reason
                assert "Ingetrokken peiling" in text and "Fout in Bijlage 1" in text
                text = text.replace("Ingetrokken peiling", "")
            found = [f for f in forbidden if f in text]
            assert not found, (path, found)
    assert not (root / P / "ronde" / "ingetrokken-2011").exists()
    assert not (root / P / "open-data" / "ingetrokken-2011").exists()


def test_sitemap_lists_every_page_on_site_url(published_site):
    tree = etree.parse(str(published_site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = tree.xpath("//s:url/s:loc/text()", namespaces=ns)
    assert all(loc.startswith(SITE + "/") for loc in locs)
    assert f"{SITE}/{P}/ronde/{PUBLISHED}/" in locs
    assert f"{SITE}/{P}/ronde/{PUBLISHED}/?kaart=werkplan" in locs
    assert f"{SITE}/{P}/regio/gouda/" in locs
    assert f"{SITE}/{P}/open-data/{PUBLISHED}/mijlpalen.csv" in locs
    assert not [loc for loc in locs if "/static/" in loc or "ingetrokken" in loc]
    assert f"{SITE}/{P}/" not in locs  # a redirect, not a page
    pages = [p for p in published_site.rglob("index*.html")]
    assert len(locs) >= len(pages) - 2
    assert tree.xpath("//s:url/s:lastmod/text()", namespaces=ns)


def test_bad_output_and_unknown_programme_are_one_line_errors(demo, tmp_path):
    full = tmp_path / "vol"
    full.mkdir()
    (full / "iets.txt").write_text("x")
    with pytest.raises(CommandError, match="niet leeg"):
        call_command("publish-static", "--programme", P, "--output", str(full))
    with pytest.raises(CommandError, match="geen map"):
        call_command("publish-static", "--programme", P, "--output", str(full / "iets.txt"))
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("publish-static", "--programme", "onbekend", "--output", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_a_programme_without_a_published_round_is_refused(demo, tmp_path):
    demo.rounds.update(state=Round.CLOSED)
    with pytest.raises(CommandError, match="geen gepubliceerde ronde"):
        call_command("publish-static", "--programme", P, "--output", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_command_line_says_what_is_wrong_in_one_line(tmp_path):
    full = tmp_path / "vol"
    full.mkdir()
    (full / "iets.txt").write_text("x")
    run = subprocess.run(
        [sys.executable, "-m", "raak.cli", "publish-static", "--programme", P,
         "--output", str(full)],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0, run.stderr
    assert "niet leeg" in run.stderr and "Traceback" not in run.stderr


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _self_signed(cert_path, key_path):
    """A throw-away certificate for `nginx -t` (cryptography comes with Authlib)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "raak.example.org")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip


@pytest.mark.skipif(not Path(NGINX).exists(), reason=f"{NGINX} is missing")
@pytest.mark.parametrize("name", ["nginx.conf", "nginx-static.conf"])
def test_deploy_nginx_configurations_pass_nginx_t(tmp_path, name):
    """Both shipped files are accepted by the nginx CI installs (Debian 12: 1.22, which
    refuses `http2 on;`), with only paths replaced."""
    root = Path(__file__).resolve().parents[1]
    _self_signed(tmp_path / "cert.pem", tmp_path / "key.pem")
    conf = (root / "deploy" / name).read_text()
    for old, new in [
        ("/etc/ssl/certs/raak.example.org.pem", str(tmp_path / "cert.pem")),
        ("/etc/ssl/private/raak.example.org.key", str(tmp_path / "key.pem")),
        ("/etc/nginx/proxy_params_raak", str(root / "deploy" / "proxy_params_raak")),
        ("pid /tmp/raak-nginx.pid;", f"pid {tmp_path}/nginx.pid;"),
        ("pid /tmp/raak-nginx-static.pid;", f"pid {tmp_path}/nginx.pid;"),
    ]:
        conf = conf.replace(old, new)
    (tmp_path / "nginx.conf").write_text(f"error_log {tmp_path}/error.log;\n" + conf)
    run = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stderr
