import json

from django.core.management.base import BaseCommand, CommandError

from raak.lib import spreadsheets
from raak.programmes.models import Round
from raak.programmes.summary import RoundNotFound, find_round, summarise


class Command(BaseCommand):
    help = "Counts and percentages per milestone and indicator for a round."

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="programme slug (default: the only programme)")
        parser.add_argument(
            "--round", help="round slug (default: the newest published round, named on stderr)"
        )
        parser.add_argument("--format", choices=["json", "csv", "text"], default="text")

    def handle(self, programme=None, round=None, format="text", **options):
        try:
            if round:
                rnd = find_round(programme, round)
            else:
                # The figures the public sees, not an open round's half-filled ones.
                published = Round.objects.filter(state=Round.PUBLISHED)
                try:
                    rnd = find_round(programme, rounds=published)
                except RoundNotFound:
                    latest = find_round(programme)  # the programme's errors come first
                    raise RoundNotFound(
                        f"programma {latest.programme.slug} heeft nog geen gepubliceerde "
                        f"ronde; kies een ronde met --round (nieuwste: {latest.slug})"
                    ) from None
                self.stderr.write(
                    f"Ronde {rnd.slug} ({rnd.name}): de nieuwste gepubliceerde ronde; "
                    "kies een andere met --round."
                )
            summary = summarise(rnd)
        except RoundNotFound as e:
            raise CommandError(str(e)) from None
        data = summary.as_dict()
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif format == "csv":
            w = spreadsheets.csv_writer(self.stdout)
            w.writerow(
                [
                    "kind",
                    "key",
                    "label",
                    "category",
                    "category_label",
                    "count",
                    "percent",
                    "regions",
                ]
            )
            for item in data["items"]:
                for c in item["categories"]:
                    w.writerow(
                        [
                            item["kind"],
                            item["key"],
                            item["label"],
                            c["key"],
                            c["label"],
                            c["count"],
                            c["percent"],
                            data["regions"],
                        ]
                    )
        else:
            self.stdout.write(
                f"{summary.programme.name} — {summary.round.name} "
                f"(peildatum {summary.round.peildatum:%d-%m-%Y}), {summary.regions} regio's"
            )
            for item in summary.items:
                self.stdout.write(f"\n{item.label}")
                for c in item.categories:
                    if c.count:
                        pct = f"{c.percent:.1f}".replace(".", ",")
                        self.stdout.write(f"  {c.label:<60} {c.count:>5}  {pct:>5}%")
