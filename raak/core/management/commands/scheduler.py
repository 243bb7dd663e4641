"""`raak scheduler [--once] [--tick SECONDS]`: run the periodic jobs (raak/core/scheduler.py).

Run exactly one per deployment, beside the app servers and workers. A second one (a
rolling update, a mistake) waits: it acts only when the first stops renewing its lease.
`--once` runs one round and stops, for a cron line or a systemd timer instead.
"""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from raak.core import processes, scheduler
from raak.core.models import Heartbeat


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders hourly, housekeeping daily); one per deployment."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then stop (cron)")
        parser.add_argument("--tick", type=float, default=settings.SCHEDULER_TICK_SECONDS,
                            help="seconds between rounds (env SCHEDULER_TICK_SECONDS, default 30)")  # fmt: skip

    def handle(self, *args, once=False, tick=30.0, **options):
        if tick <= 0:
            raise CommandError("--tick must be more than 0 seconds")
        holder = f"scheduler-{get_random_string(16)}"
        # The lease outlives a few missed rounds, so a slow job does not hand it over.
        lease_seconds = max(3 * tick, 10)
        if once:
            self._report(scheduler.tick(holder, lease_seconds))
            processes.release_lease(scheduler.LEASE, holder)
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        heartbeat = processes.HeartbeatThread(holder, Heartbeat.SCHEDULER)
        heartbeat.start()
        self.stdout.write(f"RAAK scheduler {holder}: a round every {tick:g} s")
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self._report(scheduler.tick(holder, lease_seconds))
                except Exception as e:  # the database is away: try again next round
                    self.stderr.write(f"scheduler round failed: {type(e).__name__}: {e}")
                stop.wait(tick)
        finally:
            try:
                processes.release_lease(scheduler.LEASE, holder)
            finally:
                heartbeat.stop()

    def _report(self, ran):
        if ran is None:
            self.stdout.write("another scheduler holds the lease: nothing run", ending="\n")
        elif ran:
            self.stdout.write("ran: " + ", ".join(ran))
        self.stdout.flush()
