from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The home of jobs that span apps (demo, exchange dispatch, reports, the worker),
    so that each app knows only itself and `programmes`."""

    name = "raak.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import post_save

        from raak.core.route_review import publish_with_accepted_submission
        from raak.cycle.models import Submission

        post_save.connect(publish_with_accepted_submission, sender=Submission,
                          dispatch_uid="route-map-with-submission")  # fmt: skip
