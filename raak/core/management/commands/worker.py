"""`raak worker`: run background tasks (Django 6's tasks framework, database backend).

A thin name for django-tasks-db's `db_worker`, so operators script one product verb.
Every option of `db_worker` is accepted (`raak worker --batch` works off the queue and
stops, which is what tests and cron jobs use).

While it runs, a thread writes the worker's heartbeat to the database
(`core.Heartbeat`, every WORKER_HEARTBEAT_SECONDS), which the health page
`/gezond/werkers` reads and the scheduler uses to put the task of a worker that died
back in the queue (raak/core/processes.py). `--batch` runs write no heartbeat: they
end by themselves, and tests run them inside their own transaction.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from raak.core.models import Heartbeat
from raak.core.processes import HeartbeatThread


class Command(DbWorker):
    help = "Run the background task worker (e-mail reminders, report generation)."

    def handle(self, *args, **options):
        if options.get("batch"):
            return super().handle(*args, **options)
        heartbeat = HeartbeatThread(options["worker_id"], Heartbeat.WORKER)
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
