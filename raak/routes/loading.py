"""Import and export route maps: the programme's steps, each region's sectors and
check date, and its contacts per step (the drafts; publishing stays a national act).

- A file with only steps (like the demo file) changes only the steps; contacts of
  steps that are gone go with them.
- A file with contacts or regions replaces all contacts of the programme. A contact
  without a name keeps the consented name already recorded for the same region, step
  and organisation, so an export made without personal data can be imported back.
- An export leaves names and consent dates out unless `include_personal_data`.
"""

from django.db import transaction

from raak.lib import validation
from raak.lib.cleaning import SLUG
from raak.programmes import flat
from raak.programmes.history import Recorder
from raak.programmes.tables import FormatError, Problem
from raak.routes.models import Contact, RegionRoute, Step

SPEC = ("raak-route-maps/1", {
    "steps": [("key", "str"), ("title", "str"), ("instruction", "str"), ("record", "str"),
              ("contact_kinds", "labels"), ("source", "str")],
    "regions": [("region", "str"), ("sectors", "labels"), ("checked_on", "date")],
    "contacts": [("region", "str"), ("step", "str"), ("organisation", "str"), ("role", "str"),
                 ("phone", "str"), ("email", "str"), ("website", "str"), ("opening_hours", "str"),
                 ("person_name", "str"), ("consent_on", "date")],
})  # fmt: skip

LIMITS = {"title": 200, "organisation": 200, "role": 200, "opening_hours": 200,
          "person_name": 200, "source": 300}  # fmt: skip


def _check(problems, f, w, d):
    for k, n in LIMITS.items():
        if len(d.get(k) or "") > n:
            problems.append(Problem(f, w, k, f"hoogstens {n} tekens"))


def load(path, programme_slug=None, actor="import"):
    slug, t = flat.read(path, *SPEC, programme_slug)
    programme = flat.programme_for(slug, path)
    regions = {r.slug: r for r in programme.regions.all()}
    problems, keys = [], []
    for f, w, d in t["steps"]:
        if not SLUG.match(d["key"] or ""):
            problems.append(
                Problem(f, w, "key", "ontbreekt of is geen geldige sleutel (a-z, 0-9, -)")
            )
        elif d["key"] in keys:
            problems.append(Problem(f, w, "key", f"stap “{d['key']}” staat er al"))
        keys.append(d["key"])
        for k in ("title", "instruction"):
            if not d[k]:
                problems.append(Problem(f, w, k, "is verplicht"))
        _check(problems, f, w, d)
    if not t["steps"]:
        problems.append(Problem(str(path), "steps", "", "een routekaart heeft ten minste één stap"))
    seen = set()
    for f, w, d in t["regions"]:
        if d["region"] not in regions:
            problems.append(Problem(f, w, "region", f"onbekende regio “{d['region']}”"))
        if d["region"] in seen:
            problems.append(Problem(f, w, "region", "deze regio staat er al"))
        seen.add(d["region"])
    for f, w, d in t["contacts"]:
        if d["region"] not in regions:
            problems.append(Problem(f, w, "region", f"onbekende regio “{d['region']}”"))
        if d["step"] not in keys:
            problems.append(Problem(f, w, "step", f"onbekende stap “{d['step']}”"))
        if not d["organisation"]:
            problems.append(Problem(f, w, "organisation", "is verplicht"))
        for k, clean in (("phone", validation.clean_phone), ("email", validation.clean_email),
                         ("website", validation.clean_website)):  # fmt: skip
            try:
                d[k] = clean(d[k])
            except ValueError as e:
                problems.append(Problem(f, w, k, str(e)))
        if d["person_name"] and d["consent_on"] is None:
            problems.append(
                Problem(f, w, "consent_on", "zonder vastgelegde toestemming geen persoonsgegevens")
            )
        _check(problems, f, w, d)
    if problems:
        raise FormatError(problems)
    with transaction.atomic():
        _write(programme, regions, t)
        recorder = Recorder(actor=actor, programme=programme)
        recorder.record(subject="routekaart", field="import",
                        new=f"{len(t['steps'])} stappen, {len(t['contacts'])} contacten")  # fmt: skip
        recorder.flush()
    return sum(len(rows) for rows in t.values())


def _write(programme, regions, t):
    existing = {s.key: s for s in programme.route_steps.all()}
    wanted = [d for _f, _w, d in t["steps"]]
    for key, step in existing.items():
        if key not in {d["key"] for d in wanted}:
            step.delete()
    steps = {}
    for i, d in enumerate(wanted):
        step = existing.get(d["key"]) or Step(programme=programme, key=d["key"])
        for k in ("title", "instruction", "record", "contact_kinds", "source"):
            setattr(step, k, d[k])
        step.position = i
        step.save()
        steps[d["key"]] = step
    if not t["contacts"] and not t["regions"]:
        return
    old = Contact.objects.filter(region__programme=programme).select_related("region", "step")
    names = {(c.region.slug, c.step.key, c.organisation): (c.person_name, c.consent_on)
             for c in old if c.person_name}  # fmt: skip
    touched = {c.region.slug for c in old}
    old.delete()
    made = []
    for i, (_f, _w, d) in enumerate(t["contacts"]):
        name, consent = d["person_name"], d["consent_on"]
        if not name:
            name, consent = names.get((d["region"], d["step"], d["organisation"]), ("", None))
        made.append(Contact(
            region=regions[d["region"]], step=steps[d["step"]], position=i, person_name=name,
            consent_on=consent if name else None,
            **{k: d[k] for k in ("organisation", "role", "phone", "email", "website", "opening_hours")},
        ))  # fmt: skip
        touched.add(d["region"])
    Contact.objects.bulk_create(made)
    settings = {d["region"]: d for _f, _w, d in t["regions"]}
    for slug in touched | set(settings):
        route, _c = RegionRoute.objects.select_for_update().get_or_create(region=regions[slug])
        if slug in settings:
            route.sectors = settings[slug]["sectors"]
            route.checked_on = settings[slug]["checked_on"]
        # The draft moved: what is public stays until the national office publishes again.
        route.revision += 1
        route.version += 1
        route.save()


def tables(programme, include_personal_data=False):
    contacts = Contact.objects.filter(region__programme=programme).select_related("region", "step")
    routes = RegionRoute.objects.filter(region__programme=programme).select_related("region")
    return {
        "steps": [
            {"key": s.key, "title": s.title, "instruction": s.instruction, "record": s.record,
             "contact_kinds": s.contact_kinds, "source": s.source}
            for s in programme.route_steps.all()
        ],
        "regions": [
            {"region": r.region.slug, "sectors": r.sectors,
             "checked_on": r.checked_on.isoformat() if r.checked_on else None}
            for r in routes.order_by("region__position", "region__name")
            if r.sectors or r.checked_on
        ],
        "contacts": [
            {"region": c.region.slug, "step": c.step.key, "organisation": c.organisation,
             "role": c.role, "phone": c.phone, "email": c.email, "website": c.website,
             "opening_hours": c.opening_hours,
             "person_name": c.person_name if include_personal_data and c.consent_on else "",
             "consent_on": c.consent_on.isoformat() if include_personal_data and c.consent_on and c.person_name else None}
            for c in contacts.order_by("region__position", "region__name", "step__position", "position", "id")
        ],
    }  # fmt: skip
