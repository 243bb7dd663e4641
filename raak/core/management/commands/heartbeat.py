"""`raak heartbeat PROCESS_ID`: exit 0 when that worker or scheduler wrote its
heartbeat within WORKER_STALE_SECONDS, else 1: a liveness probe for a worker
container (`raak worker --worker-id $POD_NAME`, deploy/kubernetes/raak.yaml)."""

from django.core.management.base import BaseCommand

from raak.core.models import Heartbeat
from raak.core.processes import stale_before


class Command(BaseCommand):
    help = "Exit 0 when the named worker or scheduler has a fresh heartbeat, else 1."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("process_id", help="the --worker-id of `raak worker`")

    def handle(self, *args, process_id, **options):
        fresh = Heartbeat.objects.filter(process_id=process_id, seen_at__gte=stale_before())
        if not fresh.exists():
            self.stderr.write(f"no heartbeat of {process_id} since {stale_before():%H:%M:%S}")
            raise SystemExit(1)
        self.stdout.write("ok")
