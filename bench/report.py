"""Report generation: PDF time and peak memory for the demo programme (37 regions)
and generated programmes (fictieve gegevens) of 250 and 1,000 regions. Each size runs
in its own process so peak memory is its own. Appends to docs/performance.md; exits
non-zero if the 37-region PDF takes 10 s or more, or time grows worse than linearly.

    .venv/bin/python bench/report.py
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
SIZES = (37, 250, 1000)


def one(regions):
    """Runs in a child process: load, make the PDF, print figures as JSON."""
    sys.path.insert(0, str(ROOT / "bench"))
    from common import setup

    setup(f"report-{regions}")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from raak.lib import geo
    from raak.programmes import tables
    from raak.programmes.importing import import_programme
    from raak.reports import service, templates

    if regions == 37:
        call_command("demo", no_serve=True, verbosity=0, stdout=open(os.devnull, "w"))
        from raak.programmes.models import Round

        rnd = Round.objects.get(slug="eindrapportage-2011")
    else:
        from run import generate

        doc = generate(f"report-{regions}", regions, 2)
        codes = sorted(geo.load().municipalities)
        for n, r in enumerate(doc["regions"]):  # spread over the map, as real regions are
            r["centrumgemeente_code"] = codes[(n * 7) % len(codes)]
        path = ROOT / "bench" / "results" / f"report-{regions}.json"
        path.write_text(json.dumps(doc))
        programme = import_programme(tables.read(path), actor="bench").programme
        templates.load(programme)
        rnd = programme.rounds.order_by("-peildatum").first()
    geo.load()  # decoded once per process, as in a running worker
    start, cpu = time.perf_counter(), time.process_time()
    content, _name = service.make(rnd, "pdf")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(content)).pages)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"regions": regions, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb,
                      "bytes": len(content), "pages": pages, "load": os.getloadavg()[0]}))  # fmt: skip


def main():
    results = []
    for regions in SIZES:
        out = subprocess.run([sys.executable, __file__, "--one", str(regions)],
                             capture_output=True, text=True, check=True)  # fmt: skip
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(results[-1], flush=True)
    by = {r["regions"]: r for r in results}
    # CPU time, not wall time: on a shared machine the wall clock measures the neighbours.
    fast = by[37]["cpu"] < 10
    # Linear: 4x the regions (250 -> 1,000) may take at most 4x the time, with 50 % slack.
    linear = by[1000]["cpu"] <= by[250]["cpu"] * 4 * 1.5
    lines = [
        "",
        f"## Report, {date.today().isoformat()}",
        "",
        "`raak report` PDF (WeasyPrint, PDF/UA-1) of one round: every chapter of the demo "
        "template, a map per milestone and indicator, annexes. 37 = the demo programme; "
        "250 and 1,000 = generated programmes (fictieve gegevens, 7 milestones, 2 indicators). "
        "Peak memory is the process's maximum resident set.",
        "",
        "| regions | PDF (s) | pages | size (KB) | peak memory (MB) |",
        "|---:|---:|---:|---:|---:|",
        *[
            f"| {r['regions']} | {r['seconds']:.1f} | {r['pages']} | {r['bytes'] // 1024:,} | "
            f"{r['peak_mb']:.0f} |"
            for r in results
        ],  # fmt: skip
        "",
        ("37 regions under 10 s CPU. " if fast else "**37 regions took 10 s CPU or more.** ")
        + (
            "Time grows no faster than linearly (250 → 1,000 regions)."
            if linear
            else "**Time grows faster than linearly.**"
        ),  # fmt: skip
    ]
    sys.path.insert(0, str(ROOT / "bench"))
    from common import replace_section  # no Django set-up in this process

    replace_section("## Report, ", "\n".join(lines))
    print("\n".join(lines))
    return 0 if fast and linear else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        one(int(sys.argv[2]))
    else:
        sys.exit(main())
