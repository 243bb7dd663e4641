"""The writing half of `importing.Importer`: after validation found no problem, the
file's rows go into the database (inside the importer's transaction). Existing rows
are updated field by field through the importer's history.Recorder; new statuses and
values go in through `bulk` (COPY or multi-row INSERT)."""

from collections import defaultdict

from raak.lib import bulk
from raak.programmes import history
from raak.programmes.models import (
    Indicator,
    IndicatorCategory,
    IndicatorValue,
    Milestone,
    MilestoneStatus,
    Programme,
    Region,
    RegionMunicipality,
    RegionNote,
    Round,
)

STATUS_FIELDS = ["status", "expected_text", "expected_earliest", "expected_latest", "note"]
COUNT_LABELS = {
    "milestone": "mijlpalen",
    "indicator": "indicatoren",
    "region": "regio's",
    "round": "rondes",
}


def write_programme(imp):
    rows = imp.rows["programme"]
    if not rows:
        return
    data = rows[0][1]
    if imp.programme is None:
        imp.programme = Programme.objects.create(**data)
    else:
        imp.recorder.programme = imp.programme
        imp.recorder.update(imp.programme, data, subject="programma")


def upsert(imp, model, existing, key, rows, fields, counts, parent=None, subject=""):
    """Create or update rows by key, keeping the file's order as position."""
    new = []
    ordered = any(f.name == "position" for f in model._meta.fields)
    for position, (_row, data) in enumerate(rows):
        values = {f: data[f] for f in fields}
        if ordered:
            values["position"] = position
        obj = existing.get(data[key])
        if obj is None:
            new.append(model(**{key: data[key]}, **values, **(parent or {})))
        elif imp.recorder.update(
            obj,
            values,
            subject=f"{subject} {data[key]}",
            region=obj if model is Region else None,
        ):
            counts[f"{COUNT_LABELS[model._meta.model_name]} bijgewerkt"] += 1
    for obj in model.objects.bulk_create(new):
        existing[getattr(obj, key)] = obj
    counts[f"{COUNT_LABELS[model._meta.model_name]} nieuw"] += len(new)


def write_definitions(imp, counts):
    p = {"programme": imp.programme}
    upsert(
        imp,
        Milestone,
        imp.milestones,
        "key",
        imp.rows["milestones"],
        ["name", "description"],
        counts,
        p,
        "mijlpaal",
    )
    upsert(
        imp,
        Indicator,
        imp.indicators,
        "key",
        imp.rows["indicators"],
        ["name", "description"],
        counts,
        p,
        "indicator",
    )
    new = []
    for position, (_row, d) in enumerate(imp.rows["indicator_categories"]):
        values = {"label": d["label"], "takes_date": d["takes_date"], "position": position}
        obj = imp.categories.get((d["indicator"], d["key"]))
        if obj is None:
            new.append(
                IndicatorCategory(indicator=imp.indicators[d["indicator"]], key=d["key"], **values)
            )
        else:
            imp.recorder.update(
                obj, values, subject=f"antwoordcategorie {d['indicator']}/{d['key']}"
            )
    for obj in IndicatorCategory.objects.bulk_create(new):
        imp.categories[(obj.indicator.key, obj.key)] = obj


def write_regions(imp, counts):
    fields = [
        "name",
        "centrumgemeente_code",
        "centrumgemeente_name",
        "province_code",
        "valid_from",
        "valid_to",
    ]
    upsert(
        imp,
        Region,
        imp.regions,
        "slug",
        imp.rows["regions"],
        fields,
        counts,
        {"programme": imp.programme},
        "regio",
    )
    links = Region.predecessors.through.objects.filter(from_region__programme=imp.programme)
    current = defaultdict(list)
    for region_id, slug in links.values_list("from_region_id", "to_region__slug"):
        current[region_id].append(slug)
    for _row, data in imp.rows["regions"]:
        region = imp.regions[data["slug"]]
        wanted = [imp.regions[s] for s in data["predecessors"]]
        old = sorted(current[region.id])
        if old != sorted(data["predecessors"]):
            region.predecessors.set(wanted)
            imp.recorder.record(
                region=region,
                subject=f"regio {region.slug}",
                field="predecessors",
                old=" ".join(old),
                new=" ".join(sorted(data["predecessors"])),
            )
    # Membership and notes: the file gives the whole list for each region it names.
    for table, model, cols in (
        ("region_municipalities", RegionMunicipality, ["code", "name"]),
        ("region_notes", RegionNote, ["date_text", "text", "source"]),
    ):
        by_region = defaultdict(list)
        for _row, data in imp.rows[table]:
            by_region[data["region"]].append({c: data[c] for c in cols})
        for slug, items in by_region.items():
            region = imp.regions[slug]
            manager = getattr(
                region, "municipalities" if table == "region_municipalities" else "notes"
            )
            old = [{c: getattr(o, c) for c in cols} for o in manager.all()]
            if old == items:
                continue
            manager.all().delete()
            if model is RegionNote:
                items_kw = [dict(item, position=i) for i, item in enumerate(items)]
            else:
                items_kw = items
            model.objects.bulk_create([model(region=region, **kw) for kw in items_kw])
            imp.recorder.record(
                region=region,
                subject=f"regio {slug}",
                field=table,
                old=history.describe(old),
                new=history.describe(items),
            )
            counts["lidgemeenten" if model is RegionMunicipality else "notities"] += len(items)


