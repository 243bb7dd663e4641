"""What the processes of a deployment tell each other through the database.

Several `raak serve`, `raak worker` and one `raak scheduler` share one database and
nothing else they can all see, so their liveness and the scheduler's turn live here.
"""

from django.db import models


class Heartbeat(models.Model):
    """A running `raak worker` or `raak scheduler`: written every few seconds while the
    process lives (from a thread, so a long task does not make it look dead), deleted
    when it stops cleanly. A row that stops moving is a process that died."""

    WORKER, SCHEDULER = "worker", "scheduler"
    KINDS = [(WORKER, "worker"), (SCHEDULER, "scheduler")]

    process_id = models.CharField(max_length=64, primary_key=True)
    kind = models.CharField(max_length=10, choices=KINDS)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["kind", "started_at"]

    def __str__(self):
        return f"{self.kind} {self.hostname}:{self.pid}"


class ScheduledJob(models.Model):
    """One periodic job of `raak scheduler` (raak/core/scheduler.py): when it last
    started and how it ended. A job starts only through a conditional UPDATE of its
    row, so even two schedulers never run it twice in one interval."""

    name = models.CharField(max_length=50, primary_key=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    output = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.name


class Lease(models.Model):
    """A named lease: the scheduler holds `scheduler` and renews it every tick; a
    second scheduler waits until the holder stops renewing (it died) before it takes
    over. Taken and renewed by one conditional UPDATE, so it works the same on
    PostgreSQL and SQLite."""

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.holder}"
