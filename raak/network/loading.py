"""Import and export the network of aandachtsfunctionarissen.

Officers' names and contact details are personal data: an export leaves them out
unless asked for explicitly (`include_personal_data`), an import refuses an officer
without a consent date, and an import without officers keeps the ones recorded."""

from django.db import transaction

from raak.network.models import Institution, Meeting, Officer
from raak.programmes import flat
from raak.programmes.history import Recorder
from raak.programmes.tables import FormatError, Problem

SPEC = ("raak-network/1", {
    "institutions": [("region", "str:50"), ("name", "str:200"), ("sector", "str:100"), ("officer_appointed", "bool")],
    "officers": [("region", "str:50"), ("institution", "str:200"), ("name", "str:200"), ("email", "str:254"),
                 ("phone", "str:30"), ("consent_on", "date")],
    "meetings": [("region", "str:50"), ("date", "date"), ("attendance", "int"), ("note", "str")],
})  # fmt: skip


def load(path, programme_slug=None, actor="import"):
    slug, t = flat.read(path, *SPEC, programme_slug)
    programme = flat.programme_for(slug, path)
    regions = {r.slug: r for r in programme.regions.all()}
    names = {(d["region"], d["name"]) for _f, _w, d in t["institutions"]}
    problems, seen = [], set()
    for f, w, d in t["institutions"]:
        if d["region"] not in regions:
            problems.append(Problem(f, w, "region", f"onbekende regio “{d['region']}”"))
        if not d["name"] or not d["sector"]:
            problems.append(Problem(f, w, "name", "naam en sector zijn verplicht"))
        if (d["region"], d["name"]) in seen:
            problems.append(Problem(f, w, "name", "deze instelling staat er al voor deze regio"))
        seen.add((d["region"], d["name"]))
    for f, w, d in t["officers"]:
        if (d["region"], d["institution"]) not in names:
            problems.append(
                Problem(
                    f,
                    w,
                    "institution",
                    f"onbekende instelling “{d['institution']}” in “{d['region']}”",
                )
            )
        if not d["name"]:
            problems.append(Problem(f, w, "name", "is verplicht"))
        if d["consent_on"] is None:
            problems.append(
                Problem(f, w, "consent_on", "zonder vastgelegde toestemming geen persoonsgegevens")
            )
    for f, w, d in t["meetings"]:
        if d["region"] not in regions:
            problems.append(Problem(f, w, "region", f"onbekende regio “{d['region']}”"))
        if d["date"] is None or d["attendance"] is None:
            problems.append(Problem(f, w, "date", "datum en opkomst zijn verplicht"))
    if problems:
        raise FormatError(problems)
    with transaction.atomic():
        # Institutions are matched by region and name, so an import without officers (an
        # export made without personal data) keeps the officers already recorded.
        existing = {(i.region.slug, i.name): i for i in
                    Institution.objects.filter(region__programme=programme).select_related("region")}  # fmt: skip
        wanted = {(d["region"], d["name"]): d for _f, _w, d in t["institutions"]}
        for key, institution in existing.items():
            if key not in wanted:
                institution.delete()
        made = {}
        for key, d in wanted.items():
            institution = existing.get(key) or Institution(
                region=regions[d["region"]], name=d["name"]
            )
            institution.sector, institution.officer_appointed = d["sector"], d["officer_appointed"]
            institution.save()
            made[key] = institution
        if t["officers"]:
            Officer.objects.filter(institution__in=made.values()).delete()
        Meeting.objects.filter(region__programme=programme).delete()
        Officer.objects.bulk_create(
            Officer(institution=made[d["region"], d["institution"]], name=d["name"], email=d["email"],
                    phone=d["phone"], consent_on=d["consent_on"])
            for _f, _w, d in t["officers"]
        )  # fmt: skip
        Meeting.objects.bulk_create(
            Meeting(region=regions[d["region"]], date=d["date"], attendance=d["attendance"], note=d["note"])
            for _f, _w, d in t["meetings"]
        )  # fmt: skip
        recorder = Recorder(actor=actor, programme=programme)
        recorder.record(subject="netwerk aandachtsfunctionarissen", field="import",
                        new=f"{len(t['institutions'])} instellingen")  # fmt: skip
        recorder.flush()
    return sum(len(rows) for rows in t.values())


def tables(programme, include_personal_data=False):
    institutions = Institution.objects.filter(region__programme=programme).select_related("region")
    officers = Officer.objects.filter(institution__region__programme=programme).select_related(
        "institution__region"
    )
    return {
        "institutions": [
            {"region": i.region.slug, "name": i.name, "sector": i.sector, "officer_appointed": i.officer_appointed}
            for i in institutions.order_by("region__position", "region__name", "sector", "name")
        ],
        "officers": [
            {"region": o.institution.region.slug, "institution": o.institution.name, "name": o.name,
             "email": o.email, "phone": o.phone, "consent_on": o.consent_on.isoformat()}
            for o in officers.order_by("institution__region__name", "institution__name", "name")
        ] if include_personal_data else [],
        "meetings": [
            {"region": m.region.slug, "date": m.date.isoformat(), "attendance": m.attendance, "note": m.note}
            for m in Meeting.objects.filter(region__programme=programme).select_related("region")
            .order_by("region__name", "date")
        ],
    }  # fmt: skip
