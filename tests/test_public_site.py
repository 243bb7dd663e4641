"""The static site under RAAK_DATA_DIR/public/.pages (issue #24): rebuilt by a task on
publication and withdrawal, removed before a withdrawal returns, never brought back by
a rebuild that started before it, and served by deploy/nginx.conf with RAAK behind it."""

import os
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
import requests
from django_tasks_db.models import DBTaskResult

from raak.opendata import public_site, static_site
from raak.programmes.models import Round
from raak.programmes.status import change_round_state
from raak.programmes.status import open_round as open_

P = "raak-2008-2010"
R = "eindrapportage-2011"
TASK = "raak.opendata.public_site.refresh_task"
ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
APP_PORT, NGINX_PORT, NGINX_PLAIN_PORT = 8391, 8392, 8393


def run_enqueued():
    """Run the static-site rebuilds the database queue holds, as `raak worker` would."""
    rows = list(DBTaskResult.objects.filter(task_path=TASK, status="READY").order_by("enqueued_at"))
    for row in rows:
        public_site.refresh_task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
    DBTaskResult.objects.filter(id__in=[r.id for r in rows]).delete()
    return len(rows)


def page(tmp_path, rnd=R):
    return tmp_path / "public" / ".pages" / P / P / "ronde" / rnd / "index.html"


@pytest.fixture
def second(demo, people):
    """A second published round, which stays published when R is withdrawn."""
    office = people["national"]
    rnd = open_(demo, slug="tweede-2011", name="Tweede peiling 2011",
                peildatum=date(2011, 6, 1), user=office)  # fmt: skip
    change_round_state(rnd, Round.CLOSED, user=office)
    change_round_state(rnd, Round.PUBLISHED, user=office, confirmed=True)
    return rnd


@pytest.fixture
def fake_build(monkeypatch):
    """A quick stand-in for static_site.build: one page per round public when it runs
    (the real build renders as an anonymous visitor, so it shows the same rounds)."""
    calls = []

    def build(programme, output, progress=None, gzip_pages=False):
        calls.append(programme.public_version)
        for rnd in programme.rounds.visible_to_public():
            path = Path(output) / P / "ronde" / rnd.slug / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rnd.slug)

    monkeypatch.setattr(static_site, "build", build)
    return calls


def test_publication_builds_the_tree_and_withdrawal_removes_it_before_returning(
    demo, people, second, settings, tmp_path, fake_build, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    rnd = demo.rounds.get(slug=R)
    office = people["national"]
    with django_capture_on_commit_callbacks(execute=True):
        change_round_state(rnd, Round.WITHDRAWN, user=office, reason="Fout")
        change_round_state(rnd, Round.PUBLISHED, user=office, confirmed=True)
    assert not page(tmp_path).exists()  # the queue holds the work; no worker ran yet
    assert run_enqueued() == 2
    assert page(tmp_path).read_text() == R
    # Withdrawn: the whole tree is gone when change_round_state returns, and a rebuild
    # is queued.
    with django_capture_on_commit_callbacks(execute=True):
        change_round_state(rnd, Round.WITHDRAWN, user=office, reason="Fout in de cijfers")
    assert not (tmp_path / "public" / ".pages" / P).exists()
    assert run_enqueued() == 1
    assert not page(tmp_path).exists()
    assert page(tmp_path, second.slug).read_text() == second.slug
    # The last published round withdrawn: no tree at all, every page is RAAK's.
    with django_capture_on_commit_callbacks(execute=True):
        change_round_state(second, Round.WITHDRAWN, user=office, reason="Ook fout")
    assert not (tmp_path / "public" / ".pages" / P).exists()
    assert run_enqueued() == 1
    assert not (tmp_path / "public" / ".pages" / P).exists()
    # No temporary folders left behind.
    left = {p.name for p in (tmp_path / "public" / ".pages").iterdir()}
    assert left == {f".{P}.lock", f".{P}.version"}


def test_without_static_pages_nothing_is_built_and_a_withdrawal_still_removes_the_tree(
    demo, people, second, settings, tmp_path, fake_build, django_capture_on_commit_callbacks
):
    """STATIC_PAGES=0 (the demo, whose tasks run inside the request): publication and
    the scheduled catch-up queue no rebuild, but a tree left from before is still taken
    away by a withdrawal, so nginx never serves a withdrawn round."""
    settings.DATA_DIR = tmp_path
    rnd = demo.rounds.get(slug=R)
    office = people["national"]
    assert public_site.refresh(demo)  # a tree made while STATIC_PAGES was on
    assert page(tmp_path).exists()
    settings.STATIC_PAGES = False
    with django_capture_on_commit_callbacks(execute=True):
        change_round_state(rnd, Round.WITHDRAWN, user=office, reason="Fout")
    assert not (tmp_path / "public" / ".pages" / P).exists()
    with django_capture_on_commit_callbacks(execute=True):
        change_round_state(rnd, Round.PUBLISHED, user=office, confirmed=True)
    assert run_enqueued() == 0
    demo.refresh_from_db()
    assert list(public_site.stale([demo])) == []
    assert not (tmp_path / "public" / ".pages" / P).exists()


def test_a_rebuild_that_started_before_a_withdrawal_never_swaps_its_pages_in(
    demo, people, second, settings, tmp_path, monkeypatch
):
    """The withdrawal lands while the rebuild renders: the rebuild sees the programme's
    public_version moved, throws its pages away and builds again."""
    settings.DATA_DIR = tmp_path
    rnd = demo.rounds.get(slug=R)
    versions = []

    def build(programme, output, progress=None, gzip_pages=False):
        versions.append(type(programme).objects.get(pk=programme.pk).public_version)
        shown = [r.slug for r in programme.rounds.visible_to_public()]
        for slug in shown:
            path = Path(output) / P / "ronde" / slug / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(slug)
        if len(versions) == 1:  # rendered with the round; now it is withdrawn
            assert R in shown
            change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="Fout")

    monkeypatch.setattr(static_site, "build", build)
    assert public_site.refresh(demo) is True
    assert len(versions) == 2 and versions[1] > versions[0]
    assert not page(tmp_path).exists()
    assert page(tmp_path, second.slug).exists()


