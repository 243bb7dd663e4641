"""Importing a 2,000-question XLSForm and a response file of 1,000 regions (fictieve
gegevens), through the same code as `raak import questionnaire` and `raak import
responses`. Appends to docs/performance.md.

    .venv/bin/python bench/questionnaires.py
    DATABASE_URL=postgres://... .venv/bin/python bench/questionnaires.py   # the database is emptied!
"""

import csv
import platform
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, analyse, setup  # noqa: E402

setup("questionnaires")

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from raak.programmes.models import Programme, Region, Round  # noqa: E402
from raak.questionnaires import response_import, xlsform  # noqa: E402
from raak.questionnaires.models import Response  # noqa: E402

QUESTIONS, REGIONS, SMALL = 2000, 1000, 40  # responses: 1,000 regions on a 40-question form


def workbook(path, questions=QUESTIONS, slug="groot"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label::Nederlands (nl)", "label::English (en)", "required",
               "relevant", "constraint"])  # fmt: skip
    for g in range(max(1, questions // 50)):
        ws.append(["begin_group", f"deel{g}", f"Deel {g}", f"Part {g}"])
        for j in range(min(50, questions)):
            n = g * 50 + j
            if n % 4 == 0:
                ws.append(["select_one schaal", f"v{n}", f"Vraag {n}", f"Question {n}", "yes"])
            elif n % 4 == 1:
                ws.append(["integer", f"v{n}", f"Aantal {n}", f"Count {n}", "no",
                           f"${{v{n - 1}}} != 'geen'", ". >= 0 and . <= 1000"])  # fmt: skip
            elif n % 4 == 2:
                ws.append(["select_multiple partners", f"v{n}", f"Partners {n}", f"Partners {n}"])
            else:
                ws.append(["text", f"v{n}", f"Toelichting {n}", f"Explanation {n}", "no", "",
                           "string-length(.) <= 500"])  # fmt: skip
        ws.append(["end_group"])
    c = wb.create_sheet("choices")
    c.append(["list_name", "name", "label::Nederlands (nl)", "label::English (en)", "score"])
    for key, label, score in (("alle", "alle", 2), ("deel", "een deel", 1), ("geen", "geen", 0)):
        c.append(["schaal", key, label, label, score])
    for key in ("ggd", "politie", "onderwijs", "jeugdzorg"):
        c.append(["partners", key, key, key, ""])
    s = wb.create_sheet("settings")
    s.append(["form_title", "form_id"])
    s.append([f"Vragenlijst {slug} (fictieve gegevens)", slug])
    wb.save(path)


def responses(path, regions, rng):
    keys = [f"v{n}" for n in range(SMALL)]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["region", *keys])
        for region in regions:
            row = [region.slug]
            for n in range(SMALL):
                row.append([rng.choice(["alle", "deel", "geen"]), str(rng.randint(0, 1000)),
                            "ggd politie", "Fictieve toelichting."][n % 4])  # fmt: skip
            w.writerow(row)


def main():
    call_command("migrate", verbosity=0)
    for table in (Response, Region, Round):
        table.objects.all().delete()
    Programme.objects.all().delete()
    programme = Programme.objects.create(slug="fictief", name="Fictief programma (fictieve gegevens)",
                                         period_start=date(2008, 1, 1), period_end=date(2010, 12, 31))  # fmt: skip
    Region.objects.bulk_create(
        Region(programme=programme, slug=f"regio-{i:04d}", name=f"Regio {i}", position=i)
        for i in range(REGIONS)
    )
    rnd = Round.objects.create(programme=programme, slug="eind", name="Eind", peildatum=date(2010, 12, 31),
                               state=Round.OPEN)  # fmt: skip
    analyse()
    rng = random.Random(2010)
    with tempfile.TemporaryDirectory() as tmp:
        form = Path(tmp) / "groot.xlsx"
        workbook(form)
        t0 = time.perf_counter()
        version = xlsform.load(form, "fictief", publish=True).version
        t_form = time.perf_counter() - t0
        assert version.questions.count() == QUESTIONS
        export = Path(tmp) / "out"
        t0 = time.perf_counter()
        xlsform.write(version, export)
        t_export = time.perf_counter() - t0
        small = Path(tmp) / "klein.xlsx"
        workbook(small, SMALL, "klein")
        small_version = xlsform.load(small, "fictief", publish=True).version
        data = Path(tmp) / "antwoorden.csv"
        responses(data, list(programme.regions.order_by("position")), rng)
        analyse()
        t0 = time.perf_counter()
        n = response_import.load(data, small_version.questionnaire, rnd)
        t_responses = time.perf_counter() - t0
        assert n == REGIONS
        answers = sum(r.answers.count() for r in Response.objects.filter(round=rnd)[:1]) * REGIONS
    lines = [
        f"## Questionnaire imports, {connection.vendor} — {date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {connection.vendor}. "
        "Generated data (fictieve gegevens).",
        "",
        "| what | size | time (s) |",
        "|---|---|---:|",
        f"| `raak import questionnaire` (XLSForm) | {QUESTIONS:,} questions in {QUESTIONS // 50} groups, "
        f"with relevant and constraints | {t_form:.2f} |",
        f"| `raak export questionnaire --format xlsform` | {QUESTIONS:,} questions | {t_export:.2f} |",
        f"| `raak import responses` (CSV) | {REGIONS:,} regions × {SMALL} questions, "
        f"about {answers:,} answers (and as many change records) | {t_responses:.2f} |",
        "",
    ]
    section = "\n".join(lines) + "\n"
    doc = ROOT / "docs" / "performance.md"
    marker = f"## Questionnaire imports, {connection.vendor}"
    kept = [s for s in doc.read_text().split("\n## ") if not s.startswith(marker[3:])]
    doc.write_text("\n## ".join(kept).rstrip() + "\n\n" + section)
    print(section)


if __name__ == "__main__":
    main()
