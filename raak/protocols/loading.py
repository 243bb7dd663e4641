"""Import and export the protocol checklist: components, region checks, findings."""

from django.db import transaction

from raak.lib.cleaning import SLUG
from raak.programmes import flat
from raak.programmes.history import Recorder
from raak.programmes.tables import FormatError, Problem
from raak.protocols.models import Check, Component, Finding

SPEC = ("raak-protocols/1", {
    "components": [("key", "str:50"), ("level", "str:20"), ("name", "str:300")],
    "checks": [("region", "str:50"), ("component", "str:50"), ("answer", "str:10"), ("evidence", "str:500"),
               ("note", "str"), ("checked_on", "date")],
    "findings": [("component", "str:50"), ("label", "str:300"), ("count", "int"), ("of_total", "int"),
                 ("base", "str:200"), ("sentence", "str"), ("source", "str:300")],
})  # fmt: skip


def load(path, programme_slug=None, actor="import"):
    slug, t = flat.read(path, *SPEC, programme_slug)
    programme = flat.programme_for(slug, path)
    regions = {r.slug: r for r in programme.regions.all()}
    keys = {d["key"] for _f, _w, d in t["components"]}
    levels, answers = dict(Component.LEVELS), dict(Check.ANSWERS)
    problems = []
    for f, w, d in t["components"]:
        if not SLUG.match(d["key"]):
            problems.append(Problem(f, w, "key", "ontbreekt of is geen geldige sleutel"))
        if d["level"] not in levels:
            problems.append(Problem(f, w, "level", f"kies {', '.join(levels)}"))
        if not d["name"]:
            problems.append(Problem(f, w, "name", "is verplicht"))
    for f, w, d in t["checks"]:
        if d["region"] not in regions:
            problems.append(Problem(f, w, "region", f"onbekende regio “{d['region']}”"))
        if d["component"] not in keys:
            problems.append(Problem(f, w, "component", f"onbekend onderdeel “{d['component']}”"))
        if d["answer"] not in answers:
            problems.append(Problem(f, w, "answer", f"kies {', '.join(answers)}"))
        if d["checked_on"] is None:
            problems.append(Problem(f, w, "checked_on", "is verplicht"))
    for f, w, d in t["findings"]:
        if d["component"] and d["component"] not in keys:
            problems.append(Problem(f, w, "component", f"onbekend onderdeel “{d['component']}”"))
        if d["count"] is None or d["of_total"] is None or d["count"] > d["of_total"]:
            problems.append(
                Problem(f, w, "count", "count en of_total zijn verplicht, count ≤ of_total")
            )
        if not d["sentence"]:
            problems.append(
                Problem(f, w, "sentence", "is verplicht: de zin waar het getal vandaan komt")
            )
    if problems:
        raise FormatError(problems)
    with transaction.atomic():
        programme.protocol_components.all().delete()
        components = {}
        for i, (_f, _w, d) in enumerate(t["components"]):
            components[d["key"]] = Component.objects.create(programme=programme, position=i, **d)
        Check.objects.bulk_create(
            Check(region=regions[d["region"]], component=components[d["component"]], answer=d["answer"],
                  evidence=d["evidence"], note=d["note"], checked_on=d["checked_on"])
            for _f, _w, d in t["checks"]
        )  # fmt: skip
        programme.protocol_findings.all().delete()
        Finding.objects.bulk_create(
            Finding(programme=programme, position=i, component=components.get(d["component"]),
                    **{k: d[k] for k in ("label", "count", "of_total", "base", "sentence", "source")})
            for i, (_f, _w, d) in enumerate(t["findings"])
        )  # fmt: skip
        recorder = Recorder(actor=actor, programme=programme)
        recorder.record(
            subject="protocolchecklist", field="import", new=f"{len(t['checks'])} controles"
        )
        recorder.flush()
    return len(t["components"]) + len(t["checks"]) + len(t["findings"])


def tables(programme):
    components = list(programme.protocol_components.all())
    checks = Check.objects.filter(component__programme=programme).select_related(
        "region", "component"
    )
    return {
        "components": [{"key": c.key, "level": c.level, "name": c.name} for c in components],
        "checks": [
            {"region": c.region.slug, "component": c.component.key, "answer": c.answer,
             "evidence": c.evidence, "note": c.note, "checked_on": c.checked_on.isoformat()}
            for c in checks.order_by("region__position", "region__name", "component__position")
        ],
        "findings": [
            {"component": f.component.key if f.component else "", "label": f.label, "count": f.count,
             "of_total": f.of_total, "base": f.base, "sentence": f.sentence, "source": f.source}
            for f in programme.protocol_findings.select_related("component")
        ],
    }  # fmt: skip
