"""Generated programmes for the benchmarks: fictional ("fictieve gegevens") and
deterministic, in the exchange format. No Django here, so the load test's client can
write one without configuring Django."""

from datetime import date

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
