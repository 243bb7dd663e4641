from django.core.management.base import BaseCommand, CommandError

from raak.programmes.exporting import export_programme
from raak.programmes.models import Programme

KINDS = ["programme"]


class Command(BaseCommand):
    help = (
        "Export data: `raak export programme --programme SLUG --format json|xlsx|csv --output DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--programme", help="programme slug (default: the only programme)")
        parser.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
        parser.add_argument("--output", default=".", help="folder to write to")

    def handle(self, kind, programme=None, format="json", output=".", **options):
        qs = Programme.objects.all()
        if programme:
            found = qs.filter(slug=programme).first()
        else:
            found = qs.first() if qs.count() == 1 else None
        if found is None:
            names = ", ".join(p.slug for p in qs) or "geen"
            raise CommandError(f"Kies een bestaand programma met --programme (aanwezig: {names}).")
        for path in export_programme(found, format, output):
            self.stdout.write(str(path))
