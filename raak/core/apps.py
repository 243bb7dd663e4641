from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The home of jobs that span apps (demo, exchange dispatch, reports, the worker),
    so that each app knows only itself and `programmes`."""

    name = "raak.core"
    label = "core"
