"""`raak prune-security-log`: delete security-log rows older than the retention period.

Run it daily (cron or a systemd timer, docs/deployment.md). The JSON lines written to
the `raak.security` logger are kept by whatever collects them, under its own policy.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from raak.accounts.models import SecurityEvent


class Command(BaseCommand):
    help = "Delete security-log rows older than SECURITY_LOG_RETENTION_DAYS (default 365)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None,
            help="keep this many days instead of SECURITY_LOG_RETENTION_DAYS",
        )  # fmt: skip

    def handle(self, *args, days=None, **options):
        days = settings.SECURITY_LOG_RETENTION_DAYS if days is None else days
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        cutoff = timezone.now() - timedelta(days=days)
        n, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"{n} security-log rows older than {days} days deleted")
