"""`raak remind`: send the reminders that are due today (run it hourly from cron
or a systemd timer, see README "Reminders"). Idempotent: a second
run the same day sends nothing new; failed deliveries are queued again (bounded)."""

import json
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from raak.cycle import reminders
from raak.programmes.models import Round
from raak.programmes.summary import RoundNotFound, find_round

logger = logging.getLogger("raak.remind")


class Command(BaseCommand):
    help = "Queue the e-mail reminders that are due now (the worker sends them)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="programme slug (default: every programme)")
        parser.add_argument("--round", help="round slug (default: every open round)")
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, programme=None, round=None, dry_run=False, format="text", **options):
        if round:
            try:
                rounds = [find_round(programme, round)]
            except RoundNotFound as e:
                raise CommandError(str(e)) from None
        else:
            qs = Round.objects.filter(state=Round.OPEN).select_related("programme")
            if programme:
                qs = qs.filter(programme__slug=programme)
            rounds = list(qs)
        today = timezone.localdate()
        out, failed = [], []
        for rnd in rounds:
            try:
                out.append(self._one(rnd, today, dry_run))
            except Exception as e:  # noqa: BLE001 - one round's failure must not stop the rest
                # An hourly job for every open round: a round whose data breaks the rules
                # (a deadline far in the future, say) is logged and skipped, the others
                # still get their reminders, and the exit status tells cron.
                logger.exception("raak remind: round %s/%s failed", rnd.programme.slug, rnd.slug)
                failed.append(f"{rnd.programme.slug}/{rnd.slug}: {type(e).__name__}: {e}")
        self._write(out, dry_run, format)
        if failed:
            raise CommandError(
                f"{len(failed)} ronde(n) mislukt, de andere zijn afgehandeld:\n" + "\n".join(failed)
            )

    def _one(self, rnd, today, dry_run):
        if dry_run:
            items = [
                {"region": d.region.slug, "user": d.user.get_username(), "email": d.user.email,
                 "rule": d.rule, "subject": d.subject}
                for d in reminders.due(rnd, today)
            ]  # fmt: skip
            retried = []
        else:
            created, retried = reminders.remind(rnd, today)
            items = [
                {"region": r.region.slug, "user": r.user.get_username(), "email": r.email,
                 "rule": r.rule, "subject": r.subject}
                for r in created
            ]  # fmt: skip
        return {"programme": rnd.programme.slug, "round": rnd.slug, "dry_run": dry_run,
                "messages": items, "retried": len(retried)}  # fmt: skip

    def _write(self, out, dry_run, format):
        if format == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for r in out:
            verb = "zou versturen" if dry_run else "in de wachtrij"
            self.stdout.write(
                f"{r['programme']} / {r['round']}: {len(r['messages'])} bericht(en) {verb}"
                + (f", {r['retried']} mislukte opnieuw" if r["retried"] else "")
            )
            for m in r["messages"]:
                self.stdout.write(f"  {m['region']}: {m['email']} ({m['rule']})")
