"""`raak export KIND`: one verb for every kind of data. Each app writes its own tables
(raak.core.exchange lists the kinds); this command only dispatches."""

from django.core.management.base import BaseCommand, CommandError

from raak.accounts.security import log_cli_event
from raak.core.exchange import KINDS
from raak.programmes import flat
from raak.programmes.exporting import export_programme
from raak.programmes.models import Programme
from raak.questionnaires import exchange, responses, xlsform
from raak.questionnaires.models import Questionnaire


class Command(BaseCommand):
    help = (
        "Export data: `raak export programme|"
        + "|".join(KINDS)
        + " --format json|xlsx|csv --output DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["programme", "questionnaire", "responses", *KINDS])
        parser.add_argument("slug", nargs="?", help="questionnaire: its slug")
        parser.add_argument("--questionnaire", help="responses: the questionnaire slug")
        parser.add_argument("--round", help="responses: the round slug")
        parser.add_argument("--programme", help="programme slug (default: the only programme)")
        parser.add_argument(
            "--format",
            choices=["json", "xlsx", "csv", "xlsform"],
            default="json",
            help="xlsform: questionnaire as a genuine XLSForm (ODK, KoboToolbox)",
        )
        parser.add_argument("--output", default=".", help="folder to write to")
        parser.add_argument(
            "--include-personal-data",
            action="store_true",
            help="network, route-maps: include the names (and, for the network, contact details) of "
            "people; only those who gave consent are stored at all",
        )

    def handle(
        self,
        kind,
        programme=None,
        format="json",
        output=".",
        include_personal_data=False,
        **options,
    ):
        qs = Programme.objects.all()
        if programme:
            found = qs.filter(slug=programme).first()
        else:
            found = qs.first() if qs.count() == 1 else None
        if found is None:
            names = ", ".join(p.slug for p in qs) or "geen"
            raise CommandError(f"Kies een bestaand programma met --programme (aanwezig: {names}).")
        if kind in ("questionnaire", "responses"):
            self._questionnaire(
                kind,
                found,
                options.get("slug") or options.get("questionnaire"),
                options.get("round"),
                format,
                output,
            )
            return
        if kind == "programme":
            paths = export_programme(found, format, output)
        else:
            spec = KINDS[kind]
            if kind in ("network", "route-maps"):
                data = spec.tables(found, include_personal_data)
            else:
                data = spec.tables(found)
            paths = flat.write(data, *spec.spec, found.slug, output, f"{kind}-{found.slug}", format)
        log_cli_event("export", found, what=kind, format=format,
                      personal_data=bool(include_personal_data))  # fmt: skip
        for path in paths:
            self.stdout.write(str(path))

    def _questionnaire(self, kind, programme, slug, round_slug, format, output):
        questionnaire = Questionnaire.objects.filter(programme=programme, slug=slug or "").first()
        if questionnaire is None:
            names = ", ".join(programme.questionnaires.values_list("slug", flat=True)) or "geen"
            raise CommandError(f"Geef een vragenlijst (aanwezig: {names}).")
        if kind == "responses":
            rnd = programme.rounds.filter(slug=round_slug or "").first()
            if rnd is None or format != "csv":
                raise CommandError("Geef --round met een bestaande ronde en --format csv.")
            log_cli_event("export", programme, what="responses", round=rnd.slug,
                          questionnaire=questionnaire.slug)  # fmt: skip
            responses.write_csv(questionnaire, rnd, self.stdout)
            return
        version = questionnaire.versions.order_by("-number").first()
        if format == "xlsform":
            self.stdout.write(str(xlsform.write(version, output)))
            return
        paths = flat.write(exchange.tables(version), *exchange.SPEC, programme.slug, output,
                           f"{questionnaire.slug}-v{version.number}", format)  # fmt: skip
        for path in paths:
            self.stdout.write(str(path))
