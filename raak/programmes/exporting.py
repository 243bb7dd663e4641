"""A programme as plain tables (the exchange format), ready for tables.write_*."""

from pathlib import Path

from raak.programmes.models import IndicatorCategory, IndicatorValue, MilestoneStatus, Programme
from raak.programmes.tables import write_csv_dir, write_json, write_xlsx


def _iso(day):
    return day.isoformat() if day else None


def programme_tables(programme: Programme):
    p = programme
    regions = list(p.regions.prefetch_related("predecessors", "municipalities", "notes"))
    tables = {
        "programme": [{
            "slug": p.slug, "name": p.name, "period_start": _iso(p.period_start),
            "period_end": _iso(p.period_end), "description": p.description, "source": p.source,
        }],
        "milestones": [
            {"key": m.key, "name": m.name, "description": m.description} for m in p.milestones.all()
        ],
        "indicators": [
            {"key": i.key, "name": i.name, "description": i.description} for i in p.indicators.all()
        ],
        "indicator_categories": [
            {"indicator": c.indicator.key, "key": c.key, "label": c.label, "takes_date": c.takes_date}
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
            {"slug": r.slug, "name": r.name, "peildatum": _iso(r.peildatum), "state": r.state}
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
    return tables


def export_programme(programme, fmt, output_dir):
    """Write the programme to `output_dir` and return the paths written."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = programme_tables(programme)
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
