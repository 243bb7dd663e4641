"""Import and export training: criteria, offers, assessments and reach."""

from django.db import transaction

from raak.lib.cleaning import SLUG
from raak.lib.periods import PeriodError, parse_period
from raak.programmes import flat
from raak.programmes.history import Recorder
from raak.programmes.tables import FormatError, Problem
from raak.training.models import Assessment, Criterion, Offer, Reach

SPEC = ("raak-training/1", {
    "criteria": [("key", "str:50"), ("name", "str:300"), ("description", "str")],
    "offers": [("key", "str:50"), ("title", "str:300"), ("provider", "str:200"), ("form", "str:20"),
               ("contents", "labels"), ("target_sectors", "labels"), ("regions", "list"),
               ("description", "str"), ("source", "str:300")],
    "assessments": [("offer", "str:50"), ("criterion", "str:50"), ("result", "str:10"), ("note", "str")],
    "reach": [("region", "str:50"), ("offer", "str:50"), ("sector", "str:200"), ("professionals", "int"),
              ("qualifier", "str:10"), ("period", "str:100"), ("description", "str"), ("sentence", "str"),
              ("source", "str:300")],
})  # fmt: skip


def load(path, programme_slug=None, actor="import"):
    slug, t = flat.read(path, *SPEC, programme_slug)
    programme = flat.programme_for(slug, path)
    regions = {r.slug: r for r in programme.regions.all()}
    criteria = {d["key"] for _f, _w, d in t["criteria"]}
    offers = {d["key"] for _f, _w, d in t["offers"]}
    problems = []
    for table in ("criteria", "offers"):
        for f, w, d in t[table]:
            if not SLUG.match(d["key"]):
                problems.append(Problem(f, w, "key", "ontbreekt of is geen geldige sleutel"))
    for f, w, d in t["offers"]:
        if d["form"] not in dict(Offer.FORMS):
            problems.append(Problem(f, w, "form", f"kies {', '.join(dict(Offer.FORMS))}"))
        problems += [
            Problem(f, w, "regions", f"onbekende regio “{r}”")
            for r in d["regions"]
            if r not in regions
        ]
    for f, w, d in t["assessments"]:
        if d["offer"] not in offers:
            problems.append(Problem(f, w, "offer", f"onbekend aanbod “{d['offer']}”"))
        if d["criterion"] not in criteria:
            problems.append(Problem(f, w, "criterion", f"onbekend criterium “{d['criterion']}”"))
        if d["result"] not in dict(Assessment.RESULTS):
            problems.append(Problem(f, w, "result", f"kies {', '.join(dict(Assessment.RESULTS))}"))
    for f, w, d in t["reach"]:
        if d["region"] not in regions:
            problems.append(Problem(f, w, "region", f"onbekende regio “{d['region']}”"))
        if d["offer"] and d["offer"] not in offers:
            problems.append(Problem(f, w, "offer", f"onbekend aanbod “{d['offer']}”"))
        if not d["sector"]:
            problems.append(Problem(f, w, "sector", "is verplicht"))
        if d["professionals"] is None or d["professionals"] < 0:
            problems.append(Problem(f, w, "professionals", "een aantal van 0 of meer is verplicht"))
        d["qualifier"] = d["qualifier"] or Reach.EXACT
        if d["qualifier"] not in dict(Reach.QUALIFIERS):
            problems.append(Problem(f, w, "qualifier", "kies exact, about of more_than"))
        d["parsed"] = None
        if d["period"]:
            try:
                d["parsed"] = parse_period(d["period"])
            except PeriodError as e:
                problems.append(Problem(f, w, "period", str(e)))
    if problems:
        raise FormatError(problems)
    with transaction.atomic():
        programme.training_offers.all().delete()
        programme.training_criteria.all().delete()
        programme.training_reach.all().delete()
        crit = {d["key"]: Criterion.objects.create(programme=programme, position=i, **d)
                for i, (_f, _w, d) in enumerate(t["criteria"])}  # fmt: skip
        made = {}
        for _f, _w, d in t["offers"]:
            region_slugs = d.pop("regions")
            made[d["key"]] = Offer.objects.create(programme=programme, **d)
            made[d["key"]].regions.set([regions[s] for s in region_slugs])
        Assessment.objects.bulk_create(
            Assessment(offer=made[d["offer"]], criterion=crit[d["criterion"]], result=d["result"], note=d["note"])
            for _f, _w, d in t["assessments"]
        )  # fmt: skip
        Reach.objects.bulk_create(
            Reach(programme=programme, region=regions[d["region"]], offer=made.get(d["offer"]),
                  sector=d["sector"], professionals=d["professionals"], qualifier=d["qualifier"],
                  period_text=d["parsed"].text if d["parsed"] else "",
                  period_earliest=d["parsed"].earliest if d["parsed"] else None,
                  period_latest=d["parsed"].latest if d["parsed"] else None,
                  description=d["description"], sentence=d["sentence"], source=d["source"])
            for _f, _w, d in t["reach"]
        )  # fmt: skip
        recorder = Recorder(actor=actor, programme=programme)
        recorder.record(subject="scholing", field="import", new=f"{len(t['reach'])} bereikcijfers")
        recorder.flush()
    return sum(len(rows) for rows in t.values())


def tables(programme):
    offers = Offer.objects.filter(programme=programme).prefetch_related("regions").order_by("key")
    return {
        "criteria": [{"key": c.key, "name": c.name, "description": c.description}
                     for c in programme.training_criteria.all()],
        "offers": [
            {"key": o.key, "title": o.title, "provider": o.provider, "form": o.form, "contents": o.contents,
             "target_sectors": o.target_sectors, "regions": sorted(r.slug for r in o.regions.all()),
             "description": o.description, "source": o.source}
            for o in offers
        ],
        "assessments": [
            {"offer": a.offer.key, "criterion": a.criterion.key, "result": a.result, "note": a.note}
            for a in Assessment.objects.filter(offer__programme=programme)
            .select_related("offer", "criterion").order_by("offer__key", "criterion__position")
        ],
        "reach": [
            {"region": r.region.slug, "offer": r.offer.key if r.offer else "", "sector": r.sector,
             "professionals": r.professionals, "qualifier": r.qualifier, "period": r.period_text,
             "description": r.description, "sentence": r.sentence, "source": r.source}
            for r in Reach.objects.filter(programme=programme).select_related("region", "offer").order_by("id")
        ],
    }  # fmt: skip
