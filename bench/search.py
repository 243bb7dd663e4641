"""Search over 100,000 generated activities (fictieve gegevens): median and p95 latency
of the catalogue search, and its SQL query count. Appends to docs/performance.md.

    .venv/bin/python bench/search.py                              # SQLite (fresh file)
    DATABASE_URL=postgres://... .venv/bin/python bench/search.py  # PostgreSQL (emptied!)
"""

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import analyse, replace_section, setup  # noqa: E402

setup("search")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)
from rich.progress import track  # noqa: E402

from raak.knowledge.models import Activity, Theme, catalogue_order_of, normalise  # noqa: E402
from raak.programmes.models import Programme, Region  # noqa: E402

N = int(os.environ.get("SEARCH_N", "100000"))
GOAL_MS = 50
# Words from the seed's vocabulary, so queries hit a realistic share of rows.
WORDS = (
    "meldcode scholing signaleren huisartsen kinderopvang onderwijs convenant protocol "
    "verwijsindex zorgcoördinatie aandachtsfunctionarissen ziekenhuis jeugdgezondheidszorg "
    "veiligheidshuis preventie voorlichting ouders zwangerschap routekaart netwerk borging "
    "samenwerking training gespreksvoering kraamzorg politie wijkteam opvoeding"
).split()
# A query with its filters; the last ones combine a broad query with each filter and
# ask for the last page within the cap, where the catalogue order is read furthest.
QUERIES = [
    ("meldcode", {}),
    ("coördinator", {}),
    ("scholing huisartsen", {}),
    ("kinderopvang", {}),
    ("verwijsindex", {}),
    ("zzzgeenresultaat", {}),
    ("meldcode", {"regio": "r001"}),
    ("meldcode", {"provincie": "PV21"}),
    ("meldcode", {"thema": "t1"}),
    ("meldcode", {"pagina": "40"}),
]


def generate():
    programme = Programme.objects.create(
        slug="bench-zoeken", name="Zoekbenchmark (fictieve gegevens)", period_start=date(2010, 1, 1),
        period_end=date(2012, 12, 31), source="fictieve gegevens",
    )  # fmt: skip
    regions = Region.objects.bulk_create(
        Region(programme=programme, slug=f"r{i:03d}", name=f"Regio {i:03d}", province_code=f"PV{20 + i % 12}")
        for i in range(37)
    )  # fmt: skip
    rubric = Theme.objects.create(programme=programme, key="rubriek", name="Rubriek")
    themes = [
        Theme.objects.create(programme=programme, key=f"t{i}", name=f"Thema {i}", parent=rubric)
        for i in range(6)
    ]
    rng = random.Random(2011)
    batch = []
    for i in track(range(N), description="activiteiten maken"):
        words = rng.choices(WORDS, k=40)
        title = " ".join(words[:6]).capitalize()
        description = " ".join(words) + ". Fictieve gegevens."
        batch.append(Activity(programme=programme, key=f"f{i:06d}", title=title, description=description,
                              theme=themes[i % 6], search_text=normalise(f"{title} {description}"),
                              catalogue_order=catalogue_order_of(themes[i % 6])))  # fmt: skip
        if len(batch) == 5000:
            Activity.objects.bulk_create(batch)
            batch = []
    Activity.objects.bulk_create(batch)
    through = Activity.regions.through
    ids = list(Activity.objects.filter(programme=programme).values_list("id", flat=True))
    through.objects.bulk_create(
        (through(activity_id=a, region_id=regions[a % 37].id) for a in ids), batch_size=10000
    )
    return programme


def main():
    setup_test_environment()  # lets the test client expose the page's context
    # Every request must run the search itself: with the page cache on, the 20 timed
    # requests of one query would be 19 cache hits (a new query is always a miss).
    override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ).enable()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    programme = generate()
    analyse()
    if connection.vendor == "postgresql":
        # As autovacuum would on a running database: a GIN index keeps fresh rows in a
        # pending list that every search reads in full until VACUUM merges it.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE knowledge_activity")
    generated = time.perf_counter() - started
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/{programme.slug}/activiteiten/"
    lines = [
        f"## Search, {connection.vendor} — {date.today().isoformat()}",
        "",
        f"{N:,} generated activities (fictieve gegevens), 37 regions, made with bulk inserts "
        f"in {generated:.0f} s; catalogue page `/activiteiten/?q=…` through Django's test "
        f"client, page cache off, 20 runs per query. CPU is this process's (on SQLite the "
        "database's work included, on PostgreSQL not): on a shared machine it shows what "
        f"the request costs. Load average (1 min) before measuring: {os.getloadavg()[0]:.1f}.",
        "",
        "| query | results | median (ms) | p95 (ms) | median CPU (ms) | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    p95s = []
    for q, filters in QUERIES:
        params = {"q": q, **filters}
        client.get(url, params)
        times, cpu = [], []
        for _ in range(20):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        times.sort()
        p95s.append(times[int(len(times) * 0.95) - 1])
        shown = response.context["total"]
        total = f"> {shown:,}" if response.context["capped"] else f"{shown:,}"
        shown_q = q + "".join(f", {k}={v}" for k, v in filters.items())
        lines.append(
            f"| {shown_q} | {total} | {statistics.median(times):.0f} | "
            f"{p95s[-1]:.0f} | {statistics.median(cpu):.0f} | {len(ctx.captured_queries)} |"
        )
    worst = max(p95s)
    lines += ["", f"Goal: every query p95 < {GOAL_MS} ms — {'met' if worst < GOAL_MS else 'MISSED'} "
              f"(worst p95 {worst:.0f} ms). Counts stop at 1,001 (the page says "
              "\"meer dan 1.000\"), so a broad query costs about what a narrow one does."]  # fmt: skip
    section = "\n".join(lines) + "\n"
    print(section)
    replace_section(f"## Search, {connection.vendor}", section)
    if worst >= GOAL_MS:
        sys.exit(f"search goal missed: p95 {worst:.0f} ms >= {GOAL_MS} ms")


if __name__ == "__main__":
    main()
