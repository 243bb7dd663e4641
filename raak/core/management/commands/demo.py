import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from raak.accounts.demo import DEMO_PASSWORD
from raak.core import demo


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
        loaded = demo.load(reset=reset, synthetic=synthetic)
        programme = loaded.programme
        if loaded.created:
            self.stdout.write(
                f"Demoprogramma geladen: {programme.name}, {loaded.activities} aanbevolen "
                f"activiteiten, {loaded.action_points} actiepunten"
            )
        else:
            self.stdout.write(
                f"Demoprogramma staat er al: {programme.name} (--reset laadt opnieuw)"
            )
        if loaded.fictional:
            fictional = loaded.fictional
            self.stdout.write(
                f"Fictieve gegevens geladen: {fictional.name} (/{fictional.slug}/vragenlijsten/)"
            )
        if loaded.accounts:
            self.stdout.write(
                f"{len(loaded.accounts)} demo-accounts aangemaakt (wachtwoord “{DEMO_PASSWORD}”): "
                "landelijk, coord-<regio> (bijv. coord-amsterdam), meelezer-alkmaar"
            )
        if not no_serve:
            # Links in e-mail point at the demo's own port unless SITE_URL says otherwise
            # (the environment reaches runserver's reloaded child as well).
            if not settings.SITE_URL:
                os.environ["SITE_URL"] = settings.SITE_URL = f"http://127.0.0.1:{port}"
            call_command("runserver", f"127.0.0.1:{port}")
