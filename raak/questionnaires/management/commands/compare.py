import json

from django.core.management.base import BaseCommand, CommandError

from raak.accounts.security import log_cli_event
from raak.lib import spreadsheets
from raak.programmes.models import Round
from raak.questionnaires.compare import as_rows, compare
from raak.questionnaires.models import Questionnaire


class Command(BaseCommand):
    help = "Compare two rounds of a questionnaire item by item: `raak compare --questionnaire SLUG --from ROUND --to ROUND`."

    def add_arguments(self, parser):
        parser.add_argument("--questionnaire", required=True)
        parser.add_argument(
            "--from", dest="start", required=True, help="round slug (e.g. the startfoto)"
        )
        parser.add_argument(
            "--to", dest="end", required=True, help="round slug (e.g. the eindfoto)"
        )
        parser.add_argument(
            "--programme", help="programme slug, when more than one has the questionnaire"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, questionnaire, start, end, programme=None, format="json", **options):
        qs = Questionnaire.objects.filter(slug=questionnaire)
        if programme:
            qs = qs.filter(programme__slug=programme)
        found = list(qs.select_related("programme")[:2])
        if len(found) != 1:
            raise CommandError(
                f"Vragenlijst “{questionnaire}” niet (eenduidig) gevonden; geef --programme."
            )
        q = found[0]
        rounds = {
            r.slug: r for r in Round.objects.filter(programme=q.programme, slug__in=[start, end])
        }
        for slug in (start, end):
            if slug not in rounds:
                raise CommandError(f"Ronde “{slug}” bestaat niet in {q.programme.slug}.")
        result = compare(q, rounds[start], rounds[end])
        log_cli_event("export", q.programme, what="questionnaire-comparison", format=format,
                      start=start, end=end)  # fmt: skip
        if format == "csv":
            w = spreadsheets.csv_writer(self.stdout)
            header = ["item", "level", "label", "start", "start_percent", "end", "end_percent"]
            w.writerow((["fictieve gegevens"] if q.fictional else []) + header)
            for row in as_rows(result):
                w.writerow(
                    (["fictieve gegevens"] if q.fictional else []) + [row[h] for h in header]
                )
            return
        out = {
            "questionnaire": q.slug, "from": start, "to": end, "fictional": q.fictional,
            "regions": {"from": result["n_start"], "to": result["n_end"]},
            "items": [
                {"key": i.key, "label": i.label, "sentence": i.sentence,
                 "shift": {"up": i.up, "down": i.down, "same": i.same, "not_comparable": i.unscored},
                 "levels": [{"key": lv.key, "label": lv.label, "score": lv.score, "from": lv.start,
                             "from_percent": lv.start_percent, "to": lv.end, "to_percent": lv.end_percent}
                            for lv in i.levels],
                 "no_answer": {"from": i.start_missing, "to": i.end_missing}}
                for i in result["items"]
            ],
        }  # fmt: skip
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
