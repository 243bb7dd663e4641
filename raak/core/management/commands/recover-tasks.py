"""`raak recover-tasks`: put tasks whose worker died back in the queue (or mark them
failed after a few attempts); `raak scheduler` runs it every round."""

from django.core.management.base import BaseCommand

from raak.core.processes import recover_lost_tasks


class Command(BaseCommand):
    help = "Queue again the tasks left running by a worker that stopped beating."

    def handle(self, *args, **options):
        requeued, failed = recover_lost_tasks()
        if requeued or failed:
            self.stdout.write(f"{len(requeued)} opnieuw in de wachtrij, {len(failed)} mislukt")
