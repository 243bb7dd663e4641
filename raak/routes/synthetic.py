"""`raak demo --synthetic`: the route map steps in the fictional programme, with one
region's contacts filled in and published, so the public page can be tried with data.
Every contact is marked "fictieve gegevens"; no phone numbers (a made-up number may be
someone's real one), only example.org addresses."""

from pathlib import Path

from django.db import transaction

from raak.routes import loading, service

STEPS_FILE = Path(__file__).resolve().parent / "data" / "route-map-2008-2010.json"
CONTACTS = {
    "signaleren": [("Netwerk aandachtsfunctionarissen", "collegiaal overleg over zorgen")],
    "verwijzen-en-toeleiden": [("Centrum voor Jeugd en Gezin", "verwijzen en toeleiden"),
                               ("Lokaal zorgnetwerk", "bespreken van zorgen over een gezin")],
    "melden": [("Advies- en Meldpunt Kindermishandeling", "advies vragen en melden"),
               ("Steunpunt Huiselijk Geweld", "melden van andere vormen van huiselijk geweld")],
    "zorgcoordinatie": [("Zorgcoördinatie", "één gezin, één plan"), ("Verwijsindex", "aansluiting")],
}  # fmt: skip


@transaction.atomic
def load(programme):
    """Fill the first region of `programme` (the fictional one) and publish it."""
    loading.load(STEPS_FILE, programme.slug, actor="raak demo --synthetic")
    region = programme.regions.order_by("position", "name").first()
    steps = {s.key: s for s in programme.route_steps.all()}
    for key, contacts in CONTACTS.items():
        for n, (organisation, role) in enumerate(contacts):
            service.save_contact(region, steps[key], None, {
                "organisation": f"{organisation} {region.name} (fictieve gegevens)", "role": role,
                "phone": "", "email": f"{key}-{n}@example.org",
                "website": f"https://www.example.org/{key}", "opening_hours": "werkdagen 9–17 uur",
                "person_name": "", "consent_on": None,
            }, expected_version=0, user=None, programme=programme)  # fmt: skip
    route = service.route_for(region)
    service.save_route(region, sectors=["fictieve gegevens"], expected_version=route.version,
                       user=None, programme=programme)  # fmt: skip
    service.publish(region, expected_revision=service.route_for(region).revision, user=None,
                    programme=programme)  # fmt: skip
    return region
