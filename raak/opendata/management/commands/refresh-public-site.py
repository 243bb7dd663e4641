"""`raak refresh-public-site`: queue a rebuild of the static site under
RAAK_DATA_DIR/public/.pages of every programme whose public data changed since its
tree was built. Publication and withdrawal queue one themselves; this catches the
other public changes (the catalogue, action points, a programme's texts). The
scheduler runs it every few minutes (raak/core/scheduler.py)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from raak.opendata import public_site
from raak.programmes.models import Programme


class Command(BaseCommand):
    help = "Queue a rebuild of the static site of every programme whose public data changed."

    def handle(self, **options):
        for programme in public_site.stale(Programme.objects.order_by("slug")):
            public_site.refresh_task.enqueue(programme.pk)
            self.stdout.write(
                _("%(slug)s: opnieuw opbouwen in de wachtrij") % {"slug": programme.slug}
            )
