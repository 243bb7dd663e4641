from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The home of jobs that span apps (the demo, import/export dispatch, the route map's
    publication with a submission, the worker, backups),
    so that each app knows only itself and `programmes`."""

    name = "raak.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from raak.core import checks  # noqa: F401 (registers the start checks)
        from raak.core.route_review import publish_with_accepted_submission
        from raak.cycle.models import Submission

        post_migrate.connect(create_cache_table, sender=self)
        post_save.connect(publish_with_accepted_submission, sender=Submission,
                          dispatch_uid="route-map-with-submission")  # fmt: skip


def create_cache_table(using="default", **kwargs):
    """`raak migrate` also makes the table of a database cache (CACHE_URL=db://), which
    Django's migrations do not."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