def test_a_rebuild_gives_up_when_the_data_keeps_changing(
    demo, people, settings, tmp_path, monkeypatch
):
    from raak.programmes.models import Programme

    settings.DATA_DIR = tmp_path

    def build(programme, output, progress=None, gzip_pages=False):
        Path(output).mkdir()
        Programme.objects.filter(pk=programme.pk).update(
            public_version=programme.public_version + 99
        )
        programme.refresh_from_db()

    monkeypatch.setattr(static_site, "build", build)
    assert public_site.refresh(demo) is False
    assert not (tmp_path / "public" / ".pages" / P).exists()
    assert [p.name for p in (tmp_path / "public" / ".pages").iterdir()] == [f".{P}.lock"]


def nginx_conf(tmp, data_dir):
    """deploy/nginx.conf for this test: only ports, paths and the certificate replaced;
    the TLS server listens in plain HTTP (the certificate lines stay, a throw-away one)."""
    from tests.test_static_site import _self_signed

    _self_signed(tmp / "cert.pem", tmp / "key.pem")
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in [
        ("pid /tmp/raak-nginx.pid;", f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log warn;\n"
         + ("user root;\n" if os.geteuid() == 0 else "") + "daemon off;"),
        ("listen 80;", f"listen 127.0.0.1:{NGINX_PLAIN_PORT};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{NGINX_PORT};"),
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{APP_PORT}"),
        ("/srv/raak/var/public", f"{data_dir}/public"),
        ("/srv/raak/var/public", f"{data_dir}/public"),
        ("/etc/ssl/certs/raak.example.org.pem", str(tmp / "cert.pem")),
        ("/etc/ssl/private/raak.example.org.key", str(tmp / "key.pem")),
        ("include /etc/nginx/proxy_params_raak;", f"include {ROOT}/deploy/proxy_params_raak;"),
        ("http {", "http {\n    access_log off;\n" + "".join(
            f"    {kind}_temp_path {tmp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))),
        ("worker_processes auto;", "worker_processes 1;"),
    ]:  # fmt: skip
        assert old in conf, f"deploy/nginx.conf no longer has {old!r}"
        conf = conf.replace(old, new, 1)
    conf = conf.replace("include /etc/nginx/proxy_params_raak;",
                        f"include {ROOT}/deploy/proxy_params_raak;")  # fmt: skip
    return conf


@pytest.mark.skipif(not Path(NGINX).exists(), reason=f"{NGINX} is missing")
def test_nginx_serves_the_published_tree_and_after_withdrawal_raak_answers(
    demo, people, settings, tmp_path, transactional_db
):
    """The real rebuild through deploy/nginx.conf: a published round's pages come from
    the tree (the static site's CSP, no script); once the withdrawal returns, the same
    addresses come from RAAK: the national picture 404, the open-data page 410 with
    the reason. Members, another language and forms always reach RAAK."""
    from pytest_django.live_server_helper import LiveServer

    settings.DATA_DIR = tmp_path / "data"
    settings.SITE_URL = "https://raak.example.org"
    settings.ALLOWED_HOSTS = ["raak.example.org", "127.0.0.1", "localhost", "testserver"]
    assert public_site.refresh(demo) is True
    tree = settings.DATA_DIR / "public" / ".pages" / P / P
    assert (tree / "ronde" / R / "index.html").is_file()
    assert (tree / "ronde" / R / "index.html.gz").is_file()
    nginx_dir = tmp_path / "nginx"
    nginx_dir.mkdir()
    (nginx_dir / "nginx.conf").write_text(nginx_conf(nginx_dir, settings.DATA_DIR))
    server = LiveServer(f"127.0.0.1:{APP_PORT}")
    nginx = subprocess.Popen([NGINX, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf")],
                             stderr=open(nginx_dir / "nginx.out", "w"))  # fmt: skip
    base = f"http://127.0.0.1:{NGINX_PORT}"
    headers = {"Host": "raak.example.org", "X-Forwarded-Proto": "https"}

    def get(path, **kw):
        return requests.get(base + path, headers=headers, timeout=30, allow_redirects=False, **kw)

    try:
        for _ in range(100):
            try:
                get("/gezond")
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        national = f"/{P}/ronde/{R}/"
        opendata = f"/{P}/open-data/{R}/"
        for path in (national, opendata):
            answer = get(path)
            assert answer.status_code == 200, path
            assert "script-src 'none'" in answer.headers["Content-Security-Policy"], path
            assert "<script" not in answer.text
        # Not for the tree: a member, another language, a query, a form: RAAK's CSP.
        for kw in ({"cookies": {"sessionid": "onbekend"}}, {"cookies": {"django_language": "en"}},
                   {"params": {"q": "x"}}):  # fmt: skip
            answer = get(national, **kw)
            assert "script-src 'none'" not in answer.headers.get("Content-Security-Policy", ""), kw
        answer = requests.post(base + national, headers=headers, timeout=30, allow_redirects=False)
        assert answer.status_code != 405  # RAAK's answer (CSRF), not nginx refusing a POST
        assert "script-src 'none'" not in answer.headers.get("Content-Security-Policy", "")
        # Withdrawn: no worker runs here, so only the synchronous removal can explain it.
        change_round_state(demo.rounds.get(slug=R), Round.WITHDRAWN, user=people["national"],
                           reason="Fout in de cijfers van Gouda")  # fmt: skip
        assert not tree.exists()
        answer = get(national)
        assert answer.status_code == 404
        assert "script-src 'none'" not in answer.headers.get("Content-Security-Policy", "")
        answer = get(opendata)
        assert answer.status_code == 410 and "Fout in de cijfers van Gouda" in answer.text
        # The rebuild is queued (its result, without the round, is tested above and in
        # test_static_site.py: the build renders as an anonymous visitor).
        assert DBTaskResult.objects.filter(task_path=TASK, status="READY").count() == 1
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        server.stop()


def test_a_public_change_without_publication_is_caught_up_by_the_scheduled_job(
    demo, people, settings, tmp_path, fake_build
):
    """Publication and withdrawal queue their own rebuild; any other public change (an
    edit of the catalogue) moves public_version, and `raak refresh-public-site` (run by
    the scheduler) queues a rebuild for it, once."""
    from io import StringIO

    from django.core.management import call_command

    from raak.core import scheduler
    from raak.programmes.models import Programme

    settings.DATA_DIR = tmp_path
    assert "refresh-public-site" in [j.name for j in scheduler.JOBS]
    call_command("refresh-public-site", stdout=StringIO())
    assert run_enqueued() == 1  # never built
    demo.refresh_from_db()
    assert public_site.built_version(demo) == demo.public_version
    call_command("refresh-public-site", stdout=StringIO())
    assert run_enqueued() == 0  # up to date
    Programme.objects.filter(pk=demo.pk).update(public_version=demo.public_version + 1)
    out = StringIO()
    call_command("refresh-public-site", stdout=out)
    assert P in out.getvalue() and run_enqueued() == 1
    demo.refresh_from_db()
    assert public_site.built_version(demo) == demo.public_version


def test_a_theme_change_rebuilds_every_tree(demo, settings, tmp_path, fake_build):
    """The theme is on every page: a change queues a rebuild of every programme's tree."""
    from raak.look.theme import Theme, theme_changed

    settings.DATA_DIR = tmp_path
    theme_changed.send(Theme, fields=["tokens"])
    assert run_enqueued() == 0  # no tree yet: nothing to bring up to date
    assert public_site.refresh(demo) is True
    theme_changed.send(Theme, fields=["tokens"])
    assert run_enqueued() == 1


def test_an_open_data_refresh_during_a_withdrawal_never_leaves_the_round_s_files(
    demo, people, second, settings, tmp_path, monkeypatch
):
    """raak/opendata/public.py: the withdrawal lands after the refresh listed the round
    as published, and its removal before the refresh writes the round's folder back;
    the refresh sees public_version moved and runs again, which removes it."""
    from raak.opendata import public

    settings.DATA_DIR = tmp_path
    rnd = demo.rounds.get(slug=R)
    write = public._write_round
    withdrawn = []

    def write_round(programme, current, target):
        if current.slug == R and not withdrawn:
            withdrawn.append(True)
            change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="Fout")
        write(programme, current, target)

    monkeypatch.setattr(public, "_write_round", write_round)
    public.refresh(demo)
    base = tmp_path / "public" / P / "open-data"
    assert withdrawn and not (base / R).exists()
    assert (base / second.slug / "mijlpalen.csv").is_file()
    assert R.encode() not in (base / "catalog.ttl").read_bytes()
