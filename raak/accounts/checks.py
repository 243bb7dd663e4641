"""Refuse to run in production with the development SECRET_KEY or without SITE_URL."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def development_key_in_production():
    return not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY


def site_url_missing_in_production():
    """Links in e-mail are made without a request (worker, command line): production must
    say where people reach it, or every message would point at the development address."""
    return not settings.DEBUG and not settings.SITE_URL


def refuse_development_key():
    """Called by the production entry points (`raak serve`, raak.wsgi)."""
    if development_key_in_production():
        raise ImproperlyConfigured(
            "RAAK refuses to start with DEBUG=0 and the built-in development SECRET_KEY. "
            "Set SECRET_KEY to a long random value (see docs/deployment.md)."
        )


def refuse_missing_site_url():
    if site_url_missing_in_production():
        raise ImproperlyConfigured(
            "RAAK refuses to start with DEBUG=0 and no SITE_URL: links in e-mail need the "
            "address people reach RAAK at. Set SITE_URL, e.g. https://raak.example.org "
            "(see docs/deployment.md)."
        )


def refuse_unready_production():
    """Every refusal of the production entry points, in one call."""
    refuse_development_key()
    refuse_missing_site_url()


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


@register(Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs):
    if site_url_missing_in_production():
        return [
            Error(
                "SITE_URL is not set: links in e-mail would point at the development address.",
                hint="Set the SITE_URL environment variable, e.g. https://raak.example.org.",
                id="raak.E002",
            )
        ]
    return []
