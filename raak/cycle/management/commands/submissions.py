"""`raak submissions`: the submissions overview of a round, as on the web page."""

import json

from django.core.management.base import BaseCommand, CommandError

from raak.cycle import submissions
from raak.lib import spreadsheets
from raak.programmes.summary import RoundNotFound, find_round


class Command(BaseCommand):
    help = "Per region the state of its report in a round (the national office's overview)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="programme slug (default: the only programme)")
        parser.add_argument("--round", help="round slug (default: the latest round)")
        parser.add_argument("--format", choices=["json", "csv", "text"], default="text")

    def handle(self, programme=None, round=None, format="text", **options):
        try:
            rnd = find_round(programme, round)
        except RoundNotFound as e:
            raise CommandError(str(e)) from None
        ov = submissions.overview(rnd)
        if format == "json":
            self.stdout.write(json.dumps(submissions.as_dict(ov), ensure_ascii=False, indent=2))
        elif format == "csv":
            w = spreadsheets.csv_writer(self.stdout)  # = + - @ text written as text
            w.writerow(submissions.COLUMNS)
            w.writerows(submissions.table_rows(ov))
        else:
            deadline = f", uiterste inleverdatum {rnd.closes_on:%d-%m-%Y}" if rnd.closes_on else ""
            self.stdout.write(f"{rnd.programme.name} — {rnd.name}{deadline}")
            self.stdout.write(
                f"{ov.submitted} van {len(ov.rows)} ingediend, {ov.returned} teruggestuurd, "
                f"{ov.overdue} te laat"
            )
            for row in ov.rows:
                flag = " (te laat)" if row.overdue else ""
                self.stdout.write(
                    f"  {row.region.name}: {row.state_label}{flag}, "
                    f"{row.reminders_sent} herinnering(en)"
                )
