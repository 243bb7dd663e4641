"""`raak demo --synthetic`: a separate programme with generated answers for two rounds,
so the comparison and coding pages can be tried. Everything it makes is marked
"fictieve gegevens" (programme name, questionnaire flag, every page and export)."""

import json
import random
import tempfile
from datetime import date
from pathlib import Path

from django.db import transaction

from raak.programmes.models import Programme, Region, Round
from raak.questionnaires import exchange
from raak.questionnaires.answers import Form
from raak.questionnaires.models import Answer, Response

DATA = Path(__file__).resolve().parent / "data"
SLUG = "fictief-2008-2010"
PHRASES = [
    "Betere samenwerking tussen gemeenten en instellingen",
    "Meer aandacht voor kindermishandeling bij professionals",
    "Een regionale meldcode die door alle partners wordt gebruikt",
    "Scholing van professionals in signaleren en handelen",
    "Te weinig tijd en geld bij gemeenten en instellingen",
    "Wisseling van de regiocoördinator halverwege het project",
    "Het onderwijs is moeilijk te bereiken",
    "Structurele financiering van de coördinatie na 2010",
    "Een netwerk van aandachtsfunctionarissen in alle sectoren",
    "Aansluiting bij het Centrum voor Jeugd en Gezin",
]


@transaction.atomic
def load(demo_programme):
    Programme.objects.filter(slug=SLUG).delete()
    programme = Programme.objects.create(
        slug=SLUG, name="Voorbeeldprogramma met fictieve gegevens", period_start=date(2008, 1, 1),
        period_end=date(2010, 12, 31),
        source="Fictieve gegevens, gegenereerd door `raak demo --synthetic`; de regio’s zijn die van het demoprogramma.",
    )  # fmt: skip
    Region.objects.bulk_create(
        Region(programme=programme, slug=r.slug, name=r.name, centrumgemeente_code=r.centrumgemeente_code,
               centrumgemeente_name=r.centrumgemeente_name, province_code=r.province_code, position=r.position)
        for r in demo_programme.regions.all()
    )  # fmt: skip
    start = Round.objects.create(programme=programme, slug="startfoto", name="Startfoto (fictief)",
                                 peildatum=date(2009, 3, 1), state=Round.OPEN)  # fmt: skip
    end = Round.objects.create(programme=programme, slug="eindfoto", name="Eindfoto (fictief)",
                               peildatum=date(2011, 1, 15), state=Round.OPEN)  # fmt: skip
    rng = random.Random(2008)
    for name in ("eindmeting-zorgcontinuum", "slotrapportage"):
        doc = json.loads((DATA / f"{name}.json").read_text())
        doc["programme"] = SLUG
        doc["questionnaire"][0]["fictional"] = True
        doc["questionnaire"][0]["name"] += " (fictieve gegevens)"
        for q in doc["questions"]:
            q["indicator"] = ""  # the fictional programme has no indicators
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{name}.json"
            path.write_text(json.dumps(doc))
            version = exchange.load(path, publish=True)
        form = Form(version)
        for rnd, lift in ((start, 0.0), (end, 0.35)):
            if name == "slotrapportage" and rnd == start:
                continue
            for region in programme.regions.all():
                response = Response.objects.create(
                    version=version, round=rnd, region=region, state=Response.SUBMITTED
                )
                Answer.objects.bulk_create(
                    Answer(response=response, question=q, value=v)
                    for q in form.questions if (v := _value(rng, form, q, lift)) is not None
                )  # fmt: skip
    Round.objects.filter(programme=programme).update(state=Round.PUBLISHED)
    return programme


def _value(rng, form, question, lift):
    options = form.options(question)
    if options:
        scored = sorted((o for o in options if o.score is not None), key=lambda o: o.score)
        if rng.random() < 0.08 or not scored:
            return rng.choice(options).key
        position = min(len(scored) - 1, int((rng.random() + lift) * len(scored)))
        return scored[position].key
    if question.type == "text":
        return rng.choice(PHRASES) if question.required or rng.random() < 0.6 else None
    return None
