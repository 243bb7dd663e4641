"""RAAK benchmarks: import, `raak summary`, the national page and its map page, at 37
and at 1,000 regions x 10 rounds. Writes docs/performance.md. Exits non-zero when the
query counts grow with regions or the national page at 1,000 regions takes 150 ms or more.

    python bench/run.py                          # SQLite (a fresh file under bench/results)
    DATABASE_URL=postgres://... python bench/run.py   # PostgreSQL (the database is emptied!)
    make bench                                   # every bench, SQLite and PostgreSQL

The generated programmes are fictional ("fictieve gegevens") and never touch the
demo database. Query counts are what matters most: they must not grow with regions.
"""

import json
import os
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, analyse, setup  # noqa: E402
from generated import generate  # noqa: E402

setup("bench")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402

from raak.programmes import tables  # noqa: E402
from raak.programmes.importing import import_programme  # noqa: E402
from raak.programmes.models import Programme, Round  # noqa: E402
from raak.programmes.summary import summarise  # noqa: E402

console = Console()
IMPORT_GOAL_S = 5  # issue #12: a 1,000-region x 10-round programme, both databases
MISSED = []
PAGE_GOAL_S = 0.150  # issue #12: the national picture at 1,000 regions, uncached


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_timed(fn, repeat=5):
    """This process's CPU time (median): on a shared machine it shows what the page
    costs when wall time mostly measures the neighbours (SQL run by PostgreSQL is not
    in it)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def measure(regions, rounds=10):
    slug = f"bench-{regions}"
    Programme.objects.filter(slug=slug).delete()
    tmp = Path(tempfile.mkdtemp()) / f"{slug}.json"
    tmp.write_text(json.dumps(generate(slug, regions, rounds)))
    start = time.perf_counter()
    import_programme(tables.read(tmp), actor="bench")
    import_seconds = time.perf_counter() - start
    if regions >= 1000 and rounds >= 10:
        met = import_seconds < IMPORT_GOAL_S
        console.print(
            f"Import of {regions:,} regions x {rounds} rounds: {import_seconds:.2f} s, goal "
            f"< {IMPORT_GOAL_S} s: {'met' if met else 'MISSED'}"
        )
        if not met:
            MISSED.append(f"import {import_seconds:.2f} s >= {IMPORT_GOAL_S} s")
    shutil.rmtree(tmp.parent)

    latest = Round.objects.filter(programme__slug=slug).order_by("-peildatum").first()
    analyse()
    url = f"/{slug}/ronde/{latest.slug}/"
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get(url).status_code == 200

    map_url = f"/{slug}/ronde/{latest.slug}/kaarten/?kaart=m0"

    def bump():
        Programme.objects.filter(slug=slug).update(data_version=F("data_version") + 1)

    def uncached(path):
        # The first request after a data change (as a recorded change raises the data
        # version): the page and its map are made anew.
        def get():
            bump()
            assert client.get(path).status_code == 200

        return get

    def summary_command():
        call_command(
            "summary", "--programme", slug, "--format", "json", stdout=open(os.devnull, "w")
        )

    return {
        "regions": regions,
        "rounds": rounds,
        "statuses": regions * rounds * 7,
        "import_s": import_seconds,
        "summary_s": timed(summary_command),
        "summary_queries": queries(lambda: summarise(latest)),
        "page_s": timed(uncached(url)),
        "page_cpu_s": cpu_timed(uncached(url)),
        "page_queries": bump() or queries(lambda: client.get(url)),
        "map_s": timed(uncached(map_url)),
        "url": url,
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    results = []
    with Progress(console=console) as progress:
        task = progress.add_task("benchmarks", total=2)
        for regions in (37, 1000):
            results.append(measure(regions))
            progress.advance(task)
    # Load figures (requests per second as a ratio to /gezond) come from bench/load.py,
    # which brings its own client and fails when it cannot measure.
    write_report(vendor, results)
    if MISSED:
        sys.exit("goal missed: " + "; ".join(MISSED))


def write_report(vendor, results):
    small, big = results
    lines = [
        f"## {vendor} — {date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{vendor}. Generated programmes (fictieve gegevens): 7 milestones, 2 indicators, 10 rounds.",
        "",
        "National page and map page: server time of the first request after a data change "
        "(the data version raised before each), median of 5.",
        "",
        f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "| regions | statuses | import (s) | `raak summary` (s) | summary queries | national page (ms) | its CPU (ms) | page queries | map page (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['regions']} | {r['statuses']:,} | {r['import_s']:.2f} | {r['summary_s']:.3f} | "
            f"{r['summary_queries']} | {r['page_s'] * 1000:.0f} | {r['page_cpu_s'] * 1000:.0f} | "
            f"{r['page_queries']} | "
            f"{r['map_s'] * 1000:.0f} |"
        )
    lines.append("")
    page_met = big["page_s"] < PAGE_GOAL_S
    lines.append(
        f"National page at {big['regions']:,} regions: {big['page_s'] * 1000:.0f} ms, goal "
        f"< {PAGE_GOAL_S * 1000:.0f} ms: **{'met' if page_met else 'missed'}**."
    )
    lines.append("")
    # At 1,000 regions the page has no inline map, so one query (the map's municipalities)
    # fewer: counts may not grow with regions.
    same = (
        big["page_queries"] <= small["page_queries"]
        and big["summary_queries"] <= small["summary_queries"]
    )
    lines.append(
        "Query counts do not grow from 37 to 1,000 regions."
        if same
        else "**Query counts grow from 37 to 1,000 regions: a regression.**"
    )
    section = "\n".join(lines) + "\n"
    console.print(section)

    doc = ROOT / "docs" / "performance.md"
    header = doc.read_text().split("\n<!-- results -->\n")[0] if doc.exists() else ""
    old = (
        doc.read_text().split("\n<!-- results -->\n")[1]
        if doc.exists() and "<!-- results -->" in doc.read_text()
        else ""
    )
    kept = [s for s in old.split("\n## ") if s.strip() and not s.lstrip("# ").startswith(vendor)]
    kept = ["## " + s.lstrip("# ") for s in kept]
    doc.write_text(header + "\n<!-- results -->\n" + "\n".join([section, *kept]))
    if not same or not page_met:
        sys.exit(1)


if __name__ == "__main__":
    main()
