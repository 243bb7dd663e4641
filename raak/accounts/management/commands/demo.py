import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from raak.accounts.demo import DEMO_PASSWORD, create_demo_users
from raak.knowledge.loading import load_action_points, load_activities
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.models import Programme
from raak.protocols import loading as protocols
from raak.questionnaires import exchange as questionnaires
from raak.questionnaires import synthetic as synthetic_data
from raak.reports import templates as report_templates
from raak.routes import loading as routes
from raak.routes import synthetic as route_synthetic
from raak.training import loading as training

RAAK = Path(__file__).resolve().parents[3]
DEMO_FILE = RAAK / "programmes" / "data" / "raak-2008-2010.json"
ACTIVITIES_FILE = RAAK / "knowledge" / "data" / "activities-2008-2010.json"
ACTION_POINTS_FILE = RAAK / "knowledge" / "data" / "action-points-2011.json"
PROTOCOLS_FILE = RAAK / "protocols" / "data" / "protocols-2008-2010.json"
TRAINING_FILE = RAAK / "training" / "data" / "training-2008-2010.json"
ROUTES_FILE = RAAK / "routes" / "data" / "route-map-2008-2010.json"
QUESTIONNAIRES = RAAK / "questionnaires" / "data"


class Command(BaseCommand):
    help = "Load the demo programme (the 2008-2010 programme, from the seed report) and demo accounts, then serve."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="load only; do not start the server"
        )
        parser.add_argument("--reset", action="store_true", help="delete the demo programme first")
        parser.add_argument(
            "--synthetic",
            action="store_true",
            help="also load a separate programme with generated questionnaire answers (fictieve gegevens)",
        )
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, no_serve=False, reset=False, port="8000", synthetic=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        slug = "raak-2008-2010"
        if reset:
            Programme.objects.filter(slug=slug).delete()
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            programme = import_programme(tables.read(DEMO_FILE), actor="raak demo").programme
            activities = load_activities(ACTIVITIES_FILE, actor="raak demo")
            points = load_action_points(ACTION_POINTS_FILE, actor="raak demo")
            protocols.load(PROTOCOLS_FILE, actor="raak demo")
            training.load(TRAINING_FILE, actor="raak demo")
            routes.load(ROUTES_FILE, actor="raak demo")
            for name in ("eindmeting-zorgcontinuum", "slotrapportage"):
                questionnaires.load(QUESTIONNAIRES / f"{name}.json", publish=True)
            self.stdout.write(
                f"Demoprogramma geladen: {programme.name}, {activities} aanbevolen activiteiten, "
                f"{points} actiepunten"
            )
        else:
            self.stdout.write(
                f"Demoprogramma staat er al: {programme.name} (--reset laadt opnieuw)"
            )
        # Idempotent, so a demo database loaded before reports existed gets the template.
        report_templates.load(programme, actor="raak demo")
        if synthetic:
            fictional = synthetic_data.load(programme)
            route_synthetic.load(fictional)
            create_demo_users(fictional)
            self.stdout.write(
                f"Fictieve gegevens geladen: {fictional.name} (/{fictional.slug}/vragenlijsten/)"
            )
        made = create_demo_users(programme)
        if made:
            self.stdout.write(
                f"{len(made)} demo-accounts aangemaakt (wachtwoord “{DEMO_PASSWORD}”): "
                "landelijk, coord-<regio> (bijv. coord-amsterdam), meelezer-alkmaar"
            )
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}")
