"""`raak archive --programme SLUG [--round SLUG] --output FILE`: what a programme
published, as a BagIt package (raak/core/archive.py, docs/archiving.md)."""

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

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
        with Progress(transient=True) as bar:
            task = bar.add_task("site", total=None)

            def progress(done, total, url):  # the static site's pages, the long part
                bar.update(task, completed=done, total=total, description=url[-60:])

            try:
                count = archive.build(found, output, round, progress)
            except archive.ArchiveError as e:
                raise CommandError(str(e)) from e
        self.stdout.write(f"{output}: BagIt-pakket met {count} bestanden (SHA-256)")
