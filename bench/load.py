"""Load test: 100 concurrent clients against `raak serve` (gunicorn, gthread).

A bounded Python client (threads + http.client, no external tool). It loads the demo
programme into the database given by DATABASE_URL (default: a fresh SQLite file in
bench/results/), opens a round, starts `raak serve` on a free port and measures two
scenarios, each with CLIENTS concurrent clients making REQUESTS requests apiece:

- `national`: anonymous visitors of the published national picture;
- `edit-form`: coordinators (one signed-in session per demo coordinator, shared
  round-robin) opening their region's status form in the open round.

The published picture is first requested WORKERS × THREADS × 2 times at once, not
counted, so every worker has it cached as on a running server. Each client waits THINK seconds (uniform 0.5×–1.5×) between requests, as a person
does; THINK=0 hammers. Figures (req/s, p50, p95, errors) go into docs/performance.md.
Exits non-zero when p95 ≥ 300 ms, any request fails, or a figure cannot be measured.

    python bench/load.py                       # SQLite
    DATABASE_URL=postgres://... python bench/load.py   # that database is emptied of the demo
    CLIENTS=100 REQUESTS=20 THINK=1 WORKERS=5 python bench/load.py
"""

import http.client
import os
import platform
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "docs" / "performance.md"
RAAK = [sys.executable, "-m", "raak.cli"]
GOAL_P95_MS = 300
PROGRAMME = "raak-2008-2010"
ROUND = "bench-2011"

CLIENTS = int(os.environ.get("CLIENTS", "100"))
REQUESTS = int(os.environ.get("REQUESTS", "20"))
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
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50), DEBUG="0", ALLOWED_HOSTS="127.0.0.1",
        SESSION_IDLE_MINUTES="120", RAAK_DATA_DIR=str(RESULTS), LOG_LEVEL="ERROR",
        SECURITY_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT),
    )  # fmt: skip
    return env


PREPARE = f"""
from datetime import date
from raak.accounts.models import Role
from raak.programmes.models import Programme
from raak.programmes.status import open_round
p = Programme.objects.get(slug={PROGRAMME!r})
national = Role.objects.filter(programme=p, kind=Role.NATIONAL).first().user
if not p.rounds.filter(slug={ROUND!r}).exists():
    open_round(p, slug={ROUND!r}, name="Bench 2011", peildatum=date(2011, 6, 1), user=national)
for r in Role.objects.filter(programme=p, kind=Role.COORDINATOR).select_related("region", "user"):
    print("COORD", r.user.username, r.region.slug)
"""


def prepare(env):
    run = dict(env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    subprocess.run([*RAAK, "migrate", "--no-input", "-v0"], **run)
    subprocess.run([*RAAK, "demo", "--no-serve", "--reset"], **run)
    out = subprocess.run([*RAAK, "shell", "-c", PREPARE], **run).stdout
    return [line.split()[1:] for line in out.splitlines() if line.startswith("COORD ")]


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


def get(port, path, cookies=None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if own:
        conn.close()
    return response.status, body, response.headers


def set_cookies(headers, cookies):
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]


def sign_in(port, username):
    """The real login form: CSRF token, password (demo coordinators have no 2FA)."""
    cookies = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, body, headers = get(port, "/inloggen/", conn=conn)
    set_cookies(headers, cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": "raak-demo"})
    conn.request("POST", "/inloggen/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Referer": f"http://127.0.0.1:{port}/inloggen/",
    })  # fmt: skip
    response = conn.getresponse()
    response.read()
    set_cookies(response.headers, cookies)
    conn.close()
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login of {username} failed: HTTP {response.status}")
    return cookies


def warm_up(port, path, n):
    """`n` requests at once, so that every worker has made the page once."""
    threads = [threading.Thread(target=get, args=(port, path), daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def scenario(port, targets):
    """`targets`: one (path, cookies, expected text) per client."""
    latencies, errors, lock = [], [], threading.Lock()
    start_gate = threading.Barrier(len(targets) + 1)

    def client(path, cookies, expect):
        rnd = random.Random(path + str(id(cookies)))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start_gate.wait()
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            try:
                status, body, _h = get(port, path, cookies, conn)
                ok = status == 200 and expect in body
                problem = None if ok else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as e:
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


def write_report(vendor, results, load_before, load_after):
    today = date.today().isoformat()
    lines = [
        f"<!-- load:{vendor} -->",
        f"### `raak serve` under load: {vendor} — {today}",
        "",
        f"`bench/load.py`: {CLIENTS} concurrent clients × {REQUESTS} requests, think time "
        f"{THINK:g} s (0.5×–1.5×) between requests; `raak serve` with {WORKERS} gunicorn "
        f"workers × {THREADS} threads (gthread); client and server on the same machine "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}). "
        f"Goal: p95 < {GOAL_P95_MS} ms, 0 errors. Machine load average (1 min) before the "
        f"run {load_before:.1f}, after {load_after:.1f}: other jobs shared the cores.",
        "",
        "| scenario | requests | req/s | p50 (ms) | p95 (ms) | max (ms) | errors | goal met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        if r is None:
            lines.append(f"| {name} | – | – | – | – | – | – | no: not measured |")
            continue
        met = r["p95"] < GOAL_P95_MS and r["errors"] == 0
        lines.append(
            f"| {name} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['max']:.0f} | {r['errors']} | {'yes' if met else 'no'} |"
        )
    lines += [f"<!-- /load:{vendor} -->", ""]
    block = "\n".join(lines)
    text = REPORT.read_text()
    pattern = re.compile(rf"<!-- load:{vendor} -->.*?<!-- /load:{vendor} -->\n?", re.S)
    text = pattern.sub(block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    REPORT.write_text(text)


def main():
    env = environment()
    vendor = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    load_before = os.getloadavg()[0]
    print(f"preparing the demo on {vendor} ...", flush=True)
    coordinators = prepare(env)
    port = free_port()
    server = start_server(env, port)
    results = {}
    try:
        sessions = [(sign_in(port, user), region) for user, region in coordinators]
        national = f"/{PROGRAMME}/ronde/eindrapportage-2011/"
        targets = [(national, None, b"Landelijk beeld")] * CLIENTS
        # Not counted: a running server has its public pages cached (each gunicorn worker
        # keeps its own memory cache unless CACHE_URL shares one), a fresh one has not.
        warm_up(port, national, WORKERS * THREADS * 2)
        print(f"national picture: {CLIENTS} clients ...", flush=True)
        results["national picture (anonymous)"] = scenario(port, targets)
        targets = []
        for i in range(CLIENTS):
            cookies, region = sessions[i % len(sessions)]
            path = f"/{PROGRAMME}/ronde/{ROUND}/regio/{region}/mijlpaal/werkplan/"
            targets.append((path, cookies, b"csrfmiddlewaretoken"))
        print(f"coordinator edit form: {CLIENTS} clients ...", flush=True)
        results["coordinator's edit form (signed in)"] = scenario(port, targets)
    finally:
        server.terminate()
        server.wait(timeout=30)
    write_report(vendor, results, load_before, os.getloadavg()[0])
    failed = False
    for name, r in results.items():
        if r is None:
            print(f"{name}: NOT MEASURED")
            failed = True
            continue
        print(f"{name}: {r['rps']:.1f} req/s, p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
              f"errors {r['errors']} {r['error_kinds'] or ''}")  # fmt: skip
        failed |= r["p95"] >= GOAL_P95_MS or r["errors"] > 0
    print(f"figures written to {REPORT.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
