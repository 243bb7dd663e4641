"""`raak report`: the national report of a round (or a region's report) as PDF, HTML,
ODT or DOCX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from raak.programmes.models import Region
from raak.programmes.summary import RoundNotFound, find_round
from raak.reports import service


class Command(BaseCommand):
    help = "Write the report of a round (or of one region) as PDF or HTML."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True)
        parser.add_argument("--round", required=True)
        parser.add_argument("--region", help="a region's slug: its one- or two-page report")
        parser.add_argument("--format", choices=["pdf", "html", "odt", "docx"], default="pdf")
        parser.add_argument("--output", required=True, help="folder to write the file to")

    def handle(self, programme, round, region=None, format="pdf", output=".", **options):
        try:
            rnd = find_round(programme, round)
        except RoundNotFound as e:
            raise CommandError(str(e)) from e
        the_region = None
        if region:
            the_region = Region.objects.filter(programme=rnd.programme, slug=region).first()
            if the_region is None:
                raise CommandError(f"regio “{region}” bestaat niet in {rnd.programme.slug}")
        out = Path(output)
        if out.exists() and not out.is_dir():
            raise CommandError(f"--output {out} is geen map")
        out.mkdir(parents=True, exist_ok=True)
        with Progress(transient=True, console=None) as bar:
            task = bar.add_task("rapport", total=100)

            def progress(pct, step):
                bar.update(task, completed=pct, description=step)

            # A region's report of a round that is not published shows that round's
            # data, as its web page does for the region and the national office: the
            # public version would show the round's title over the earlier rounds only.
            unpublished = the_region is not None and not rnd.is_published
            content, name = service.make(
                rnd, format, region=the_region, progress=progress, unpublished=unpublished
            )
        path = out / name
        path.write_bytes(content)
        self.stdout.write(f"{path} ({len(content):,} bytes)".replace(",", "."))
        if unpublished:
            self.stderr.write(
                f"Let op: ronde {rnd.slug} is niet gepubliceerd; het bestand bevat "
                "niet-openbare gegevens."
            )