def write_rounds(imp, counts):
    upsert(
        imp,
        Round,
        imp.rounds,
        "slug",
        imp.rows["rounds"],
        ["name", "peildatum", "state"],
        counts,
        {"programme": imp.programme},
        "ronde",
    )


def write_statuses(imp, counts):
    rows = [(r, d) for r, d in imp.rows["milestone_statuses"] if d["ok"]]
    round_ids = {imp.rounds[d["round"]].id for _r, d in rows}
    existing = {
        (s.round_id, s.region_id, s.milestone_id): s
        for s in MilestoneStatus.objects.filter(round_id__in=round_ids)
    }
    new, changed = [], []
    for row, d in rows:
        rnd, region, milestone = (
            imp.rounds[d["round"]],
            imp.regions[d["region"]],
            imp.milestones[d["milestone"]],
        )
        period = d["period"]
        values = (
            d["status"],
            period.text if period else "",
            period.earliest if period else None,
            period.latest if period else None,
            d["note"],
        )
        obj = existing.get((rnd.id, region.id, milestone.id))
        frozen = rnd.id in imp.frozen_round_ids
        if obj is None:
            if frozen:
                imp.problem(row, "round", f"ronde “{rnd.slug}” is gesloten; statussen liggen vast")
                continue
            new.append((rnd.id, region.id, milestone.id, *values))
            imp.recorder.record(
                round=rnd,
                region=region,
                subject=milestone.name,
                field="status",
                new=d["status"],
                kind="status",
                object_id=milestone.id,
            )
        elif any(getattr(obj, k) != v for k, v in zip(STATUS_FIELDS, values, strict=True)):
            if frozen:
                imp.problem(row, "round", f"ronde “{rnd.slug}” is gesloten; statussen liggen vast")
                continue
            imp.recorder.update(
                obj,
                dict(zip(STATUS_FIELDS, values, strict=True)),
                subject=milestone.name,
                round=rnd,
                region=region,
                save=False,
                kind="status",
                object_id=milestone.id,
            )
            obj.version += 1
            changed.append(obj)
    bulk.insert_rows(MilestoneStatus, ["round", "region", "milestone", *STATUS_FIELDS], new)
    MilestoneStatus.objects.bulk_update(
        changed,
        [*STATUS_FIELDS, "version"],
        batch_size=2000,
    )
    counts["mijlpaalstatussen nieuw"] += len(new)
    counts["mijlpaalstatussen gewijzigd"] += len(changed)


def write_values(imp, counts):
    rows = [(r, d) for r, d in imp.rows["indicator_values"] if d["ok"]]
    round_ids = {imp.rounds[d["round"]].id for _r, d in rows}
    existing = {
        (v.round_id, v.region_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(round_id__in=round_ids).select_related("category")
    }
    new, changed = [], []
    for row, d in rows:
        rnd, region, indicator = (
            imp.rounds[d["round"]],
            imp.regions[d["region"]],
            imp.indicators[d["indicator"]],
        )
        category = imp.categories[(d["indicator"], d["category"])]
        values = {"category": category, "date": d["parsed_date"], "note": d["note"]}
        obj = existing.get((rnd.id, region.id, indicator.id))
        frozen = rnd.id in imp.frozen_round_ids
        if obj is None:
            if frozen:
                imp.problem(row, "round", f"ronde “{rnd.slug}” is gesloten; antwoorden liggen vast")
                continue
            new.append((rnd.id, region.id, indicator.id, category.id, d["parsed_date"], d["note"]))
            imp.recorder.record(
                round=rnd,
                region=region,
                subject=indicator.name,
                field="category",
                new=category.key,
                kind="indicator",
                object_id=indicator.id,
            )
        elif any(getattr(obj, k) != v for k, v in values.items()):
            if frozen:
                imp.problem(row, "round", f"ronde “{rnd.slug}” is gesloten; antwoorden liggen vast")
                continue
            imp.recorder.update(
                obj, values, subject=indicator.name, round=rnd, region=region, save=False,
                kind="indicator", object_id=indicator.id,
            )  # fmt: skip
            obj.version += 1
            changed.append(obj)
    bulk.insert_rows(
        IndicatorValue, ["round", "region", "indicator", "category", "date", "note"], new
    )
    IndicatorValue.objects.bulk_update(
        changed, ["category", "date", "note", "version"], batch_size=2000
    )
    counts["indicatorwaarden nieuw"] += len(new)
    counts["indicatorwaarden gewijzigd"] += len(changed)
