"""The scale-out test (issue #26): two app servers behind nginx, two workers and one
scheduler on PostgreSQL and Redis (tests/scaleout_stack.py), and a client that sends
requests alternately through nginx and straight to each server.

Run with `pytest -m scaleout tests/test_scaleout.py` and DATABASE_URL pointing at a
PostgreSQL server (.ci/run does). Outside CI it skips, loudly, without redis-server or
nginx; in CI a missing one fails. It prints its figures (-s shows them).
"""

import base64
import hashlib
import hmac
import os
import re
import shutil
import signal
import struct
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.mailserver import Inbox

pytestmark = pytest.mark.scaleout

P = "/raak-2008-2010"
R1, R2 = "eindrapportage-2011", "voorjaar-2011"
PASSWORD = "raak-demo"
DEMO_TOTP = "RAAKDEMORAAKDEMORAAKDEMORAAKDEMO"
# Ten regions still owe their report (the others have submitted): the reminder run is
# due for exactly these, one coordinator each.
OUTSTANDING = ["almere", "amsterdam", "den-haag", "gouda", "haarlem", "leiden", "rotterdam",
               "utrecht", "zaanstad", "zwolle-ijsselland"]  # fmt: skip
LOAD_CLIENTS = 50

SETUP = f"""
from datetime import date, timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from raak.cycle import reminders
from raak.cycle.models import ReminderPlan, Submission
from raak.programmes.models import Programme
from raak.programmes.status import open_round
p = Programme.objects.get(slug='raak-2008-2010')
national = get_user_model().objects.get(username='landelijk')
today = timezone.localdate()
rnd = open_round(p, slug='{R2}', name='Tweede peiling 2011', peildatum=date(2011, 6, 1),
                 user=national, opens_on=today - timedelta(days=14),
                 closes_on=today + timedelta(days=3))
ReminderPlan.objects.create(round=rnd, days_before=[3], on_deadline=False,
                            subject=reminders.DEFAULT_SUBJECT, body=reminders.DEFAULT_BODY)
keep = set({OUTSTANDING!r})
regions = list(p.regions.active_on(rnd.peildatum))
assert keep <= {{r.slug for r in regions}}, sorted(r.slug for r in regions)
Submission.objects.bulk_create([
    Submission(round=rnd, region=r, state=Submission.SUBMITTED, submitted_at=timezone.now(),
               submitted_by=national)
    for r in regions if r.slug not in keep])
"""


def totp(secret, at=None):
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def csrf(html):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def post_form(session, url, data, files=None, **kw):
    """GET the form, POST it back with its CSRF token (no redirects followed)."""
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return session.post(url, data={"csrfmiddlewaretoken": csrf(page.text), **data}, files=files,
                        allow_redirects=False, timeout=60)  # fmt: skip


_used_steps = set()


