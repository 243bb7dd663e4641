"""Load test against `raak serve` (gunicorn, gthread): throughput, latency, memory.

A bounded Python client (threads + http.client, no external tool). It loads the demo
programme and a generated 1,000-region programme (fictieve gegevens) into the database
given by DATABASE_URL (default: a fresh SQLite file in bench/results/), opens a round,
starts `raak serve` on a free port and measures, in one run:

1. Throughput (issue #12 goals 1 and 2): for each page, CONNECTIONS keep-alive clients
   without pauses for SECONDS; requests per second as a ratio to the trivial view
   `/gezond` measured in the same run (before and after; the mean). Published pages
   (anonymous) must reach 0.5 of it, open-round pages (signed in) 0.1. Each page is
   first requested WORKERS × THREADS × 2 times, uncounted, as on a running server.
2. Latency: CLIENTS concurrent clients × REQUESTS requests with a think time of THINK s
   on the published national picture and a coordinator's status form; p95 < 300 ms.
   Clients arrive spread over the first think time (as locust's spawn rate does), not
   all in the same millisecond: a hundred first requests at one instant is a burst
   test, not a hundred people working.
3. Memory (goal 7): the summed resident memory (VmRSS, /proc) of the gunicorn workers
   after 1,000 and after 10,000 requests to published pages, with worker recycling
   off; growth beyond MEMORY_TOLERANCE (fraction) fails.

Figures go into docs/performance.md. Exits non-zero when a goal is missed, a request
fails, or a figure cannot be measured.

    python bench/load.py                       # SQLite
    DATABASE_URL=postgres://... python bench/load.py   # that database is emptied of the demo
    SECONDS=3 CONNECTIONS=8 CLIENTS=100 REQUESTS=10 THINK=1 WORKERS=5 python bench/load.py
"""

import gzip
import http.client
import itertools
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import zlib
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generated import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "docs" / "performance.md"
RAAK = [sys.executable, "-m", "raak.cli"]
GOAL_P95_MS = 300
GOAL_PUBLISHED = 0.5  # of the trivial view's requests per second
GOAL_OPEN = 0.1
PROGRAMME = "raak-2008-2010"
PUBLISHED = "eindrapportage-2011"
ROUND = "bench-2011"
LARGE = "bench-1000"
MEMORY_TOLERANCE = float(os.environ.get("MEMORY_TOLERANCE", "0.05"))

CLIENTS = int(os.environ.get("CLIENTS", "100"))
REQUESTS = int(os.environ.get("REQUESTS", "10"))
SECONDS = float(os.environ.get("SECONDS", "3"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "8"))
THINK = float(os.environ.get("THINK", "1.0"))
WORKERS = int(os.environ.get("WORKERS", str(min(2 * (os.cpu_count() or 1) + 1, 9))))
THREADS = int(os.environ.get("THREADS", "4"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment():
    env = dict(os.environ)
    if "DATABASE_URL" not in env:
        RESULTS.mkdir(parents=True, exist_ok=True)
        db = RESULTS / "load.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{db}"
    # Persistent connections, as docs/deployment.md advises for PostgreSQL.
    env.setdefault("DB_CONN_MAX_AGE", "60")
    # No worker recycling: memory growth per request must show, not be reset.
    env["RAAK_MAX_REQUESTS"] = "0"
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50), DEBUG="0", ALLOWED_HOSTS="127.0.0.1",
        SESSION_IDLE_MINUTES="120", RAAK_DATA_DIR=str(RESULTS), LOG_LEVEL="ERROR",
        SECURITY_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT),
        EMAIL_HOST="127.0.0.1",  # the deploy check wants a real mailer; none is used
        SITE_URL="http://127.0.0.1",  # and the address links in e-mail start with
        ALLOW_INSECURE_HTTP="1",  # plain HTTP to 127.0.0.1 on purpose
        SECURITY_CONTACT="mailto:security@example.org",  # security.txt, required to start
    )  # fmt: skip
    return env


