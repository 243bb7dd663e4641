"""Refuse to run in production with the development SECRET_KEY."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def development_key_in_production():
    return not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY


def refuse_development_key():
    """Called by the production entry points (`raak serve`, raak.wsgi)."""
    if development_key_in_production():
        raise ImproperlyConfigured(
            "RAAK refuses to start with DEBUG=0 and the built-in development SECRET_KEY. "
            "Set SECRET_KEY to a long random value (see docs/deployment.md)."
        )


@register(Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs):
    if development_key_in_production():
        return [
            Error(
                "SECRET_KEY is the built-in development key.",
                hint="Set the SECRET_KEY environment variable (docs/deployment.md).",
                id="raak.E001",
            )
        ]
    return []
