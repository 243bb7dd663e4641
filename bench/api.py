"""API benchmark: every list endpoint's query count at 37 and at 1,000 regions (it
must not grow), and the throughput of the published summary endpoint as a ratio to
the trivial view (/gezond). Appends to docs/performance.md.

    .venv/bin/python bench/api.py
    DATABASE_URL=postgres://... .venv/bin/python bench/api.py   # the database is emptied!
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, ROOT, analyse, setup  # noqa: E402

setup("api")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from run import generate  # noqa: E402

from raak.programmes import tables  # noqa: E402
from raak.programmes.importing import import_programme  # noqa: E402
from raak.programmes.models import Programme  # noqa: E402

SIZES = (37, 1000)
ROUND = "ronde-01"


def endpoints(slug):
    p = f"/api/v1/programmes/{slug}"
    return {
        "programmes": "/api/v1/programmes?pageSize=100",
        "regions": f"{p}/regions?pageSize=100",
        "milestones": f"{p}/milestones?pageSize=100",
        "indicators": f"{p}/indicators?pageSize=100",
        "rounds": f"{p}/rounds?pageSize=100",
        "summary": f"{p}/rounds/{ROUND}/summary",
        "statuses": f"{p}/rounds/{ROUND}/statuses?pageSize=100",
        "indicator-values": f"{p}/rounds/{ROUND}/indicator-values?pageSize=100",
        "region statuses": f"{p}/rounds/{ROUND}/regions/r0001/statuses?pageSize=100",
        "forecast": f"{p}/forecast?pageSize=100",
        "activities": f"{p}/activities?pageSize=100&q=meldcode",
        "action-points": f"{p}/action-points?pageSize=100",
    }


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput(port, path, seconds=5, threads=4):
    """Requests per second with `threads` keep-alive clients for `seconds` (bounded)."""
    done, stop = [0] * threads, time.perf_counter() + seconds

    def worker(i):
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < stop:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status}")
            done[i] += 1
        conn.close()

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.perf_counter() - start)


def serve_and_measure(paths):
    port = free_port()
    env = dict(os.environ, SECRET_KEY=os.environ.get("SECRET_KEY", "bench-" + "x" * 50),
               LOG_LEVEL="ERROR")  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "raak.cli", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        throughput(port, "/gezond", seconds=1)  # warm up
        return {name: throughput(port, path) for name, path in paths.items()}
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    call_command("migrate", verbosity=0)
    client = Client(SERVER_NAME="127.0.0.1")
    counts = {}
    for regions in SIZES:
        slug = f"bench-api-{regions}"
        Programme.objects.filter(slug=slug).delete()
        tmp = RESULTS / f"{slug}.json"
        tmp.write_text(json.dumps(generate(slug, regions, rounds=2)))
        import_programme(tables.read(tmp), actor="bench")
        tmp.unlink()
        analyse()
        counts[regions] = {n: count_queries(client, u) for n, u in endpoints(slug).items()}
    rates = serve_and_measure({
        "trivial view `/gezond`": "/gezond",
        "summary, 37 regions": endpoints("bench-api-37")["summary"],
        "summary, 1,000 regions": endpoints("bench-api-1000")["summary"],
    })  # fmt: skip
    same = counts[37] == counts[1000]
    trivial = rates["trivial view `/gezond`"]
    lines = [
        f"## API, {connection.vendor} — {date.today().isoformat()}", "",
        "`bench/api.py`: generated programmes (fictieve gegevens), 7 milestones, 2 indicators, "
        "2 rounds; anonymous requests, `pageSize=100`.", "",
        "| endpoint | queries at 37 regions | queries at 1,000 regions |", "|---|---:|---:|",
        *[f"| {n} | {counts[37][n]} | {counts[1000][n]} |" for n in counts[37]], "",
        "Query counts are the same at 37 and 1,000 regions." if same
        else "**Query counts differ between 37 and 1,000 regions: a regression.**", "",
        "Throughput: 4 keep-alive clients for 5 s against one `raak runserver --noreload` "
        "on 127.0.0.1 (client and server on the same 2 cores).", "",
        "| request | requests/s | ratio to trivial view |", "|---|---:|---:|",
        *[f"| {n} | {r:.1f} | {r / trivial:.3f} |" for n, r in rates.items()], "",
    ]  # fmt: skip
    section = "\n".join(lines)
    doc = ROOT / "docs" / "performance.md"
    marker = f"API, {connection.vendor}"
    kept = [s for s in doc.read_text().split("\n## ") if not s.startswith(marker)]
    doc.write_text("\n## ".join(kept).rstrip() + "\n\n" + section)
    print(section)
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