PREPARE = f"""
from datetime import date
from django_otp.plugins.otp_totp.models import TOTPDevice
from raak.accounts.models import Role
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.models import Programme
from raak.programmes.status import open_round
p = Programme.objects.get(slug={PROGRAMME!r})
national = Role.objects.filter(programme=p, kind=Role.NATIONAL).first().user
if not p.rounds.filter(slug={ROUND!r}).exists():
    open_round(p, slug={ROUND!r}, name="Bench 2011", peildatum=date(2011, 6, 1), user=national)
for r in Role.objects.filter(programme=p, kind=Role.COORDINATOR).select_related("region", "user"):
    print("COORD", r.user.username, r.region.slug)
device = TOTPDevice.objects.filter(user=national, confirmed=True).first()
device = device or TOTPDevice.objects.create(user=national, name="bench", confirmed=True)
print("NATIONAL", national.username, device.key, device.step, device.digits)
# The published round's report, published as the national office does (raak/reports).
from django.utils import timezone
from raak.programmes.history import Recorder
from raak.reports.models import Report
published = p.rounds.get(slug={PUBLISHED!r})
template = p.report_templates.first()
Report.objects.filter(round=published).delete()
Report.objects.create(programme=p, round=published, template=template, chapters=template.chapters,
                      title="Eindrapportage (bench)", state=Report.PUBLISHED,
                      published_at=timezone.now(), published_by=national)
recorder = Recorder(national, programme=p)
recorder.record(subject="rapport " + published.slug, field="status", new="gepubliceerd",
                round=published)
recorder.flush()
Programme.objects.filter(slug={LARGE!r}).delete()
import_programme(tables.read({str(RESULTS / (LARGE + ".json"))!r}), actor="bench")
"""


