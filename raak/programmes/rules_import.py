"""Validation rules and milestone dependencies in an import (rules.py).

Kept apart from importing.py, which calls `validate` after its own checks and `write`
after the definitions exist. Both are optional in a file: without the `rules` table the
programme keeps its rules, without the `depends_on` column its dependencies.
"""

from raak.programmes import rules
from raak.programmes.expressions import ExpressionError
from raak.programmes.models import ValidationRule

IMPORTANCES = [k for k, _l in ValidationRule.IMPORTANCES]
SCOPES = [k for k, _l in ValidationRule.SCOPES]


def validate(imp):
    p = imp.programme
    milestones = set(imp.milestones) | {d["key"] for _r, d in imp.rows["milestones"]}
    indicators = set(imp.indicators) | {d["key"] for _r, d in imp.rows["indicators"]}
    questions = rules.question_keys(p) if p else set()

    imp.depends_on = {}
    if p:
        keys = dict(p.milestones.values_list("id", "key"))
        imp.depends_on = {
            key: keys.get(dep, "") for key, dep in p.milestones.values_list("key", "depends_on")
        }
    for row, data in imp.rows["milestones"]:
        if "depends_on" not in row.data:
            data["depends_on"] = imp.depends_on.get(data["key"], "")
        dep = data["depends_on"]
        if dep and dep not in milestones:
            imp.problem(row, "depends_on", f"onbekende mijlpaal “{dep}”")
        elif dep and dep == data["key"]:
            imp.problem(row, "depends_on", "een mijlpaal kan niet van zichzelf afhangen")
        imp.depends_on[data["key"]] = dep
    for row, data in imp.rows["milestones"]:
        seen, key = set(), data["key"]
        while key and key not in seen:
            seen.add(key)
            key = imp.depends_on.get(key, "")
        if key and key == data["key"] and len(seen) > 1:
            imp.problem(row, "depends_on", "de afhankelijkheden vormen een kring")

    for row, data in imp.rows["rules"]:
        if not imp._required(row, data, "key", "name", "message", "condition"):
            continue
        imp._slug(row, data, "key")
        data["importance"] = data["importance"] or ValidationRule.WARNING
        data["scope"] = data["scope"] or ValidationRule.REGION
        if data["importance"] not in IMPORTANCES:
            imp.problem(row, "importance", f"kies {' of '.join(IMPORTANCES)}")
        if data["scope"] not in SCOPES:
            imp.problem(row, "scope", f"kies {' of '.join(SCOPES)}")
            continue
        try:
            rules.check(data["condition"], data["scope"], milestones, indicators, questions)
        except ExpressionError as e:
            imp.problem(row, "condition", str(e))
    imp._unique("rules", "key")


def write(imp):
    p = imp.programme
    milestones = {m.key: m for m in p.milestones.all()}
    for _row, data in imp.rows["milestones"]:
        m = milestones[data["key"]]
        dep = milestones.get(data["depends_on"]) if data["depends_on"] else None
        if m.depends_on_id != (dep.id if dep else None):
            old = next((k for k, o in milestones.items() if o.id == m.depends_on_id), "")
            m.depends_on = dep
            m.save(update_fields=["depends_on"])
            imp.recorder.record(subject=f"mijlpaal {m.key}", field="depends_on", old=old,
                                new=data["depends_on"])  # fmt: skip
    existing = {r.key: r for r in p.rules.all()}
    fields = ["name", "name_en", "message", "message_en", "importance", "scope", "condition"]
    start = len(existing)
    for position, (_row, data) in enumerate(imp.rows["rules"]):
        values = {f: data[f] for f in fields}
        rule = existing.get(data["key"])
        if rule is None:
            ValidationRule.objects.create(programme=p, key=data["key"], position=start + position,
                                          **values)  # fmt: skip
            imp.recorder.record(subject=f"regel {data['key']}", field="import", new=data["key"])
        else:
            imp.recorder.update(rule, values, subject=f"regel {data['key']}")
