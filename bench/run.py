"""RAAK benchmarks: import, `raak summary`, the national page and load, at 37 and at
1,000 regions x 10 rounds. Writes docs/performance.md.

    make bench                                   # SQLite (a fresh file under bench/results)
    DATABASE_URL=postgres://... make bench       # PostgreSQL (the database is emptied!)

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

setup("bench")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402

from raak.programmes import tables  # noqa: E402
from raak.programmes.importing import import_programme  # noqa: E402
from raak.programmes.models import Programme, Round  # noqa: E402
from raak.programmes.summary import summarise  # noqa: E402

console = Console()
STATUSES = ["done", "done", "done", "partial", "expected", "not_started", "unknown"]
PERIODS = [
    "Maart 2011",
    "Voorjaar 2011",
    "1e kwartaal 2012",
    "medio 2012",
    "2013",
    "Voor zomer 2012",
]


def generate(slug, regions, rounds):
    """A fictional programme in the exchange format, deterministic."""
    milestones = [f"m{i}" for i in range(7)]
    doc = {
        "format": "raak-programme/1",
        "programme": {"slug": slug, "name": f"Benchmark {regions} regio's (fictieve gegevens)",
                      "period_start": "2010-01-01", "period_end": "2013-12-31",
                      "description": "fictieve gegevens", "source": "fictieve gegevens"},
        "milestones": [{"key": m, "name": f"Mijlpaal {m}", "description": ""} for m in milestones],
        "indicators": [
            {"key": f"i{k}", "name": f"Indicator {k}", "description": "",
             "categories": [{"key": c, "label": c, "takes_date": False} for c in ("yes", "no", "unknown")]}
            for k in range(2)
        ],
        "regions": [{"slug": f"r{n:04d}", "name": f"Regio {n:04d}", "centrumgemeente_code": "GM0363",
                     "centrumgemeente_name": "Amsterdam", "province_code": "PV27"} for n in range(regions)],
        "rounds": [],
    }  # fmt: skip
    for r in range(rounds):
        statuses, values = [], []
        for n in range(regions):
            for j, m in enumerate(milestones):
                status = STATUSES[(n + j + r) % len(STATUSES)]
                period = (
                    PERIODS[(n + j) % len(PERIODS)] if status in ("partial", "expected") else ""
                )
                statuses.append({"region": f"r{n:04d}", "milestone": m, "status": status,
                                 "expected": period, "note": ""})  # fmt: skip
            for k in range(2):
                values.append({"region": f"r{n:04d}", "indicator": f"i{k}",
                               "category": ("yes", "no", "unknown")[(n + k + r) % 3], "date": "", "note": ""})  # fmt: skip
        doc["rounds"].append({
            "slug": f"ronde-{r + 1:02d}", "name": f"Ronde {r + 1}",
            "peildatum": date(2010 + r // 4, 3 * (r % 4) + 1, 15).isoformat(),
            "state": "published", "milestone_statuses": statuses, "indicator_values": values,
        })  # fmt: skip
    return doc


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
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
    shutil.rmtree(tmp.parent)

    latest = Round.objects.filter(programme__slug=slug).order_by("-peildatum").first()
    analyse()
    url = f"/{slug}/ronde/{latest.slug}/"
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get(url).status_code == 200

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
        "page_s": timed(lambda: client.get(url)),
        "page_queries": queries(lambda: client.get(url)),
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


def write_report(vendor, results):
    small, big = results
    lines = [
        f"## {vendor} — {date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{vendor}. Generated programmes (fictieve gegevens): 7 milestones, 2 indicators, 10 rounds.",
        "",
        "| regions | statuses | import (s) | `raak summary` (s) | summary queries | national page (ms) | page queries |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['regions']} | {r['statuses']:,} | {r['import_s']:.2f} | {r['summary_s']:.3f} | "
            f"{r['summary_queries']} | {r['page_s'] * 1000:.0f} | {r['page_queries']} |"
        )
    lines.append("")
    same = (
        small["page_queries"] == big["page_queries"]
        and small["summary_queries"] == big["summary_queries"]
    )
    lines.append(
        "Query counts are the same at 37 and 1,000 regions."
        if same
        else "**Query counts differ between 37 and 1,000 regions: a regression.**"
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
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
