"""`raak scheduler`: the periodic jobs of a deployment, run by exactly one process.

Every replica of `raak serve` or `raak worker` could run them, but then each would
send the hourly reminders, prune the log, ... once per replica. So one `raak scheduler`
runs them (or cron, docs/deployment.md), and two are harmless: only the holder of the
`scheduler` lease acts, and each job also starts only through a conditional UPDATE of
its `ScheduledJob` row, so a job never runs twice in one interval however many
schedulers, cron lines or restarts there are.
"""

import io
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from raak.core import processes
from raak.core.models import ScheduledJob

logger = logging.getLogger("raak.scheduler")
LEASE = "scheduler"


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    command: tuple  # call_command's arguments

    def run(self):
        out = io.StringIO()
        call_command(*self.command, stdout=out, stderr=out)
        return out.getvalue()


JOBS = [
    # Reminders due now (a second run the same day sends nothing new).
    Job("remind", timedelta(hours=1), ("remind",)),
    # Tasks whose worker died: queued again or marked failed.
    Job("recover-tasks", timedelta(seconds=0), ("recover-tasks",)),
    Job("prune-security-log", timedelta(days=1), ("prune-security-log",)),
    Job("clearsessions", timedelta(days=1), ("clearsessions",)),
    Job("axes-reset-logs", timedelta(days=1), ("axes_reset_logs", "--age", "30")),
    Job("prune-task-results", timedelta(days=1),
        ("prune_db_task_results", "--min-age-days", "30")),
    # The static site of a programme whose public data changed without a publication
    # (publication and withdrawal queue their own rebuild): queued again.
    Job("refresh-public-site", timedelta(minutes=5), ("refresh-public-site",)),
]  # fmt: skip


def claim(job, now):
    """True when this process may run `job` now (its interval has passed)."""
    ScheduledJob.objects.get_or_create(name=job.name)
    return bool(
        ScheduledJob.objects.filter(
            Q(started_at__isnull=True) | Q(started_at__lte=now - job.every), name=job.name
        ).update(started_at=now)
    )


def tick(holder, lease_seconds, jobs=None):
    """One round: renew (or take) the lease; if held, run every job that is due.
    Returns the names of the jobs run, or None without the lease."""
    if not processes.take_lease(LEASE, holder, lease_seconds):
        return None
    ran = []
    for job in jobs or JOBS:
        now = timezone.now()
        if not claim(job, now):
            continue
        try:
            output, ok = job.run(), True
        except (Exception, SystemExit) as e:  # a failing job must not stop the others
            output, ok = f"{type(e).__name__}: {e}", False
            logger.exception("scheduled job %s failed", job.name)
        ScheduledJob.objects.filter(name=job.name).update(
            finished_at=timezone.now(), ok=ok, output=output[-4000:], runs=F("runs") + 1
        )
        ran.append(job.name)
    return ran
