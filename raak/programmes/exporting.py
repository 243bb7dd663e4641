"""A programme as plain tables (the exchange format), ready for tables.write_*."""

from pathlib import Path

from raak.programmes.models import (
    IndicatorCategory,
    IndicatorValue,
    MilestoneStatus,
    Programme,
    Round,
)
from raak.programmes.tables import write_csv_dir, write_json, write_xlsx

STATUS_ORDER = {k: i for i, (k, _l) in enumerate(MilestoneStatus.STATUSES)}


def _iso(day):
    return day.isoformat() if day else None


def programme_tables(programme: Programme, published_only=False):
    p = programme
    regions = list(p.regions.prefetch_related("predecessors", "municipalities", "notes"))
    tables = {
        "programme": [{
            "slug": p.slug, "name": p.name, "period_start": _iso(p.period_start),
            "period_end": _iso(p.period_end), "description": p.description, "source": p.source,
            "name_en": p.name_en, "milestone_annex_key": p.milestone_annex_key,
            "milestone_annex_title": p.milestone_annex_title,
            "milestone_annex_title_en": p.milestone_annex_title_en,
        }],
        "status_labels": [
            {"status": s.status, "label": s.label, "label_en": s.label_en}
            for s in sorted(p.status_labels.all(), key=lambda s: STATUS_ORDER.get(s.status, 99))
        ],
        "indicator_groups": [
            {"key": g.key, "name": g.name, "name_en": g.name_en, "annex_title": g.annex_title,
             "annex_title_en": g.annex_title_en, "annex_caption": g.annex_caption,
             "annex_caption_en": g.annex_caption_en}
            for g in p.indicator_groups.all()
        ],
        "sections": [
            {"section": s.section, "name": s.name, "name_en": s.name_en, "title": s.title,
             "title_en": s.title_en, "term": s.term, "term_en": s.term_en}
            for s in p.section_names.order_by("section")
        ],
        "milestones": [
            {"key": m.key, "name": m.name, "description": m.description, "name_en": m.name_en,
             "statuses": m.used_statuses.split(),
             "depends_on": m.depends_on.key if m.depends_on else ""}
            for m in p.milestones.select_related("depends_on")
        ],
        "rules": [
            {"key": r.key, "name": r.name, "name_en": r.name_en, "message": r.message,
             "message_en": r.message_en, "importance": r.importance, "scope": r.scope,
             "condition": r.condition}
            for r in p.rules.all()
        ],
        "indicators": [
            {"key": i.key, "name": i.name, "description": i.description, "name_en": i.name_en,
             "group": i.group.key if i.group else ""}
            for i in p.indicators.select_related("group")
        ],
        "indicator_categories": [
            {"indicator": c.indicator.key, "key": c.key, "label": c.label, "takes_date": c.takes_date,
             "label_en": c.label_en}
            for c in IndicatorCategory.objects.filter(indicator__programme=p)
            .select_related("indicator").order_by("indicator__position", "indicator__key", "position", "key")
        ],
        "regions": [
            {
                "slug": r.slug, "name": r.name, "centrumgemeente_code": r.centrumgemeente_code,
                "centrumgemeente_name": r.centrumgemeente_name, "province_code": r.province_code,
                "valid_from": _iso(r.valid_from), "valid_to": _iso(r.valid_to),
                "predecessors": sorted(x.slug for x in r.predecessors.all()),
            }
            for r in regions
        ],
        "region_municipalities": [
            {"region": r.slug, "code": m.code, "name": m.name} for r in regions for m in r.municipalities.all()
        ],
        "region_notes": [
            {"region": r.slug, "date_text": n.date_text, "text": n.text, "source": n.source}
            for r in regions for n in r.notes.all()
        ],
        "rounds": [
            {"slug": r.slug, "name": r.name, "peildatum": _iso(r.peildatum), "state": r.state,
             "name_en": r.name_en, "source": r.source}
            for r in p.rounds.all()
        ],
        "milestone_statuses": [
            {
                "round": s.round.slug, "region": s.region.slug, "milestone": s.milestone.key,
                "status": s.status, "expected": s.expected_text, "note": s.note,
            }
            for s in MilestoneStatus.objects.filter(round__programme=p)
            .select_related("round", "region", "milestone")
            .order_by("round__peildatum", "round__slug", "region__position", "region__name",
                      "milestone__position", "milestone__key")
        ],
        "indicator_values": [
            {
                "round": v.round.slug, "region": v.region.slug, "indicator": v.indicator.key,
                "category": v.category.key, "date": _iso(v.date) or "", "note": v.note,
            }
            for v in IndicatorValue.objects.filter(round__programme=p)
            .select_related("round", "region", "indicator", "category")
            .order_by("round__peildatum", "round__slug", "region__position", "region__name",
                      "indicator__position", "indicator__key")
        ],
    }  # fmt: skip
    if published_only:
        # What an archive of the publication holds: nothing of a round that is not public.
        public = {r["slug"] for r in tables["rounds"] if r["state"] == Round.PUBLISHED}
        tables["rounds"] = [r for r in tables["rounds"] if r["slug"] in public]
        for key in ("milestone_statuses", "indicator_values"):
            tables[key] = [row for row in tables[key] if row["round"] in public]
    return tables


def export_programme(programme, fmt, output_dir, published_only=False):
    """Write the programme to `output_dir` and return the paths written.
    `published_only`: only published rounds and their statuses and values (an archive)."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = programme_tables(programme, published_only)
    if fmt == "json":
        path = out / f"{programme.slug}.json"
        write_json(tables, path)
        return [path]
    if fmt == "xlsx":
        path = out / f"{programme.slug}.xlsx"
        write_xlsx(tables, path)
        return [path]
    if fmt == "csv":
        write_csv_dir(tables, out)
        return sorted(out.glob("*.csv"))
    raise ValueError(f"unknown format {fmt}")
