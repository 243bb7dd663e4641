import errno
import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

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
        if not no_serve:
            # Before the slow part, so a newcomer learns at once what to do.
            refuse_taken_port(port)
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
            # Links in e-mail point at the demo's own port unless SITE_URL says otherwise.
            if not settings.SITE_URL:
                os.environ["SITE_URL"] = settings.SITE_URL = f"http://127.0.0.1:{port}"
            # Without the autoreloader: a demo that cannot start must stop with its
            # error, not hang in a reloader that keeps an empty process alive.
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)


def refuse_taken_port(port):
    """One clear line when the demo's port is in use, instead of runserver's traceback."""
    try:
        number = int(port)
        if not 0 < number < 65536:
            raise ValueError
    except ValueError:
        raise CommandError(f"PORT must be a number from 1 to 65535, not {port!r}.") from None
    with socket.socket() as probe:
        # As runserver binds: a port in TIME_WAIT is free, one with a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", number))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise CommandError(
                f"Port {number} is already in use on 127.0.0.1; "
                f"choose another, for example: make demo PORT=8123"
            ) from None
