"""Import activities and action points from their JSON exchange files. All or nothing:
every row is checked first and every problem is reported with its place."""

import json
from pathlib import Path

from django.db import transaction

from raak.knowledge.models import ActionPoint, Activity, Theme
from raak.programmes.cleaning import PV_CODE, SLUG
from raak.programmes.models import Programme
from raak.programmes.periods import PeriodError, parse_period
from raak.programmes.tables import FormatError, Problem


def _read(path, fmt):
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FormatError(
            [Problem(path.name, "", "", f"geen leesbaar JSON-bestand: {e}")]
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        raise FormatError([Problem(path.name, "", "format", f'verwacht "format": "{fmt}"')])
    programme = Programme.objects.filter(slug=doc.get("programme")).first()
    if programme is None:
        raise FormatError(
            [
                Problem(
                    path.name, "", "programme", f"programma “{doc.get('programme')}” bestaat niet"
                )
            ]
        )
    return path.name, doc, programme


def _rows(name, doc, table):
    rows = doc.get(table, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise FormatError([Problem(name, table, "", "verwacht een lijst van objecten")])
    return [(f"{table}[{i}]", r) for i, r in enumerate(rows)]


def load_activities(path):
    name, doc, programme = _read(path, "raak-activities/1")
    problems = []
    regions = {r.slug: r for r in programme.regions.all()}
    themes = _rows(name, doc, "themes")
    theme_keys = {r.get("key") for _w, r in themes}
    for where, r in themes:
        if not SLUG.match(str(r.get("key", ""))):
            problems.append(Problem(name, where, "key", "ontbreekt of is geen geldige sleutel"))
        if not r.get("name"):
            problems.append(Problem(name, where, "name", "is verplicht"))
        if r.get("parent") and r["parent"] not in theme_keys:
            problems.append(Problem(name, where, "parent", f"onbekend thema “{r['parent']}”"))
    activities = _rows(name, doc, "activities")
    seen = set()
    for where, r in activities:
        key = str(r.get("key", ""))
        if not SLUG.match(key) or key in seen:
            problems.append(
                Problem(name, where, "key", "ontbreekt, is ongeldig of staat er dubbel in")
            )
        seen.add(key)
        for col in ("title", "description"):
            if not str(r.get(col, "")).strip():
                problems.append(Problem(name, where, col, "is verplicht"))
        if r.get("subtheme") not in theme_keys:
            problems.append(
                Problem(name, where, "subtheme", f"onbekend thema “{r.get('subtheme')}”")
            )
        for slug in r.get("regions", []):
            if slug not in regions:
                problems.append(Problem(name, where, "regions", f"onbekende regio “{slug}”"))
        for code in r.get("province_codes", []):
            if not PV_CODE.match(code):
                problems.append(
                    Problem(name, where, "province_codes", f"“{code}” is geen CBS-provinciecode")
                )
        if r.get("status", "unknown") not in dict(Activity.STATUSES):
            problems.append(Problem(name, where, "status", f"“{r.get('status')}” is geen status"))
    if problems:
        raise FormatError(problems)

    with transaction.atomic():
        programme.activities.all().delete()
        programme.themes.all().delete()
        by_key = {}
        for position, (_w, r) in enumerate(themes):
            by_key[r["key"]] = Theme.objects.create(
                programme=programme, key=r["key"], name=r["name"], position=position,
                parent=by_key.get(r.get("parent") or ""),
            )  # fmt: skip
        for _w, r in activities:
            a = Activity(
                programme=programme, key=r["key"], title=r["title"], description=r["description"],
                theme=by_key[r["subtheme"]], province_codes=r.get("province_codes", []),
                region_label=r.get("region_label", ""), target_sectors=r.get("target_sectors", []),
                partners=r.get("partners", []), links=r.get("links", []),
                status=r.get("status", "unknown"), note=r.get("note", ""), source=r.get("source", ""),
            )  # fmt: skip
            a.save()
            a.regions.set([regions[s] for s in r.get("regions", [])])
    return len(activities)


def load_action_points(path):
    name, doc, programme = _read(path, "raak-action-points/1")
    regions = {r.slug: r for r in programme.regions.all()}
    problems, objects, seen = [], [], set()
    for where, r in _rows(name, doc, "action_points"):
        region = regions.get(r.get("region"))
        if region is None:
            problems.append(Problem(name, where, "region", f"onbekende regio “{r.get('region')}”"))
        if not isinstance(r.get("year"), int) or not isinstance(r.get("number"), int):
            problems.append(Problem(name, where, "year", "year en number zijn gehele getallen"))
            continue
        if (r.get("region"), r["year"], r["number"]) in seen:
            problems.append(
                Problem(name, where, "number", "dit nummer staat er al voor deze regio en dit jaar")
            )
        seen.add((r.get("region"), r["year"], r["number"]))
        if not str(r.get("text", "")).strip():
            problems.append(Problem(name, where, "text", "is verplicht"))
        if r.get("status", "planned") not in dict(ActionPoint.STATUSES):
            problems.append(Problem(name, where, "status", f"“{r.get('status')}” is geen status"))
        period = None
        if r.get("planned_start"):
            try:
                period = parse_period(r["planned_start"])
            except PeriodError as e:
                problems.append(Problem(name, where, "planned_start", str(e)))
        objects.append(ActionPoint(
            programme=programme, region=region, year=r["year"], number=r["number"],
            text=r.get("text", ""), context=r.get("context", ""),
            planned_text=period.text if period else "", planned_earliest=period and period.earliest,
            planned_latest=period and period.latest, status=r.get("status", "planned"),
            obstacles=r.get("obstacles", ""), tags=r.get("tags", []), note=r.get("note", ""),
        ))  # fmt: skip
    if problems:
        raise FormatError(problems)
    with transaction.atomic():
        programme.action_points.all().delete()
        ActionPoint.objects.bulk_create(objects)
    return len(objects)
