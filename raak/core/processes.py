"""Liveness of workers and the scheduler, the scheduler's lease, and tasks whose
worker died.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED
when it ends; a worker killed in between (SIGKILL, out of memory, the machine gone)
leaves it RUNNING for ever. Every worker therefore writes a `Heartbeat`, and the
scheduler's `recover_lost_tasks` puts a RUNNING task whose worker stopped beating back
in the queue (our tasks are idempotent: a reminder is claimed by its state, a report
file is made again), or marks it FAILED with the reason after MAX_TASK_ATTEMPTS, so a
task is never lost silently.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from raak.core.models import Heartbeat, Lease

logger = logging.getLogger("raak.tasks")

# A task whose worker died is run again this many times in all, then marked failed.
MAX_TASK_ATTEMPTS = 3
LOST_EXCEPTION = "raak.core.processes.WorkerLost"


class WorkerLost(Exception):
    """Stands in the failed task's exception class: its worker stopped mid-task."""


def stale_before():
    return timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)


def beat(process_id, kind, started_at):
    now = timezone.now()
    updated = Heartbeat.objects.filter(process_id=process_id).update(seen_at=now)
    if not updated:
        Heartbeat.objects.update_or_create(
            process_id=process_id,
            defaults={"kind": kind, "hostname": socket.gethostname()[:255], "pid": os.getpid(),
                      "started_at": started_at, "seen_at": now},
        )  # fmt: skip


class HeartbeatThread(threading.Thread):
    """Writes the process's heartbeat every WORKER_HEARTBEAT_SECONDS with its own
    database connection, whatever the main thread is doing."""

    def __init__(self, process_id, kind):
        super().__init__(name=f"heartbeat-{kind}", daemon=True)
        self.process_id, self.kind = process_id, kind
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.process_id, self.kind, self.started_at)
            except Exception:  # the database is away: try again next time, never die
                logger.exception("heartbeat of %s %s not written", self.kind, self.process_id)
            self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS)
        connection.close()

    def stop(self):
        """A clean stop: the row goes, so nobody mistakes it for a dead process."""
        self.stopping.set()
        self.join(timeout=5)
        try:
            Heartbeat.objects.filter(process_id=self.process_id).delete()
        except Exception:
            logger.exception("heartbeat of %s %s not removed", self.kind, self.process_id)


def alive(kind):
    return Heartbeat.objects.filter(kind=kind, seen_at__gte=stale_before())


def take_lease(name, holder, seconds):
    """True when `holder` now holds lease `name` for `seconds` (taken or renewed)."""
    now = timezone.now()
    Lease.objects.get_or_create(name=name, defaults={"holder": "", "expires_at": now})
    # One statement: on PostgreSQL a concurrent UPDATE waits for ours, then re-reads
    # the row and no longer matches; SQLite has one writer at a time.
    return bool(
        Lease.objects.filter(Q(holder=holder) | Q(expires_at__lte=now), name=name).update(
            holder=holder, expires_at=now + timedelta(seconds=seconds)
        )
    )


def release_lease(name, holder):
    Lease.objects.filter(name=name, holder=holder).update(expires_at=timezone.now())


def recover_lost_tasks():
    """Tasks left RUNNING by a worker without a fresh heartbeat: back in the queue, or
    FAILED after MAX_TASK_ATTEMPTS claims. Returns (requeued, failed) task ids."""
    from django_tasks_db.models import DBTaskResult

    cutoff = stale_before()
    living = set(alive(Heartbeat.WORKER).values_list("process_id", flat=True))
    requeued, failed = [], []
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status="RUNNING", started_at__lt=cutoff
        )
        for task in running:
            worker = task.worker_ids[-1] if task.worker_ids else ""
            if worker in living:
                continue
            if len(task.worker_ids) >= MAX_TASK_ATTEMPTS:
                task.status = "FAILED"
                task.finished_at = timezone.now()
                task.exception_class_path = LOST_EXCEPTION
                task.traceback = (
                    f"{LOST_EXCEPTION}: worker {worker} stopped during this task "
                    f"({len(task.worker_ids)} attempts, by {', '.join(task.worker_ids)})\n"
                )
                task.save(update_fields=["status", "finished_at", "exception_class_path",
                                         "traceback"])  # fmt: skip
                failed.append(str(task.id))
                logger.error("task %s (%s) failed: its worker %s stopped, %d attempts",
                             task.id, task.task_path, worker, len(task.worker_ids))  # fmt: skip
            else:
                task.status = "READY"
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued.append(str(task.id))
                logger.warning("task %s (%s) queued again: its worker %s stopped",
                               task.id, task.task_path, worker)  # fmt: skip
    # Dead processes' rows go after a day (kept a while for whoever investigates).
    Heartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return requeued, failed


def task_counts():
    """Counts for the health page: ready, running, failed in the last day, and the age
    of the oldest task waiting (a queue nobody works off)."""
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.filter(status="READY")
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    day_ago = timezone.now() - timedelta(days=1)
    return {
        "ready": ready.count(),
        "running": DBTaskResult.objects.filter(status="RUNNING").count(),
        "failed_last_day": DBTaskResult.objects.filter(
            status="FAILED", finished_at__gte=day_ago
        ).count(),
        "oldest_ready_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }
