"""The programme's own words in an import: status labels, indicator groups, section
names, English names and which statuses a milestone uses (wording.py).

Kept apart from importing.py, which calls `validate` before and `write` after its own
work. Every column here is optional: a file without it (every file from before these
columns existed) keeps what the database holds, or neutral words for a new programme
(wording.py's defaults; never the seed programme's own words).
"""

from raak.programmes.models import (
    IndicatorGroup,
    MilestoneStatus,
    Programme,
    SectionName,
    StatusLabel,
)

STATUS_KEYS = [k for k, _label in MilestoneStatus.STATUSES]
# Every milestone can be done, and a region that has not reported is unknown.
REQUIRED_STATUSES = {MilestoneStatus.DONE, MilestoneStatus.UNKNOWN}

# Anchors the national picture uses itself (raak/templates/picture/national.html),
# and base.html's "main", the skip link's target.
PAGE_IDS = {
    "mijlpalen", "indicatoren", "kaarten", "map-heading", "map-panel", "annex-milestones", "main",
}  # fmt: skip

# (table, column in the file, model attribute, what a new row gets when the file lacks it)
OPTIONAL = {
    "programme": [
        ("name_en", "name_en", ""),
        ("milestone_annex_key", "milestone_annex_key", None),
        ("milestone_annex_title", "milestone_annex_title", None),
        ("milestone_annex_title_en", "milestone_annex_title_en", None),
    ],
    "milestones": [("name_en", "name_en", ""), ("statuses", "used_statuses", "")],
    "indicators": [("name_en", "name_en", ""), ("group", "group_key", "")],
    "indicator_categories": [("label_en", "label_en", "")],
    "rounds": [("name_en", "name_en", ""), ("source", "source", "")],
}


def _model_default(attr):
    return Programme._meta.get_field(attr).get_default()


def _existing(imp, table, data):
    if table == "programme":
        return imp.programme
    if table == "milestones":
        return imp.milestones.get(data["key"])
    if table == "indicators":
        return imp.indicators.get(data["key"])
    if table == "indicator_categories":
        return imp.categories.get((data["indicator"], data["key"]))
    return imp.rounds.get(data["slug"])


def _value(obj, attr):
    if attr == "group_key":
        return obj.group.key if obj.group_id else ""
    value = getattr(obj, attr)
    return value.split() if attr == "used_statuses" else value


def _fill_absent(imp):
    """A column the file does not have keeps the stored value (or the default)."""
    for table, columns in OPTIONAL.items():
        for row, data in imp.rows[table]:
            for column, attr, default in columns:
                if column in row.data:
                    continue
                obj = _existing(imp, table, data)
                if obj is not None:
                    data[column] = _value(obj, attr)
                else:
                    data[column] = _model_default(attr) if default is None else default


def validate(imp):
    """Check the wording tables and columns; row-named problems go to imp.problems."""
    _fill_absent(imp)
    for row, data in imp.rows["programme"]:
        if not data["milestone_annex_key"]:
            data["milestone_annex_key"] = _model_default("milestone_annex_key")
        if imp._slug(row, data, "milestone_annex_key") and data["milestone_annex_key"] in PAGE_IDS:
            imp.problem(row, "milestone_annex_key", "is al een anker op het landelijk beeld")
        if not data["milestone_annex_title"]:
            data["milestone_annex_title"] = _model_default("milestone_annex_title")

    for row, data in imp.rows["status_labels"]:
        if imp._required(row, data, "status", "label") and data["status"] not in STATUS_KEYS:
            imp.problem(
                row, "status", f"“{data['status']}” is geen status; kies {', '.join(STATUS_KEYS)}"
            )
    imp._unique("status_labels", "status")

    p = imp.programme
    group_keys = set(p.indicator_groups.values_list("key", flat=True)) if p else set()
    annex_key = (
        imp.rows["programme"][0][1]["milestone_annex_key"]
        if imp.rows["programme"]
        else (p.milestone_annex_key if p else "")
    )
    for row, data in imp.rows["indicator_groups"]:
        if imp._required(row, data, "key", "name"):
            imp._slug(row, data, "key")
            group_keys.add(data["key"])
            # The key is an anchor on the national picture: two equal ids break it.
            # A group's annex caption is "annex-" + key: "milestones" would repeat one.
            if (
                data["key"] in PAGE_IDS
                or f"annex-{data['key']}" in PAGE_IDS
                or data["key"] == annex_key
            ):
                imp.problem(row, "key", f"“{data['key']}” is al een anker op het landelijk beeld")
    imp._unique("indicator_groups", "key")

    for row, data in imp.rows["sections"]:
        if (
            imp._required(row, data, "section", "name")
            and data["section"] not in SectionName.SECTIONS
        ):
            imp.problem(
                row,
                "section",
                f"“{data['section']}” is geen onderdeel; kies {', '.join(SectionName.SECTIONS)}",
            )
    imp._unique("sections", "section")

    imp.used_statuses = {k: m.status_keys for k, m in imp.milestones.items()}
    for row, data in imp.rows["milestones"]:
        chosen = data["statuses"]
        unknown = [s for s in chosen if s not in STATUS_KEYS]
        if unknown:
            imp.problem(
                row, "statuses",
                f"onbekende status “{unknown[0]}”; kies uit {', '.join(STATUS_KEYS)}",
            )  # fmt: skip
        elif chosen and not REQUIRED_STATUSES <= set(chosen):
            imp.problem(row, "statuses", "done en unknown horen bij elke mijlpaal")
        ordered = [k for k in STATUS_KEYS if k in chosen]
        data["used_statuses"] = " ".join(ordered) if set(ordered) != set(STATUS_KEYS) else ""
        imp.used_statuses[data["key"]] = ordered or STATUS_KEYS

    for row, data in imp.rows["indicators"]:
        if data["group"] and data["group"] not in group_keys:
            imp.problem(row, "group", f"onbekende indicatorgroep “{data['group']}”")


def validate_status_use(imp):
    """After importing.py's own status checks: a status the milestone does not use."""
    for row, data in imp.rows["milestone_statuses"]:
        allowed = imp.used_statuses.get(data["milestone"])
        if data.get("ok") and allowed and data["status"] not in allowed:
            imp.problem(
                row, "status",
                f"mijlpaal “{data['milestone']}” kent de status “{data['status']}” niet; "
                f"kies {', '.join(allowed)}",
            )  # fmt: skip
            data["ok"] = False


def _replace_rows(imp, model, key, rows, fields, subject):
    """The file's rows of a wording table replace the programme's (by key)."""
    existing = {getattr(o, key): o for o in model.objects.filter(programme=imp.programme)}
    out = {}
    for position, (_row, data) in enumerate(rows):
        values = {f: data[f] for f in fields}
        if any(f.name == "position" for f in model._meta.fields):
            values["position"] = position
        obj = existing.get(data[key])
        if obj is None:
            obj = model.objects.create(programme=imp.programme, **{key: data[key]}, **values)
            imp.recorder.record(subject=f"{subject} {data[key]}", field="import", new=data[key])
        else:
            imp.recorder.update(obj, values, subject=f"{subject} {data[key]}")
        out[data[key]] = obj
    return out


def write(imp, old_keys):
    """Write the wording after importing.py wrote definitions and rounds. What is not
    in `old_keys` (keys_before) is new in this import: it gets its values without a
    change record each, as importing.py does for new rows."""
    _replace_rows(imp, StatusLabel, "status", imp.rows["status_labels"], ["label", "label_en"],
                  "statuslabel")  # fmt: skip
    groups = {g.key: g for g in imp.programme.indicator_groups.all()}
    groups.update(
        _replace_rows(
            imp, IndicatorGroup, "key", imp.rows["indicator_groups"],
            ["name", "name_en", "annex_title", "annex_title_en", "annex_caption",
             "annex_caption_en"],
            "indicatorgroep",
        )
    )  # fmt: skip
    _replace_rows(imp, SectionName, "section", imp.rows["sections"],
                  ["name", "name_en", "title", "title_en", "term", "term_en"],
                  "onderdeel")  # fmt: skip
    tables = (
        ("milestones", imp.milestones, lambda d: d["key"], "mijlpaal",
         lambda d: {"name_en": d["name_en"], "used_statuses": d["used_statuses"]}),
        ("indicators", imp.indicators, lambda d: d["key"], "indicator",
         lambda d: {"name_en": d["name_en"], "group": groups.get(d["group"])}),
        ("indicator_categories", imp.categories, lambda d: (d["indicator"], d["key"]),
         "antwoordcategorie", lambda d: {"label_en": d["label_en"]}),
        ("rounds", imp.rounds, lambda d: d["slug"], "ronde",
         lambda d: {"name_en": d["name_en"], "source": d["source"]}),
    )  # fmt: skip
    for table, existing, key_of, subject, values_of in tables:
        fresh = []
        for _row, data in imp.rows[table]:
            key, values = key_of(data), values_of(data)
            obj = existing[key]
            if (table, key) not in old_keys:
                for k, v in values.items():
                    setattr(obj, k, v)
                fresh.append(obj)
            else:
                imp.recorder.update(obj, values, subject=f"{subject} {key}")
        if fresh:
            type(fresh[0]).objects.bulk_update(fresh, list(values_of(imp.rows[table][0][1])))


def keys_before(imp):
    """What existed before the write: everything else in the file is new."""
    return {
        (table, key)
        for table, existing in (
            ("milestones", imp.milestones),
            ("indicators", imp.indicators),
            ("indicator_categories", imp.categories),
            ("rounds", imp.rounds),
        )  # fmt: skip
        for key in existing
    }
