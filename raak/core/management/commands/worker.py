"""`raak worker`: run background tasks (Django 6's tasks framework, database backend).

A thin name for django-tasks-db's `db_worker`, so operators script one product verb.
Every option of `db_worker` is accepted (`raak worker --batch` works off the queue and
stops, which is what tests and cron jobs use).
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorker


class Command(DbWorker):
    help = "Run the background task worker (e-mail reminders, report generation)."
