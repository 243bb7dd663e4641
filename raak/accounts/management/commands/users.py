"""`raak users`: the people of a programme from the command line, for bulk work.

    raak users list --programme SLUG [--format text|json|csv]
    raak users add --programme SLUG --email ADDRESS --role ROLE [--region SLUG ...] [--name NAME]
    raak users deactivate --programme SLUG --email ADDRESS
    raak users import --programme SLUG FILE

`add` and `import` send invitations the way the web page does (queued for
`raak worker`); links point at SITE_URL.
"""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from raak.accounts import people as service
from raak.accounts import people_files
from raak.accounts.models import Role
from raak.programmes.tables import FormatError

ROLES = [kind for kind, _label in Role.KINDS]


def _operator():
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "onbekend"


class Command(BaseCommand):
    help = "List, invite, deactivate and import the people of a programme."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="list|add|deactivate|import"
        )
        sub.required = True
        p = sub.add_parser(
            "list", help="everyone with a role: username, name, e-mail, role, region, active, 2FA"
        )
        p.add_argument("--programme", required=True)
        p.add_argument("--format", choices=["text", "json", "csv"], default="text")
        p = sub.add_parser("add", help="invite someone by e-mail to a role")
        p.add_argument("--programme", required=True)
        p.add_argument("--email", required=True)
        p.add_argument("--role", required=True, choices=ROLES)
        p.add_argument(
            "--region",
            action="extend",
            nargs="+",
            default=[],
            help="region slug(s); several for an advisor",
        )
        p.add_argument("--name", default="")
        p = sub.add_parser("deactivate", help="switch an account off (or remove its roles here)")
        p.add_argument("--programme", required=True)
        p.add_argument("--email", required=True)
        p = sub.add_parser(
            "import", help="invite everyone in a CSV/XLSX file (email, name, role, region)"
        )
        p.add_argument("--programme", required=True)
        p.add_argument("file")

    def handle(self, *args, action, programme, **options):
        actor = service.Actor(name=f"raak users ({_operator()})")
        try:
            programme = service.programme_by_slug(programme)
            getattr(self, f"do_{action}")(programme, actor, **options)
        except service.PeopleError as e:
            raise CommandError(str(e)) from None
        except FormatError as e:
            lines = "\n".join(f"  {p}" for p in e.problems)
            raise CommandError(
                f"Niets gewijzigd: {len(e.problems)} probleem/problemen gevonden.\n{lines}"
            ) from None

    def do_list(self, programme, actor, format="text", **options):
        rows = people_files.list_rows(programme)
        people_files.write_list(rows, format, self.stdout)
        actor.log("personal-data-read", programme, what="people", rows=len(rows))

    def do_add(self, programme, actor, email, role, region, name="", **options):
        regions = []
        for slug in region:
            found = programme.regions.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"Regio “{slug}” bestaat niet in {programme.slug}.")
            regions.append(found)
        inv = service.invite(programme, email=email, name=name, kind=role, regions=regions,
                             actor=actor)  # fmt: skip
        self.stdout.write(
            f"Uitnodiging {inv.id} voor {inv.email} klaargezet als {inv.describe()}; "
            "`raak worker` verstuurt hem."
        )

    def do_deactivate(self, programme, actor, email, **options):
        users = list(
            get_user_model()
            .objects.filter(email__iexact=email.strip(), roles__programme=programme)
            .distinct()
        )
        if not users:
            raise CommandError(f"Niemand met adres {email} heeft een rol in {programme.slug}.")
        if len(users) > 1:
            names = ", ".join(u.get_username() for u in users)
            raise CommandError(f"Meerdere accounts met adres {email}: {names}. Niets gewijzigd.")
        result = service.deactivate(programme, users[0], actor=actor)
        if result == "deactivated":
            self.stdout.write(f"Account {users[0].get_username()} uitgeschakeld.")
        else:
            self.stdout.write(
                f"{users[0].get_username()} werkt ook in een ander programma: alleen de rollen "
                f"in {programme.slug} zijn verwijderd."
            )

    def do_import(self, programme, actor, file, **options):
        made, unchanged = people_files.import_invitations(programme, file, actor=actor)
        self.stdout.write(
            f"{made} uitnodiging(en) klaargezet, {unchanged} rij(en) ongewijzigd (rol al aanwezig); "
            "`raak worker` verstuurt ze."
        )