def fresh_code(secret):
    """A code of a time step not used yet: django-otp refuses a code given before."""
    while int(time.time() // 30) in _used_steps:
        time.sleep(0.5)
    _used_steps.add(int(time.time() // 30))
    return totp(secret)


def login(session, base, username, second_factor=None):
    response = post_form(session, base + "/inloggen/", {"username": username,
                                                        "password": PASSWORD})  # fmt: skip
    assert response.status_code == 302, (username, response.status_code)
    if second_factor:
        assert "/inloggen/code/" in response.headers["Location"]
        code = post_form(session, base + "/inloggen/code/", {"code": fresh_code(second_factor)})
        assert code.status_code == 302, code.text[:2000]
    return session


def version_in(html):
    return re.search(r'name="version" value="(\d+)"', html).group(1)


STATUS = "/ronde/{r}/regio/{region}/mijlpaal/handelingsprotocol/"


def status_url(region):
    return P + STATUS.format(r=R2, region=region)


def save_status(session, base, region, note, version=None, files=None):
    url = base + status_url(region)
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    data = {"csrfmiddlewaretoken": csrf(page.text), "status": "done", "expected": "",
            "note": note, "version": version or version_in(page.text)}  # fmt: skip
    return session.post(url, data=data, files=files, allow_redirects=False, timeout=60)


@pytest.fixture(scope="module")
def stack():
    from tests.scaleout_stack import Stack

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the scale-out test runs on PostgreSQL: set DATABASE_URL=postgres://...")
    missing = [t for t in ("redis-server", "nginx") if not (shutil.which(t) or
               os.path.exists(f"/usr/sbin/{t}"))]  # fmt: skip
    if missing:
        message = (
            f"the scale-out test needs {', '.join(missing)} (apt-get install redis-server nginx)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        print(f"\n!!! SCALE-OUT TEST SKIPPED: {message} !!!")
        pytest.skip(message)
    stack = Stack(url)
    inbox = Inbox()
    from aiosmtpd.controller import Controller

    smtp = Controller(inbox, hostname="127.0.0.1", port=stack.smtp_port)
    smtp.start()
    stack.inbox = inbox
    started = time.monotonic()
    try:
        stack.up(SETUP)
        stack.start_scheduler()
        print(f"\nscale-out stack up in {time.monotonic() - started:.1f} s ({stack.tmp})")
        yield stack
    except BaseException:
        print(stack.tails())
        raise
    finally:
        smtp.stop()
        stack.down()


def test_the_layout_answers_and_spreads_requests(stack):
    for base in (stack.a, stack.b, stack.nginx):
        assert requests.get(base + "/gezond/gereed", timeout=10).json()["status"] == "ok"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = requests.get(stack.nginx + "/gezond/werkers", timeout=10).json()
        if workers["workers"] == 2 and workers["scheduler"]:
            break
        time.sleep(0.5)
    assert (workers["workers"], workers["scheduler"]) == (2, True), workers
    before = {n: stack.procs[n].output().count('"GET /raak-2008-2010/ronde/') for n in "ab"}
    for _ in range(6):
        assert requests.get(f"{stack.nginx}{P}/ronde/{R1}/", timeout=30).status_code == 200
    served = {n: stack.procs[n].output().count('"GET /raak-2008-2010/ronde/') - before[n]
              for n in "ab"}  # fmt: skip
    print(f"round-robin: 6 requests through nginx, A answered {served['a']}, B {served['b']}")
    assert served["a"] >= 2 and served["b"] >= 2


def test_a_login_on_a_is_valid_on_b_and_a_logout_on_b_ends_it_on_a(stack):
    s = login(requests.Session(), stack.a, "landelijk", second_factor=DEMO_TOTP)
    for base in (stack.b, stack.nginx, stack.a):
        page = s.get(f"{base}{P}/rondes/", allow_redirects=False, timeout=30)
        assert page.status_code == 200, (base, page.status_code)
    page = s.get(f"{stack.b}{P}/rondes/", timeout=30)
    out = s.post(stack.b + "/uitloggen/", data={"csrfmiddlewaretoken": csrf(page.text)},
                 allow_redirects=False, timeout=30)  # fmt: skip
    assert out.status_code == 302
    for base in (stack.a, stack.nginx):
        page = s.get(f"{base}{P}/rondes/", allow_redirects=False, timeout=30)
        assert page.status_code == 302 and "/inloggen/" in page.headers["Location"]


def test_a_change_saved_on_a_is_on_bs_next_page(stack):
    s = login(requests.Session(), stack.nginx, "coord-gouda")
    assert save_status(s, stack.a, "gouda", "Opgeslagen op server A").status_code == 302
    for base in (stack.b, stack.nginx, stack.nginx):
        assert "Opgeslagen op server A" in s.get(f"{base}{P}/regio/gouda/", timeout=30).text


@pytest.fixture(scope="module")
def national(stack):
    """The national office, signed in once on B (a second factor per 30 s at most)."""
    return login(requests.Session(), stack.b, "landelijk", second_factor=DEMO_TOTP)


def test_two_saves_at_once_on_a_and_b_one_wins_the_other_sees_the_conflict(stack, national):
    coord = login(requests.Session(), stack.a, "coord-leiden")
    pages = [c.get(base + status_url("leiden"), timeout=30)
             for c, base in ((coord, stack.a), (national, stack.b))]  # fmt: skip
    version = version_in(pages[0].text)
    assert version == version_in(pages[1].text)
    barrier = threading.Barrier(2)

    def save(client, base, page, note):
        data = {"csrfmiddlewaretoken": csrf(page.text), "status": "done", "expected": "",
                "note": note, "version": version}  # fmt: skip
        barrier.wait()
        return client.post(base + status_url("leiden"), data=data, allow_redirects=False,
                           timeout=60)  # fmt: skip

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(save, (coord, national), (stack.a, stack.b), pages,
                                ("coordinator op A", "landelijk op B")))  # fmt: skip
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 302], codes
    clash = next(r for r in results if r.status_code == 200)
    assert "iemand anders heeft dit intussen gewijzigd" in clash.text
    (note, saved_version), = stack.sql(
        "SELECT s.note, s.version FROM programmes_milestonestatus s "
        "JOIN programmes_region g ON g.id = s.region_id JOIN programmes_round r ON r.id = s.round_id "
        "JOIN programmes_milestone m ON m.id = s.milestone_id "
        "WHERE g.slug = 'leiden' AND r.slug = %s AND m.key = 'handelingsprotocol'", (R2,))  # fmt: skip
    winner = next(r for r in results if r.status_code == 302)
    assert note == ("coordinator op A" if winner is results[0] else "landelijk op B")
    assert saved_version == int(version) + 1
    print(
        f"conflict: the {'A' if winner is results[0] else 'B'} save won, the other got the conflict page"
    )


def test_five_wrong_passwords_over_a_and_b_lock_the_account(stack):
    """Each attempt comes from another client address (X-Forwarded-For, which the app
    servers take from their proxy with PROXY_COUNT=1), so only the username's count
    can lock: it must add up over both servers."""

    def attempt(base, password, n):
        s = requests.Session()
        address = {"X-Forwarded-For": f"192.0.2.{n}"}  # TEST-NET-1: a header, no traffic
        page = s.get(base + "/inloggen/", headers=address, timeout=30)
        return s.post(base + "/inloggen/", headers=address, allow_redirects=False, timeout=30,
                      data={"csrfmiddlewaretoken": csrf(page.text), "username": "coord-alkmaar",
                            "password": password})  # fmt: skip

    for i in range(5):
        r = attempt((stack.a, stack.b)[i % 2], f"fout-{i}", 10 + i)
        assert r.status_code in (200, 429), r.status_code
    for n, base in enumerate((stack.a, stack.b)):
        r = attempt(base, PASSWORD, 20 + n)
        assert r.status_code == 429, (base, r.status_code)  # the right password, refused


def test_an_upload_through_a_downloads_through_b(stack):
    s = login(requests.Session(), stack.b, "coord-haarlem")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + os.urandom(2000)
    r = save_status(s, stack.a, "haarlem", "met bewijsstuk",
                    files={"document": ("protocol.pdf", pdf, "application/pdf")})  # fmt: skip
    assert r.status_code == 302, r.text[:3000]
    page = s.get(f"{stack.b}{P}/regio/haarlem/", timeout=30).text
    link = re.search(r'href="(/raak-2008-2010/document/\d+/)"', page)
    assert link, "no document link on B's region page"
    download = s.get(stack.b + link.group(1), timeout=30)
    assert download.status_code == 200 and download.content == pdf


def _report_file(stack, s, base, region):
    """Ask `base` for the region report PDF; return its file id."""
    url = f"{base}{P}/rapporten/{R1}/regio/{region}/maken/pdf/"
    r = post_form(s, url, {})
    assert r.status_code == 302, r.status_code
    return int(re.search(r"/rapportbestand/(\d+)/", r.headers["Location"]).group(1))


def _task_of_file(stack, file_id):
    rows = stack.sql("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                     "WHERE task_path = 'raak.reports.service.generate' AND args_kwargs->'args' = %s::jsonb",
                     (f"[{file_id}]",))  # fmt: skip
    assert len(rows) == 1, rows
    return rows[0]


def _wait_file(stack, file_id, states=("done",), timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ((state,),) = stack.sql("SELECT state FROM reports_reportfile WHERE id = %s", (file_id,))
        if state in states:
            return state
        time.sleep(0.02)
    raise AssertionError(f"report file {file_id} not {states} in {timeout} s\n{stack.tails()}")


def test_a_report_made_by_worker_1_is_served_by_b(stack):
    w2 = stack.procs["w2"]
    w2.signal(signal.SIGSTOP)  # worker 2 paused: worker 1 takes the task
    try:
        # Signed in: an anonymous visitor never starts a render (issue #22).
        s = login(requests.Session(), stack.a, "coord-gouda")
        file_id = _report_file(stack, s, stack.a, "gouda")
        _wait_file(stack, file_id)
    finally:
        w2.signal(signal.SIGCONT)
    status, workers = _task_of_file(stack, file_id)
    assert (status, workers) == ("SUCCESSFUL", ["w1"])
    r = s.get(f"{stack.b}{P}/rapportbestand/{file_id}/download/", timeout=30)
    assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.status_code


def test_a_worker_killed_mid_task_has_its_task_run_again(stack, national):
    """Worker 1 is killed while it makes a PDF; the scheduler sees its heartbeat stop
    and queues the task again; worker 2 makes it."""
    w1, w2 = stack.procs["w1"], stack.procs["w2"]
    w2.signal(signal.SIGSTOP)
    s = national  # signed in: an anonymous visitor never starts a render
    try:
        for region in ("leiden", "utrecht", "zwolle-ijsselland"):
            file_id = _report_file(stack, s, stack.nginx, region)
            if _wait_file(stack, file_id, states=("running", "done")) == "running":
                w1.signal(signal.SIGKILL, group=True)
                killed_at = time.monotonic()
                break
        else:
            pytest.fail("worker 1 made every PDF before it could be killed")
    finally:
        w2.signal(signal.SIGCONT)
    assert w1.popen.wait(10) == -signal.SIGKILL
    _wait_file(stack, file_id, timeout=90)
    status, workers = _task_of_file(stack, file_id)
    assert (status, workers) == ("SUCCESSFUL", ["w1", "w2"])
    print(
        f"worker killed mid-task: its task ran again on w2, done "
        f"{time.monotonic() - killed_at:.1f} s after the kill"
    )
    r = s.get(f"{stack.b}{P}/rapportbestand/{file_id}/download/", timeout=30)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    # Worker 1 back, as its supervisor would do.
    stack.start("w1", [*w1.argv])


def test_reminders_for_ten_regions_are_sent_exactly_once(stack):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(stack.inbox.messages) < len(OUTSTANDING):
        time.sleep(0.2)
    # A second run by hand (cron and the scheduler both, by mistake) adds nothing.
    assert "0 bericht(en)" in stack.run("remind")
    time.sleep(3)
    recipients = Counter(a for m in stack.inbox.messages for a in m.envelope_to)
    assert recipients == Counter({f"coord-{r}@example.org": 1 for r in OUTSTANDING}), recipients
    states = stack.sql("SELECT state, count(*) FROM cycle_reminder GROUP BY state")
    assert states == [("sent", len(OUTSTANDING))], states
    ((runs,),) = stack.sql("SELECT runs FROM core_scheduledjob WHERE name = 'remind'")
    print(
        f"reminders: {len(stack.inbox.messages)} messages to {len(recipients)} addresses, "
        f"scheduler ran remind {runs}×"
    )


def test_publish_on_a_shows_on_b_at_once_and_withdraw_removes_it(stack, national):
    page = f"{P}/ronde/{R2}/"
    assert requests.get(stack.b + page, timeout=30).status_code == 404
    # The published round is cached on B for anonymous visitors.
    for _ in range(2):
        assert requests.get(f"{stack.b}{P}/ronde/{R1}/", timeout=30).status_code == 200
    # Closing and publishing each go through their confirmation page (issue #22).
    r = post_form(national, f"{stack.a}{P}/rondes/{R2}/sluiten/", {"confirm": "1"})
    assert r.status_code == 302
    r = post_form(national, f"{stack.a}{P}/rondes/{R2}/publiceren/", {"confirm": "1"})
    assert r.status_code == 302
    public = requests.get(stack.b + page, timeout=30)
    assert public.status_code == 200 and "Tweede peiling 2011" in public.text
    assert requests.get(stack.b + page, timeout=30).status_code == 200  # now cached on B
    rounds = national.get(f"{stack.a}{P}/rondes/", timeout=30)
    r = national.post(f"{stack.a}{P}/rondes/{R2}/intrekken/", data={
        "csrfmiddlewaretoken": csrf(rounds.text), f"{R2}-reason": "Fout in de cijfers"},
        allow_redirects=False, timeout=30)  # fmt: skip
    assert r.status_code == 302
    assert requests.get(stack.b + page, timeout=30).status_code == 404
    assert requests.get(stack.nginx + page, timeout=30).status_code == 404


def _writes(stack, regions):
    """{region: (note, version, note changes recorded)} of the regions' status."""
    rows = stack.sql(
        "SELECT g.slug, s.note, s.version, (SELECT count(*) FROM programmes_changerecord c "
        " WHERE c.region_id = s.region_id AND c.round_id = s.round_id "
        " AND c.subject = m.name AND c.field = 'note') "
        "FROM programmes_milestonestatus s JOIN programmes_region g ON g.id = s.region_id "
        "JOIN programmes_round r ON r.id = s.round_id "
        "JOIN programmes_milestone m ON m.id = s.milestone_id "
        "WHERE r.slug = %s AND m.key = 'handelingsprotocol' AND g.slug = ANY(%s)",
        (R2, list(regions)),
    )  # fmt: skip
    assert len(rows) == len(regions), rows
    return {region: rest for region, *rest in rows}


def test_killing_server_a_under_load_fails_over_to_b_without_partial_writes(stack):
    """50 clients through nginx, ten of them coordinators saving their region's status
    again and again; server A gets SIGTERM after 2 s and SIGKILL (its whole process
    group) 1 s later. Every save either happened completely (status, version, change
    records) or not at all."""
    # The round is withdrawn by now; open it again for the writers (and raise the data
    # version, as every change through RAAK does, so no server keeps the old state).
    writers = OUTSTANDING  # ten coordinators; their regions have not submitted
    stack.sql("UPDATE programmes_round SET state = 'open' WHERE slug = %s", (R2,))
    stack.sql("UPDATE programmes_programme SET data_version = data_version + 1")
    sessions = {r: login(requests.Session(), stack.nginx, f"coord-{r}") for r in writers}
    baseline = _writes(stack, writers)
    failures, outcomes, confirmed = Counter(), Counter(), {}
    lock = threading.Lock()
    stop = threading.Event()
    readers = [f"{P}/ronde/{R1}/", f"{P}/regio/gouda/", f"{P}/regio/leiden/", f"{P}/activiteiten/"]

    def client(n):
        i = 0
        session = sessions.get(writers[n]) if n < len(writers) else requests.Session()
        while not stop.is_set():
            i += 1
            kind = "POST" if n < len(writers) else "GET"
            try:
                if kind == "POST":
                    note = f"belasting {n}-{i}"
                    r = save_status(session, stack.nginx, writers[n], note)
                    ok = r.status_code == 302
                    if ok:
                        with lock:
                            confirmed[writers[n]] = note
                else:
                    r = session.get(stack.nginx + readers[i % len(readers)], timeout=30)
                    ok = r.status_code == 200
                with lock:
                    outcomes["ok" if ok else f"{kind} {r.status_code}"] += 1
                    if not ok:
                        failures[f"{kind} {r.status_code}"] += 1
            except (requests.RequestException, AssertionError) as e:
                with lock:
                    reason = f"{kind} {type(e).__name__}"
                    failures[reason] += 1
                    outcomes[reason] += 1

    a = stack.procs["a"]
    with ThreadPoolExecutor(LOAD_CLIENTS) as pool:
        for n in range(LOAD_CLIENTS):
            pool.submit(client, n)
        time.sleep(2)
        before_kill = sum(outcomes.values())
        a.signal(signal.SIGTERM)
        time.sleep(1)
        a.signal(signal.SIGKILL, group=True)
        time.sleep(1)
        after_kill = sum(outcomes.values())
        failures_at_kill = sum(failures.values())
        time.sleep(5)
        stop.set()
    total = sum(outcomes.values())
    late_failures = sum(failures.values()) - failures_at_kill
    print(
        f"\nfail-over: {total} requests by {LOAD_CLIENTS} clients; {before_kill} before A was "
        f"stopped, {total - after_kill} after it was gone, all through B"
    )
    print(f"failed requests: {sum(failures.values())} — " +
          (", ".join(f"{k}: {v}" for k, v in failures.most_common()) or "none"))  # fmt: skip
    print(
        "(a POST that A was answering when it was killed comes back 502 from nginx, "
        "which retries only idempotent requests on B)"
    )
    assert total - after_kill > 50, outcomes
    assert late_failures <= 2, failures  # once A is gone, B answers everything
    assert not any(k.endswith(" 500") for k in failures), failures
    # No partial writes: every save bumps the version and records the note change in
    # one transaction, so both moved by the same amount; and the last save a client saw
    # confirmed is there or was overtaken by a later one of the same client.
    after = _writes(stack, writers)
    for region, (note, version, note_changes) in after.items():
        _note0, version0, changes0 = baseline[region]
        assert version - version0 == note_changes - changes0, (
            region,
            after[region],
            baseline[region],
        )
        if region in confirmed:
            n, i = map(int, confirmed[region].rsplit(" ", 1)[1].split("-"))
            m, j = map(int, note.rsplit(" ", 1)[1].split("-"))
            assert m == n and j >= i, (region, note, confirmed[region])
    print(
        f"no partial writes: {sum(a[1] - baseline[r][1] for r, a in after.items())} saves "
        f"of {len(writers)} statuses, each with its change record"
    )
    health = requests.get(stack.nginx + "/gezond/gereed", timeout=10)
    assert health.status_code == 200
