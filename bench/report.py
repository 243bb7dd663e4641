"""Report generation (issue #24): the national report's PDF, as publication makes it
(raak.reports.service.make, WeasyPrint, PDF/UA-1), for the demo programme (37 regions)
and for generated programmes (fictieve gegevens, bench/report_data.py: statuses,
indicators, a questionnaire answered in two rounds with coded open answers, action
points, reach, findings, activities) of 37 and 1,000 regions.

Each size is loaded by one child process and rendered by another, fresh one, so the
peak memory is that of a worker making the report: the child's maximum resident set
(getrusage ru_maxrss), which counts WeasyPrint's C libraries (Pango, HarfBuzz) too;
tracemalloc sees only Python's own allocations. Time is the child's CPU time as well as
the wall clock: on a machine shared with other work the wall clock measures the
neighbours, while a single-threaded render on a quiet machine takes its CPU time.

Appends its section to docs/performance.md; exits non-zero when the 1,000-region PDF
takes 30 s CPU or more or peaks at 600 MB or more, when the demo's takes 10 s or more,
or when the report's query count grows with regions.

    .venv/bin/python bench/report.py
    DATABASE_URL=postgres://... .venv/bin/python bench/report.py   # a database you can empty
"""

import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S, GOAL_MB, DEMO_GOAL_S = 30, 600, 10  # issue #24; the demo's from issue #11
SIZES = (("demo", 37), ("generated", 37), ("generated", 1000))


def _slug(kind, regions):
    return f"bench-rapport-{regions}" if kind == "generated" else "raak-2008-2010"


def load(kind, regions):
    """Child process: put the programme in the database (SQLite: a fresh file)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from common import analyse, setup

    setup("report")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if kind == "demo":
        call_command("demo", no_serve=True, verbosity=0, stdout=open(os.devnull, "w"))
    else:
        from report_data import build

        from raak.programmes.models import Programme

        Programme.objects.filter(slug=_slug(kind, regions)).delete()
        build(_slug(kind, regions), regions)
    analyse()


def render(kind, regions):
    """Child process: make the PDF once, print the figures as JSON."""
    if "DATABASE_URL" not in os.environ:  # the file the loading child wrote
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'bench' / 'results' / 'report.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raak.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from raak.lib import geo
    from raak.programmes.models import Round
    from raak.reports import service

    rounds = Round.objects.filter(programme__slug=_slug(kind, regions))
    rnd = (rounds.filter(slug="eindrapportage-2011") if kind == "demo" else rounds).order_by(
        "-peildatum"
    )[0]
    geo.load()  # decoded once per process, as in a running worker
    start, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as ctx:
        content, _name = service.make(rnd, "pdf")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(content)).pages)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "regions": regions, "seconds": seconds, "cpu": cpu,
                      "peak_mb": peak_mb, "bytes": len(content), "pages": pages,
                      "queries": len(ctx.captured_queries), "load": os.getloadavg()[0]}))  # fmt: skip


def main():
    results = []
    for kind, regions in SIZES:
        for step in ("--load", "--render"):
            out = subprocess.run([sys.executable, __file__, step, kind, str(regions)],
                                 capture_output=True, text=True)  # fmt: skip
            if out.returncode:
                sys.stderr.write(out.stderr)
                print(f"report bench: {step} {kind} {regions} failed")
                return 1
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(results[-1], flush=True)
    from common import replace_section  # no Django set-up in this process

    database = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    by = {(r["kind"], r["regions"]): r for r in results}
    big, demo = by[("generated", 1000)], by[("demo", 37)]
    verdicts = [
        (big["cpu"] < GOAL_S, f"1,000 regions: PDF under {GOAL_S} s"),
        (big["peak_mb"] < GOAL_MB, f"1,000 regions: peak memory under {GOAL_MB} MB"),
        (demo["cpu"] < DEMO_GOAL_S, f"demo (37 regions): PDF under {DEMO_GOAL_S} s"),
        (big["queries"] == by[("generated", 37)]["queries"],
         "the report's queries do not grow with regions (37 and 1,000 generated)"),
    ]  # fmt: skip
    loads = sorted(r["load"] for r in results)
    lines = [
        f"## Report, {database} — {date.today().isoformat()}",
        "",
        "The national report's PDF as publication makes it (`raak.reports.service.make`, "
        "WeasyPrint, PDF/UA-1), every chapter of the programme's template. 37 (demo) = the "
        "demo programme's final report; generated = `bench/report_data.py` (fictieve gegevens: "
        "7 milestones, 2 indicators, two published rounds, a questionnaire answered by every "
        "region in both rounds with coded open answers, action points and reach per region). "
        "Time is the rendering process's CPU time (wall clock beside it); peak memory is that "
        "process's maximum resident set (`ru_maxrss`, WeasyPrint's C libraries included).",
        "",
        "| programme | regions | CPU (s) | wall (s) | pages | size (KB) | peak memory (MB) | queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {r['kind']} | {r['regions']:,} | {r['cpu']:.1f} | {r['seconds']:.1f} | {r['pages']} | "
            f"{r['bytes'] // 1024:,} | {r['peak_mb']:.0f} | {r['queries']} |"
            for r in results
        ],
        "",
        f"Load average {loads[0]:.1f} to {loads[-1]:.1f} at the end of each render (2 cores): "
        "where it is high, other work shared the machine and the wall clock measures it.",
        "",
        *[f"- {text}: {'met' if ok else '**MISSED**'}" for ok, text in verdicts],
    ]
    replace_section(f"## Report, {database}", "\n".join(lines))
    print("\n".join(lines))
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("--load", "--render"):
        kind, regions = sys.argv[2], int(sys.argv[3])
        (load if sys.argv[1] == "--load" else render)(kind, regions)
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        sys.exit(main())
