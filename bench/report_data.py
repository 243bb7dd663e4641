"""A generated programme (fictieve gegevens) with everything the national report shows:
two published rounds of statuses and indicator values, a questionnaire answered by every
region in both rounds with coded open answers, action points and training reach per
region, protocol findings and a catalogue of activities, and the seed's report template.
Used by bench/report.py and by tests/test_report_scale.py (the query count of a report
must not grow with its regions), so both measure the same report.
"""

import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated import generate  # noqa: E402

PHRASES = [
    "Betere samenwerking tussen gemeenten en instellingen",
    "Scholing van professionals in signaleren en handelen",
    "Te weinig tijd en geld bij gemeenten en instellingen",
    "Structurele financiering van de coördinatie na 2010",
]
SECTORS = ["onderwijs", "kinderopvang", "jeugdgezondheidszorg", "politie"]


def build(slug, regions, rounds=2):
    """The programme's latest round (published), after loading everything into the
    current database. Deterministic."""
    from django.contrib.auth import get_user_model

    from raak.knowledge.models import ActionPoint, Activity
    from raak.knowledge.models import Theme as Rubric
    from raak.lib import geo
    from raak.programmes import tables
    from raak.programmes.importing import import_programme
    from raak.protocols.models import Component, Finding
    from raak.questionnaires import exchange
    from raak.questionnaires.answers import Form
    from raak.questionnaires.models import Answer, Coding, Response, Theme
    from raak.reports import templates
    from raak.training.models import Reach

    doc = generate(slug, regions, rounds)
    codes, provinces = sorted(geo.load().municipalities), sorted(geo.load().provinces)
    for n, r in enumerate(doc["regions"]):  # spread over the map, as real regions are
        r["centrumgemeente_code"] = codes[(n * 7) % len(codes)]
        r["centrumgemeente_name"] = ""
        r["province_code"] = provinces[n % len(provinces)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{slug}.json"
        path.write_text(json.dumps(doc))
        programme = import_programme(tables.read(path), actor="bench").programme
    templates.load(programme)
    all_rounds = list(programme.rounds.order_by("peildatum"))
    region_list = list(programme.regions.order_by("position"))
    rng = random.Random(regions)

    # A questionnaire (the seed's end measurement, marked fictional), answered by every
    # region in every round: the report compares the first and the last round.
    qdoc = json.loads(
        (Path(exchange.__file__).parent / "data" / "eindmeting-zorgcontinuum.json").read_text()
    )
    qdoc["programme"] = slug
    qdoc["questionnaire"][0].update(fictional=True, name="Eindmeting (fictieve gegevens)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vragenlijst.json"
        path.write_text(json.dumps(qdoc))
        version = exchange.load(path, publish=True)
    form = Form(version)
    for lift, rnd in enumerate(all_rounds):
        made = Response.objects.bulk_create(
            Response(version=version, round=rnd, region=r, state=Response.SUBMITTED)
            for r in region_list
        )
        answers = []
        for response in made:
            for q in form.questions:
                options = form.options(q)
                if options:
                    scored = sorted(options, key=lambda o: (o.score is None, o.score or 0))
                    pick = min(len(scored) - 1, int((rng.random() + lift * 0.3) * len(scored)))
                    answers.append(Answer(response=response, question=q, value=scored[pick].key))
                elif q.type == "text":
                    answers.append(Answer(response=response, question=q, value=rng.choice(PHRASES)))
        Answer.objects.bulk_create(answers, batch_size=2000)
    analyst, _ = get_user_model().objects.get_or_create(
        username="bench-analist@example.org", defaults={"email": "bench-analist@example.org"}
    )
    themes = [
        Theme.objects.create(questionnaire=version.questionnaire, key=f"t{n}", name=f"Thema {n}")
        for n in range(4)
    ]
    Coding.objects.bulk_create(
        (Coding(answer=a, theme=themes[n % len(themes)], analyst=analyst)
         for n, a in enumerate(Answer.objects.filter(response__round=all_rounds[-1],
                                                     question__type="text"))),
        batch_size=2000,
    )  # fmt: skip

    # Action points and training reach per region, findings, a catalogue of activities.
    ActionPoint.objects.bulk_create(
        (ActionPoint(programme=programme, region=r, year=2010, number=k + 1,
                     text=f"Actiepunt {k + 1} van {r.name} (fictief)", planned_text="2011")
         for r in region_list for k in range(2)),
        batch_size=2000,
    )  # fmt: skip
    Reach.objects.bulk_create(
        (Reach(programme=programme, region=r, sector=SECTORS[n % len(SECTORS)],
               professionals=10 + n % 90)
         for n, r in enumerate(region_list)),
        batch_size=2000,
    )  # fmt: skip
    component = Component.objects.create(programme=programme, key="meldcode", level="beleid",
                                         name="Meldcode (fictief)")  # fmt: skip
    Finding.objects.bulk_create(
        Finding(programme=programme, component=component, label=f"Bevinding {n}", count=n,
                of_total=regions, base="regio's", sentence="Fictieve bevinding.",
                source="fictieve gegevens", position=n)
        for n in range(5)
    )  # fmt: skip
    rubric = Rubric.objects.create(programme=programme, key="preventie", name="Preventie")
    sub = Rubric.objects.create(programme=programme, key="voorlichting", name="Voorlichting",
                                parent=rubric, position=1)  # fmt: skip
    for n in range(20):
        a = Activity.objects.create(programme=programme, key=f"a{n}", title=f"Activiteit {n}",
                                    description="Fictieve activiteit.", theme=sub)  # fmt: skip
        a.regions.set(region_list[n::40][:5])
    return all_rounds[-1]
