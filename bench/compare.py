"""The questionnaire comparison at 37 and 1,000 regions with 10 and 60 items, two rounds
(fictieve gegevens): page time and SQL query count, which must not grow with regions
or items. Appends to docs/performance.md.

    .venv/bin/python bench/compare.py
    DATABASE_URL=postgres://... .venv/bin/python bench/compare.py   # the database is emptied!
"""

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, analyse, setup  # noqa: E402

setup("compare")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from raak.programmes.models import Programme, Region, Round  # noqa: E402
from raak.questionnaires.models import (  # noqa: E402
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    Section,
    Version,
)

GOAL_MS = 300  # issue #12: the 1,000-region x 60-item comparison
LEVELS = [
    ("all", "alle", 2),
    ("some", "een deel", 1),
    ("none", "geen", 0),
    ("unknown", "onbekend", None),
]


def make(regions, items):
    slug = f"vergelijk-{regions}-{items}"
    Programme.objects.filter(slug=slug).delete()
    programme = Programme.objects.create(slug=slug, name=f"Benchmark (fictieve gegevens) {regions}×{items}",
                                         period_start=date(2008, 1, 1), period_end=date(2011, 12, 31))  # fmt: skip
    regs = Region.objects.bulk_create(Region(programme=programme, slug=f"r{i:04d}", name=f"Regio {i:04d}", position=i)
                                      for i in range(regions))  # fmt: skip
    start = Round.objects.create(
        programme=programme,
        slug="start",
        name="Start",
        peildatum=date(2009, 1, 1),
        state="published",
    )
    end = Round.objects.create(
        programme=programme, slug="eind", name="Eind", peildatum=date(2011, 1, 1), state="published"
    )
    q = Questionnaire.objects.create(
        programme=programme, slug="q", name="Benchmark (fictieve gegevens)", fictional=True
    )
    v = Version.objects.create(questionnaire=q, number=1, published=True)
    section = Section.objects.create(version=v, key="s", title="Items")
    Choice.objects.bulk_create(Choice(version=v, list_name="scale", key=k, label=label, score=s, position=i)
                               for i, (k, label, s) in enumerate(LEVELS))  # fmt: skip
    questions = Question.objects.bulk_create(
        Question(version=v, section=section, key=f"i{j:02d}", type="scale", label=f"Item {j}", choice_list="scale", position=j)
        for j in range(items)
    )  # fmt: skip
    rng = random.Random(regions * 100 + items)
    for rnd in (start, end):
        responses = Response.objects.bulk_create(
            Response(version=v, round=rnd, region=r, state="submitted") for r in regs
        )
        Answer.objects.bulk_create(
            (
                Answer(response=resp, question=qq, value=rng.choice(LEVELS)[0])
                for resp in responses
                for qq in questions
            ),
            batch_size=5000,
        )
    return f"/{slug}/vragenlijsten/q/vergelijk/?van=start&naar=eind"


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    client = Client(HTTP_HOST="127.0.0.1")
    lines = [
        f"## Comparison, {connection.vendor} — {date.today().isoformat()}",
        "",
        "Questionnaire comparison page `/vragenlijsten/<q>/vergelijk/` for two published rounds "
        "(generated answers, fictieve gegevens), median of 5 requests.",
        "",
        "| regions | items | answers | page (ms) | queries |",
        "|---:|---:|---:|---:|---:|",
    ]
    counts = []
    for regions, items in ((37, 10), (37, 60), (1000, 10), (1000, 60)):
        url = make(regions, items)
        analyse()
        assert client.get(url).status_code == 200
        times = []
        for _ in range(5):
            t = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
        if (regions, items) == (1000, 60):
            biggest = statistics.median(times)
        lines.append(
            f"| {regions} | {items} | {2 * regions * items:,} | {statistics.median(times):.0f} | {len(ctx.captured_queries)} |"
        )
        print(lines[-1], flush=True)
    met = biggest < GOAL_MS
    lines += ["", "Query counts are the same for every size." if len(set(counts)) == 1
              else "**Query counts differ between sizes: a regression.**",
              "", f"1,000 regions × 60 items: {biggest:.0f} ms, goal < {GOAL_MS} ms: "
              f"**{'met' if met else 'missed'}**. Load average (1 min) at the end: "
              f"{os.getloadavg()[0]:.1f}."]  # fmt: skip
    del get_user_model
    section = "\n".join(lines) + "\n"
    doc = ROOT / "docs" / "performance.md"
    marker = f"## Comparison, {connection.vendor}"
    kept = [s for s in doc.read_text().split("\n## ") if not s.startswith(marker[3:])]
    doc.write_text("\n## ".join(kept).rstrip() + "\n\n" + section)
    print(section)
    if len(set(counts)) != 1 or not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
