"""`raak archive --programme SLUG [--round SLUG] --output FILE`: what a programme
published, as a BagIt package (raak/core/archive.py, docs/archiving.md)."""

from django.core.management.base import BaseCommand, CommandError

from raak.core import archive
from raak.programmes.models import Programme


class Command(BaseCommand):
    help = "Write a BagIt package (.zip or .tar.gz) of what a programme published."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True)
        parser.add_argument("--round", help="only this published round")
        parser.add_argument("--output", required=True, help="the .zip or .tar.gz file to write")

    def handle(self, programme, output, round=None, **options):
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise CommandError(f"programma “{programme}” bestaat niet")
        try:
            count = archive.build(found, output, round)
        except archive.ArchiveError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{output}: BagIt-pakket met {count} bestanden (SHA-256)")
