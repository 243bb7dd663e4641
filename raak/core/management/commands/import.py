"""`raak import KIND FILE`: one verb for every kind of data. Each app reads its own
files (raak.core.exchange lists the kinds); this command only dispatches and reports."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from raak.core.exchange import KINDS
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.questionnaires import exchange, xlsform
from raak.questionnaires.response_import import load_file


class Command(BaseCommand):
    help = (
        "Import data from a file: `raak import programme FILE` (JSON, XLSX, CSV or a folder of "
        "CSVs) or `raak import KIND FILE` for " + ", ".join(KINDS) + " (replaces that list)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kind",
            choices=["programme", "questionnaire", "responses", *KINDS],
            help="what the file holds",
        )
        parser.add_argument(
            "file", help="a .json or .xlsx file, a .csv file, or a folder of .csv files"
        )
        parser.add_argument(
            "--programme", help="slug of the programme, when the file does not name it"
        )
        parser.add_argument(
            "--publish", action="store_true", help="questionnaire: publish the imported version"
        )
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="questionnaire (XLSForm): import what RAAK supports and list the rows left out",
        )
        parser.add_argument("--questionnaire", help="responses: the questionnaire's slug")
        parser.add_argument("--round", help="responses: the round's slug")

    def handle(self, kind, file, programme=None, publish=False, skip_unsupported=False, **options):
        console = Console(stderr=True)
        with console.status(f"{file} lezen en controleren…"):
            try:
                if kind == "questionnaire":
                    if xlsform.is_xlsform(file):
                        result = xlsform.load(file, programme, publish, skip_unsupported)
                    else:
                        result = xlsform.Result(exchange.load(file, programme, publish=publish))
                    state = "gepubliceerd" if result.version.published else "concept"
                    self.stdout.write(f"{result.version} geïmporteerd ({state}).")
                    for p in result.skipped:
                        self.stdout.write(f"  overgeslagen: {p}")
                    for note in result.notes:
                        self.stdout.write(f"  let op: {note}")
                    return
                if kind == "responses":
                    n = load_file(file, programme, options["questionnaire"], options["round"])
                    self.stdout.write(f"Antwoorden van {n} regio's geïmporteerd (ingediend).")
                    return
                if kind in KINDS:
                    n = KINDS[kind].load(file, programme, actor=f"import: {file}")
                    self.stdout.write(f"{n} rijen geïmporteerd ({kind}).")
                    return
                result = import_programme(
                    tables.read(file), programme_slug=programme, actor=f"import: {file}"
                )
            except tables.FormatError as e:
                lines = "\n".join(f"  {p}" for p in e.problems)
                raise CommandError(
                    f"Niets geïmporteerd: {len(e.problems)} probleem/problemen gevonden.\n{lines}"
                ) from None
        verb = "aangemaakt" if result.created else "bijgewerkt"
        self.stdout.write(f"Programma {result.programme.slug} {verb}.")
        for what, n in sorted(result.counts.items()):
            if n:
                self.stdout.write(f"  {what}: {n}")
