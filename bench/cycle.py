"""The reporting cycle at 37 and 1,000 regions (fictieve gegevens): the national
office's submissions overview and a coordinator's start page, page time and SQL query
count, which must not grow with regions. Appends to docs/performance.md.

    .venv/bin/python bench/cycle.py
    DATABASE_URL=postgres://... .venv/bin/python bench/cycle.py   # the database is emptied!
"""

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, analyse, setup  # noqa: E402

setup("cycle")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from raak.accounts.models import Role  # noqa: E402
from raak.cycle.models import AdvisorNote, Reminder, Submission  # noqa: E402
from raak.programmes.models import (  # noqa: E402
    ChangeRecord,
    Milestone,
    MilestoneStatus,
    Programme,
    Region,
    Round,
)


def make(regions):
    """A programme with an open round: a third of the regions changed something, a
    sixth submitted, each region has two reminders and an advisor note."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    slug = f"cyclus-{regions}"
    Programme.objects.filter(slug=slug).delete()
    programme = Programme.objects.create(slug=slug, name=f"Benchmark (fictieve gegevens) {regions}",
                                         period_start=date(2008, 1, 1), period_end=date(2011, 12, 31))  # fmt: skip
    regs = Region.objects.bulk_create(Region(programme=programme, slug=f"r{i:04d}", name=f"Regio {i:04d}", position=i)
                                      for i in range(regions))  # fmt: skip
    milestones = Milestone.objects.bulk_create(Milestone(programme=programme, key=f"m{i}", name=f"Mijlpaal {i}", position=i)
                                               for i in range(7))  # fmt: skip
    today = timezone.localdate()
    rnd = Round.objects.create(programme=programme, slug="open", name="Open ronde", peildatum=today,
                               opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=1))  # fmt: skip
    MilestoneStatus.objects.bulk_create(
        (MilestoneStatus(round=rnd, region=r, milestone=m, status="done") for r in regs for m in milestones),
        batch_size=5000,
    )  # fmt: skip
    ChangeRecord.objects.bulk_create(
        ChangeRecord(actor="bench", programme=programme, round=rnd, region=r, subject="Mijlpaal 0",
                     field="status", old="unknown", new="done")
        for r in regs[::3]
    )  # fmt: skip
    Submission.objects.bulk_create(Submission(round=rnd, region=r, state="submitted", submitted_at=timezone.now())
                                   for r in regs[::6])  # fmt: skip
    coord = User.objects.create_user(f"coord-{slug}", email="coord@example.org")
    Role.objects.bulk_create(Role(user=coord, programme=programme, region=r, kind=Role.COORDINATOR)
                             for r in regs[:1])  # fmt: skip
    Reminder.objects.bulk_create(
        (Reminder(round=rnd, region=r, user=coord, email=coord.email, rule=rule, subject="s", body="b",
                  created_by="bench", state="sent") for r in regs for rule in ("voor-7", "voor-3")),
        batch_size=5000,
    )  # fmt: skip
    advisor = User.objects.create_user(f"adviseur-{slug}")
    AdvisorNote.objects.bulk_create(AdvisorNote(region=r, author=advisor, month=today.replace(day=1),
                                                progress="Voortgang (fictief)") for r in regs)  # fmt: skip
    national = User.objects.create_user(f"landelijk-{slug}")
    Role.objects.create(user=national, programme=programme, kind=Role.NATIONAL)
    return f"/{slug}/ronde/open/indieningen/", national, coord


def measure(client, url, expect):
    response = client.get(url)
    assert response.status_code == expect, (url, response.status_code)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(times), len(ctx.captured_queries)


OVERVIEW_GOAL_MS = 150


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from tests.conftest import sign_in

    lines = [
        f"## Reporting cycle, {connection.vendor} — {date.today().isoformat()}",
        "",
        "Submissions overview `/<programme>/ronde/<round>/indieningen/` (national office; the "
        "counts over every region, the table 50 regions a page) and "
        "start page `/start/` (a coordinator) for an open round (fictieve gegevens: a third of "
        "the regions changed something, a sixth submitted, two reminders and an advisor note "
        "per region), median of 5 requests.",
        "",
        "| regions | overview (ms) | overview queries | start page (ms) | start page queries |",
        "|---:|---:|---:|---:|---:|",
    ]
    counts = []
    for regions in (37, 1000):
        url, national, coord = make(regions)
        analyse()
        overview = measure(sign_in(Client(HTTP_HOST="127.0.0.1"), national), url, 200)
        start = measure(sign_in(Client(HTTP_HOST="127.0.0.1"), coord), "/start/", 200)
        counts.append((overview[1], start[1]))
        slowest_overview = overview[0]  # the last (largest) size is the one with a goal
        lines.append(
            f"| {regions} | {overview[0]:.0f} | {overview[1]} | {start[0]:.0f} | {start[1]} |"
        )
        print(lines[-1], flush=True)
    same = len(set(counts)) == 1
    # Goal (issue #22): the overview at 1,000 regions, paged, under 150 ms.
    fast = slowest_overview < OVERVIEW_GOAL_MS
    lines += ["", "Query counts are the same at 37 and 1,000 regions." if same
              else "**Query counts differ between sizes: a regression.**",
              f"Goal: the overview at 1,000 regions under {OVERVIEW_GOAL_MS} ms: "
              + ("met." if fast else "**missed**.")]  # fmt: skip
    section = "\n".join(lines) + "\n"
    doc = ROOT / "docs" / "performance.md"
    marker = f"## Reporting cycle, {connection.vendor}"
    kept = [s for s in doc.read_text().split("\n## ") if not s.startswith(marker[3:])]
    doc.write_text("\n## ".join(kept).rstrip() + "\n\n" + section)
    print(section)
    if not (same and fast):
        sys.exit(1)


if __name__ == "__main__":
    main()
