import json

from django.core.management.base import BaseCommand, CommandError

from raak.programmes import rule_service, rule_tally
from raak.programmes.summary import RoundNotFound, find_round


class Command(BaseCommand):
    help = (
        "Run every validation rule of a programme for every region of a round (and keep "
        "the round's counts for the progress page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="programme slug (default: the only programme)")
        parser.add_argument("--round", help="round slug (default: the latest round)")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, programme=None, round=None, format="text", **options):
        try:
            rnd = find_round(programme, round)
        except RoundNotFound as e:
            raise CommandError(str(e)) from None
        # The round's tally (the progress page's figure) is kept on the way.
        data = rule_service.as_dict(rnd, rule_tally.run(rnd))
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for region in data["regions"]:
            self.stdout.write(f"{region['name']} ({region['region']})")
            for r in region["results"]:
                mark = "FOUT" if r["importance"] == "error" else "waarschuwing"
                justified = f" — toelichting: {r['justification']}" if r["justification"] else ""
                self.stdout.write(f"  {mark}  {r['rule']}: {r['message']}{justified}")
        c = data["counts"]
        self.stdout.write(
            f"{c['errors']} fouten, {c['warnings']} waarschuwingen in {c['regions']} regio's"
        )
