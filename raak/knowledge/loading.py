"""Import and export activities and action points (flat exchange files, see
`raak.programmes.flat`). An import checks every row first and then replaces the
programme's whole list in one transaction; any problem and nothing changes."""

from django.db import transaction

from raak.knowledge.models import ActionPoint, Activity, Theme
from raak.lib.cleaning import PV_CODE, SLUG
from raak.lib.periods import PeriodError, parse_period
from raak.programmes import flat
from raak.programmes.history import Recorder
from raak.programmes.tables import FormatError, Problem

ACTIVITIES = ("raak-activities/1", {
    "themes": [("key", "str:50"), ("name", "str:200"), ("parent", "str:50")],
    "activities": [
        ("key", "str:50"), ("title", "str:200"), ("description", "str"), ("theme", "str:50"),
        ("regions", "list"), ("province_codes", "list"), ("region_label", "str:200"),
        ("target_sectors", "labels"), ("partners", "labels"), ("links", "list"),
        ("status", "str:10"), ("note", "str"), ("source", "str:300"),
    ],
})  # fmt: skip
ACTION_POINTS = ("raak-action-points/1", {
    "action_points": [
        ("region", "str:50"), ("year", "int"), ("number", "int"), ("text", "str"), ("context", "str"),
        ("planned_start", "str:100"), ("status", "str:10"), ("obstacles", "str"), ("tags", "labels"),
        ("note", "str"), ("source", "str:300"),
    ],
})  # fmt: skip


def load_activities(path, programme_slug=None, actor="import"):
    slug, tables = flat.read(path, *ACTIVITIES, programme_slug)
    programme = flat.programme_for(slug, path)
    problems = []
    regions = {r.slug: r for r in programme.regions.all()}
    theme_keys = {d["key"] for _f, _w, d in tables["themes"]}
    for file, where, d in tables["themes"]:
        if not SLUG.match(d["key"]):
            problems.append(Problem(file, where, "key", "ontbreekt of is geen geldige sleutel"))
        if not d["name"]:
            problems.append(Problem(file, where, "name", "is verplicht"))
        if d["parent"] and d["parent"] not in theme_keys:
            problems.append(Problem(file, where, "parent", f"onbekend thema “{d['parent']}”"))
    seen = set()
    for file, where, d in tables["activities"]:
        if not SLUG.match(d["key"]) or d["key"] in seen:
            problems.append(
                Problem(file, where, "key", "ontbreekt, is ongeldig of staat er dubbel in")
            )
        seen.add(d["key"])
        for col in ("title", "description"):
            if not d[col]:
                problems.append(Problem(file, where, col, "is verplicht"))
        if d["theme"] not in theme_keys:
            problems.append(Problem(file, where, "theme", f"onbekend thema “{d['theme']}”"))
        for slug_ in d["regions"]:
            if slug_ not in regions:
                problems.append(Problem(file, where, "regions", f"onbekende regio “{slug_}”"))
        for code in d["province_codes"]:
            if not PV_CODE.match(code):
                problems.append(
                    Problem(file, where, "province_codes", f"“{code}” is geen CBS-provinciecode")
                )
        d["status"] = d["status"] or Activity.UNKNOWN
        if d["status"] not in dict(Activity.STATUSES):
            problems.append(Problem(file, where, "status", f"“{d['status']}” is geen status"))
    if problems:
        raise FormatError(problems)

    with transaction.atomic():
        programme.activities.all().delete()
        programme.themes.all().delete()
        themes = {}
        for position, (_f, _w, d) in enumerate(tables["themes"]):
            themes[d["key"]] = Theme.objects.create(
                programme=programme, key=d["key"], name=d["name"], position=position,
                parent=themes.get(d["parent"]),
            )  # fmt: skip
        for _f, _w, d in tables["activities"]:
            region_slugs = d.pop("regions")
            d["theme"] = themes[d["theme"]]
            activity = Activity(programme=programme, **d)
            activity.save()
            activity.regions.set([regions[s] for s in region_slugs])
        _record(programme, actor, "activiteiten", len(tables["activities"]))
    return len(tables["activities"])


def load_action_points(path, programme_slug=None, actor="import"):
    slug, tables = flat.read(path, *ACTION_POINTS, programme_slug)
    programme = flat.programme_for(slug, path)
    regions = {r.slug: r for r in programme.regions.all()}
    problems, objects, seen = [], [], set()
    for file, where, d in tables["action_points"]:
        region = regions.get(d["region"])
        if region is None:
            problems.append(Problem(file, where, "region", f"onbekende regio “{d['region']}”"))
        for col in ("year", "number"):
            if d[col] is None:
                problems.append(Problem(file, where, col, "is verplicht"))
        if (d["region"], d["year"], d["number"]) in seen:
            problems.append(
                Problem(file, where, "number", "dit nummer staat er al voor deze regio en dit jaar")
            )
        seen.add((d["region"], d["year"], d["number"]))
        if not d["text"]:
            problems.append(Problem(file, where, "text", "is verplicht"))
        status = d["status"] or ActionPoint.PLANNED
        if status not in dict(ActionPoint.STATUSES):
            problems.append(Problem(file, where, "status", f"“{status}” is geen status"))
        period = None
        if d["planned_start"]:
            try:
                period = parse_period(d["planned_start"])
            except PeriodError as e:
                problems.append(Problem(file, where, "planned_start", str(e)))
        objects.append(ActionPoint(
            programme=programme, region=region, year=d["year"] or 0, number=d["number"] or 0,
            text=d["text"], context=d["context"], status=status, obstacles=d["obstacles"],
            planned_text=period.text if period else "",
            planned_earliest=period.earliest if period else None,
            planned_latest=period.latest if period else None,
            tags=d["tags"], note=d["note"], source=d["source"],
        ))  # fmt: skip
    if problems:
        raise FormatError(problems)
    with transaction.atomic():
        programme.action_points.all().delete()
        ActionPoint.objects.bulk_create(objects)
        _record(programme, actor, "actiepunten", len(objects))
    return len(objects)


def _record(programme, actor, what, n):
    recorder = Recorder(actor=actor, programme=programme)
    recorder.record(subject=what, field="import", new=f"{n} rijen")
    recorder.flush()


def activity_tables(programme):
    themes = list(programme.themes.select_related("parent"))
    activities = (
        Activity.objects.filter(programme=programme)
        .select_related("theme")
        .prefetch_related("regions")
        .order_by("key")
    )
    return {
        "themes": [{"key": t.key, "name": t.name, "parent": t.parent.key if t.parent else ""} for t in themes],
        "activities": [
            {"key": a.key, "title": a.title, "description": a.description, "theme": a.theme.key,
             "regions": sorted(r.slug for r in a.regions.all()), "province_codes": a.province_codes,
             "region_label": a.region_label, "target_sectors": a.target_sectors, "partners": a.partners,
             "links": a.links, "status": a.status, "note": a.note, "source": a.source}
            for a in activities
        ],
    }  # fmt: skip


def action_point_tables(programme):
    points = ActionPoint.objects.filter(programme=programme).select_related("region")
    return {
        "action_points": [
            {"region": p.region.slug, "year": p.year, "number": p.number, "text": p.text,
             "context": p.context, "planned_start": p.planned_text, "status": p.status,
             "obstacles": p.obstacles, "tags": p.tags, "note": p.note, "source": p.source}
            for p in points
        ]
    }  # fmt: skip