def prepare(env):
    (RESULTS / f"{LARGE}.json").write_text(json.dumps(generate(LARGE, 1000, 2)))
    run = dict(env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    subprocess.run([*RAAK, "migrate", "--no-input", "-v0"], **run)
    subprocess.run([*RAAK, "demo", "--no-serve", "--reset"], **run)
    out = subprocess.run([*RAAK, "shell", "-c", PREPARE], **run).stdout.splitlines()
    coordinators = [line.split()[1:] for line in out if line.startswith("COORD ")]
    national = next(line.split()[1:] for line in out if line.startswith("NATIONAL "))
    return coordinators, national


def start_server(env, port):
    log = open(RESULTS / "load-server.log", "w")  # noqa: SIM115 (kept open for the server)
    server = subprocess.Popen(
        [*RAAK, "serve", "--port", str(port), "--workers", str(WORKERS), "--threads", str(THREADS)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(120):
        try:
            status, _body, _h = get(port, "/gezond")
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"raak serve stopped; see {RESULTS / 'load-server.log'}")
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("raak serve did not answer /gezond within 60 s")


def get(port, path, cookies=None, conn=None, checked=None, expect=b""):
    """(status, body, headers). With `checked` (a set kept by one client), a compressed
    body byte for byte equal to one that passed the check before (status 200, `expect`
    in the inflated body) comes back as CHECKED without being inflated again: the client
    shares the server's two cores, and inflating 70 KB into 600 KB on every request
    measured the client, not the server. Any other body is inflated and checked."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    # As a browser asks: public pages come compressed from the cache.
    headers = {"Accept-Encoding": "gzip"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.headers.get("Content-Encoding") == "gzip":
        if checked is not None and body in checked:
            return response.status, CHECKED, response.headers
        raw, body = body, gzip.decompress(body)
        if checked is not None and response.status == 200 and expect in body:
            if len(checked) < 16:  # a page has one or two representations
                checked.add(raw)
    if own:
        conn.close()
    return response.status, body, response.headers


CHECKED = object()  # a body equal to one that passed the check


def set_cookies(headers, cookies):
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]


def _post(conn, port, path, fields, cookies):
    conn.request("POST", path, body=urlencode(fields), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Referer": f"http://127.0.0.1:{port}{path}",
    })  # fmt: skip
    response = conn.getresponse()
    response.read()
    set_cookies(response.headers, cookies)
    return response


def _csrf(body):
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()


def sign_in(port, username, totp=None):
    """The real login form: CSRF token, password, and for the national office the
    second step with a code from its TOTP device (`totp`: key, step, digits)."""
    cookies = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    _status, body, headers = get(port, "/inloggen/", conn=conn)
    set_cookies(headers, cookies)
    fields = {"csrfmiddlewaretoken": _csrf(body), "username": username, "password": "raak-demo"}
    response = _post(conn, port, "/inloggen/", fields, cookies)
    if response.status == 302 and totp:
        from django_otp.oath import totp as totp_code  # pure functions, no Django set-up

        key, step, digits = totp
        _status, body, _h = get(port, "/inloggen/code/", cookies, conn)
        code = str(totp_code(bytes.fromhex(key), step=int(step), digits=int(digits)))
        fields = {"csrfmiddlewaretoken": _csrf(body), "code": code.zfill(int(digits))}
        response = _post(conn, port, "/inloggen/code/", fields, cookies)
    conn.close()
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login of {username} failed: HTTP {response.status}")
    return cookies


def warm_up(port, path, n, cookies=None):
    """`n` requests at once, so that every worker has made the page once."""
    threads = [
        threading.Thread(target=get, args=(port, path, cookies), daemon=True) for _ in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def hammer(port, paths, cookies=None, expect=b"", seconds=None, count=None):
    """CONNECTIONS keep-alive clients without pauses, cycling through `paths`, for
    `seconds` or until `count` requests are done. (requests/s, errors), or None."""
    done, errors, lock = [0], [], threading.Lock()
    stop_at = [None]
    start_gate = threading.Barrier(CONNECTIONS + 1)

    def client(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        checked = set()  # compressed bodies this client decompressed and found complete
        start_gate.wait()
        for path in itertools.islice(itertools.cycle(paths), offset, None):
            if (seconds and time.perf_counter() >= stop_at[0]) or (count and done[0] >= count):
                break
            try:
                status, body, _h = get(port, path, cookies, conn, checked, expect)
                complete = body is CHECKED or expect in body
                problem = None if status == 200 and complete else f"HTTP {status} {path}"
            except (OSError, http.client.HTTPException, EOFError, zlib.error) as e:
                problem = f"{type(e).__name__} {path}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                done[0] += 1
                if problem:
                    errors.append(problem)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CONNECTIONS)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    stop_at[0] = t0 + (seconds or 0)
    start_gate.wait()
    for t in threads:
        t.join(timeout=(seconds or 0) + 300)
    wall = time.perf_counter() - t0
    if not done[0] or any(t.is_alive() for t in threads):
        return None
    return done[0] / wall, errors


def worker_memory(server):
    """Summed VmRSS (MB) of the gunicorn master's children, from /proc."""
    total, workers = 0, 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != server.pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        total, workers = total + kb, workers + 1
    return (total / 1024, workers) if workers else None


def scenario(port, targets):
    """`targets`: one (path, cookies, expected text) per client."""
    latencies, errors, lock = [], [], threading.Lock()
    start_gate = threading.Barrier(len(targets) + 1)

    def client(path, cookies, expect):
        rnd = random.Random(path + str(id(cookies)))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start_gate.wait()
        if THINK:
            time.sleep(THINK * rnd.uniform(0, 1))  # arrivals spread, see the docstring
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            try:
                status, body, _h = get(port, path, cookies, conn)
                ok = status == 200 and expect in body
                problem = None if ok else f"HTTP {status}"
            except (OSError, http.client.HTTPException, EOFError, zlib.error) as e:
                problem = type(e).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(ms)
                if problem:
                    errors.append(problem)
            if THINK:
                time.sleep(THINK * rnd.uniform(0.5, 1.5))
        conn.close()

    threads = [threading.Thread(target=client, args=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    start_gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if len(latencies) != len(targets) * REQUESTS:
        return None
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p95": q[94],
        "max": max(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


PUBLISHED_PAGES = [
    ("national picture, 37 regions", f"/{PROGRAMME}/ronde/{PUBLISHED}/"),
    ("map page, 37 regions", f"/{PROGRAMME}/ronde/{PUBLISHED}/kaarten/"),
    ("region page, 37 regions", f"/{PROGRAMME}/regio/gouda/"),
    ("forecast, 37 regions", f"/{PROGRAMME}/verwacht/"),
    ("activity catalogue", f"/{PROGRAMME}/activiteiten/"),
    ("published report, 37 regions", f"/{PROGRAMME}/rapporten/{PUBLISHED}/"),
    ("a region's published report", f"/{PROGRAMME}/rapporten/{PUBLISHED}/regio/gouda/"),
    ("national picture, 1,000 regions", f"/{LARGE}/ronde/ronde-02/"),
    ("map page, 1,000 regions", f"/{LARGE}/ronde/ronde-02/kaarten/?kaart=m0"),
    ("region page, 1,000 regions", f"/{LARGE}/regio/r0500/"),
    ("forecast, 1,000 regions", f"/{LARGE}/verwacht/"),
]


def throughput(port, national, coordinator, region, published=True):
    """Rows (page, who, req/s, ratio, goal, errors) and the trivial view's req/s."""
    open_pages = [
        ("national picture of the open round", "national office", f"/{PROGRAMME}/ronde/{ROUND}/",
         national),
        ("region page", "coordinator", f"/{PROGRAMME}/regio/{region}/", coordinator),
        ("status form in the open round", "coordinator",
         f"/{PROGRAMME}/ronde/{ROUND}/regio/{region}/mijlpaal/werkplan/", coordinator),
    ]  # fmt: skip
    pages = [(name, "anonymous", path, None) for name, path in PUBLISHED_PAGES] if published else []
    pages += open_pages
    warm_up(port, "/gezond", WORKERS * THREADS)
    first = hammer(port, ["/gezond"], expect=b"ok", seconds=SECONDS)
    rows = []
    for name, who, path, cookies in pages:
        print(f"throughput: {name} ({who}) ...", flush=True)
        warm_up(port, path, WORKERS * THREADS * 2, cookies)
        measured = hammer(port, [path], cookies, b"</html>", seconds=SECONDS)
        rows.append((name, who, path, measured))
    last = hammer(port, ["/gezond"], expect=b"ok", seconds=SECONDS)
    if first is None or last is None:
        return None, rows
    return (first[0] + last[0]) / 2, rows


def memory(port, server):
    """Workers' RSS after 1,000 and after 10,000 requests to the published pages."""
    paths = [path for _name, path in PUBLISHED_PAGES]
    samples = []
    for count in (1000, 9000):
        print(f"memory: {count} requests ...", flush=True)
        if hammer(port, paths, expect=b"</html>", count=count) is None:
            return None
        samples.append(worker_memory(server))
    if None in samples:
        return None
    return samples


def write_report(vendor, trivial, rows, latency, mem, load_before, load_after):
    """The section for `vendor` in docs/performance.md; returns the list of failures."""
    failures = []
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}")  # fmt: skip
    lines = [
        f"<!-- load:{vendor} -->",
        f"### `raak serve` under load: {vendor} — {date.today().isoformat()}",
        "",
        f"`bench/load.py`: `raak serve` with {WORKERS} gunicorn workers × {THREADS} threads "
        f"(gthread), client and server on the same machine ({machine}). Machine load average "
        f"(1 min) before the run {load_before:.1f}, after {load_after:.1f}.",
        "",
        f"Throughput: {CONNECTIONS} keep-alive clients without pauses, {SECONDS:g} s per page. "
        f"Goal: published pages (anonymous) ≥ {GOAL_PUBLISHED:g} × the trivial view, "
        f"open-round pages (signed in) ≥ {GOAL_OPEN:g} ×.",
        "",
        "| page | who | req/s | ratio to trivial | goal | errors | goal met |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    if trivial is None:
        failures.append("trivial view: not measured")
        lines.append("| trivial view `/gezond` | anonymous | – | – | – | – | no: not measured |")
    else:
        lines.append(f"| trivial view `/gezond` | anonymous | {trivial:.0f} | 1.00 | – | 0 | – |")
    for name, who, _path, measured in rows:
        goal = GOAL_PUBLISHED if who == "anonymous" else GOAL_OPEN
        if measured is None or trivial is None:
            failures.append(f"{name}: not measured")
            lines.append(f"| {name} | {who} | – | – | {goal:g} | – | no: not measured |")
            continue
        rps, errors = measured
        met = rps / trivial >= goal and not errors
        if not met:
            failures.append(f"{name} ({who}): {rps / trivial:.2f} of trivial, {len(errors)} errors")
        lines.append(f"| {name} | {who} | {rps:.0f} | {rps / trivial:.2f} | {goal:g} | "
                     f"{len(errors)} | {'yes' if met else 'no'} |")  # fmt: skip
    lines += [
        "",
        f"Latency: {CLIENTS} concurrent clients × {REQUESTS} requests, think time {THINK:g} s "
        f"(0.5×–1.5×); clients arrive spread over the first think time. Goal: p95 < "
        f"{GOAL_P95_MS} ms, 0 errors.",
        "",
        "| scenario | requests | req/s | p50 (ms) | p95 (ms) | max (ms) | errors | goal met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in latency.items():
        if r is None:
            failures.append(f"{name}: not measured")
            lines.append(f"| {name} | – | – | – | – | – | – | no: not measured |")
            continue
        met = r["p95"] < GOAL_P95_MS and r["errors"] == 0
        if not met:
            failures.append(f"{name}: p95 {r['p95']:.0f} ms, {r['errors']} errors")
        lines.append(
            f"| {name} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['max']:.0f} | {r['errors']} | {'yes' if met else 'no'} |"
        )
    lines.append("")
    if mem is None:
        failures.append("memory: not measured")
        lines.append("Memory: **not measured**.")
    else:
        (first, workers), (last, _w) = mem
        growth = (last - first) / first
        met = growth <= MEMORY_TOLERANCE
        if not met:
            failures.append(f"memory grew {growth:.1%}")
        lines.append(
            f"Memory (VmRSS of the {workers} workers together, recycling off): {first:.0f} MB "
            f"after 1,000 requests to the published pages, {last:.0f} MB after 10,000 "
            f"({growth:+.1%}; tolerance {MEMORY_TOLERANCE:.0%}): "
            f"**{'flat' if met else 'grows'}**."
        )
    lines += [f"<!-- /load:{vendor} -->", ""]
    block = "\n".join(lines)
    text = REPORT.read_text()
    pattern = re.compile(rf"<!-- load:{vendor} -->.*?<!-- /load:{vendor} -->\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    REPORT.write_text(text)
    print(block)
    return failures


def arguments():
    import argparse

    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Settings by environment variable: DATABASE_URL, SECONDS, CONNECTIONS, CLIENTS, "
        "REQUESTS, THINK, WORKERS, THREADS, MEMORY_TOLERANCE (see the module's docstring), PORT "
        "(the server's; a free one by default).",
    )
    parser.add_argument(
        "--open-only", action="store_true",
        help="measure only the open-round pages of signed-in members against /gezond "
        "(issue #12 goal 2); prints the figures and leaves docs/performance.md alone",
    )  # fmt: skip
    return parser.parse_args()


def open_only(port, sessions, national_session, load_before):
    trivial, rows = throughput(port, national_session, *sessions[0], published=False)
    failures = [] if trivial else ["the trivial view could not be measured"]
    print(f"\n/gezond: {trivial or 0:.1f} req/s; load average (1 min) before "
          f"{load_before:.1f}, now {os.getloadavg()[0]:.1f}")  # fmt: skip
    for name, who, _path, measured in rows:
        if measured is None or not trivial:
            failures.append(f"{name}: not measured")
            continue
        rate, errors = measured
        ratio = rate / trivial
        print(f"{name} ({who}): {rate:.1f} req/s, {ratio:.3f} × /gezond, {len(errors)} errors")
        if ratio < GOAL_OPEN or errors:
            failures.append(f"{name}: {ratio:.3f} × (goal {GOAL_OPEN:g}), {len(errors)} errors")
    return failures


def main():
    args = arguments()
    # A terminated bench (Ctrl-C, timeout) still stops the server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    env = environment()
    vendor = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    load_before = os.getloadavg()[0]
    print(f"preparing the demo and a 1,000-region programme on {vendor} ...", flush=True)
    coordinators, national = prepare(env)
    port = int(os.environ.get("PORT") or free_port())  # PORT: on a shared machine, your own
    server = start_server(env, port)
    latency, mem = {}, None
    try:
        # Ten sessions shared round-robin: each login costs a password hash.
        sessions = [(sign_in(port, user), region) for user, region in coordinators[:10]]
        national_session = sign_in(port, national[0], national[1:])
        if args.open_only:
            failures = open_only(port, sessions, national_session, load_before)
            for failure in failures:
                print(f"MISSED: {failure}")
            return 1 if failures else 0
        trivial, rows = throughput(port, national_session, *sessions[0])
        page = f"/{PROGRAMME}/ronde/{PUBLISHED}/"
        print(f"latency: national picture, {CLIENTS} clients ...", flush=True)
        latency["national picture (anonymous)"] = scenario(
            port, [(page, None, b"</html>")] * CLIENTS
        )
        targets = []
        for i in range(CLIENTS):
            cookies, region = sessions[i % len(sessions)]
            path = f"/{PROGRAMME}/ronde/{ROUND}/regio/{region}/mijlpaal/werkplan/"
            targets.append((path, cookies, b"csrfmiddlewaretoken"))
        # Each coordinator's form once per worker thread first, uncounted, as the
        # throughput pages are: a running server has drawn them before.
        for path in sorted({t[0] for t in targets}):
            cookies = next(t[1] for t in targets if t[0] == path)
            warm_up(port, path, WORKERS * THREADS, cookies)
        print(f"latency: coordinator's status form, {CLIENTS} clients ...", flush=True)
        latency["coordinator's status form (signed in)"] = scenario(port, targets)
        mem = memory(port, server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    failures = write_report(vendor, trivial, rows, latency, mem, load_before, os.getloadavg()[0])
    for failure in failures:
        print(f"MISSED: {failure}")
    print(f"figures written to {REPORT.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
