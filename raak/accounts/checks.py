"""Refuse to run in production (DEBUG=0) with a weak configuration: the development
SECRET_KEY or any key shorter than 50 characters, or cookies without `Secure` (no
SECURE_COOKIES=1) unless ALLOW_INSECURE_HTTP=1 says plain HTTP is meant (a closed test
network, say)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 50


def development_key_in_production():
    return not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY


def production_problems():
    """[(check id, message, hint)] of what production refuses; empty with DEBUG=1."""
    if settings.DEBUG:
        return []
    problems = []
    if development_key_in_production():
        problems.append((
            "raak.E001",
            "RAAK refuses to start with DEBUG=0 and the built-in development SECRET_KEY.",
            "Set SECRET_KEY to a long random value (see docs/deployment.md).",
        ))  # fmt: skip
    elif len(settings.SECRET_KEY) < MIN_KEY_LENGTH:
        problems.append((
            "raak.E002",
            f"SECRET_KEY has {len(settings.SECRET_KEY)} characters; production needs at least "
            f"{MIN_KEY_LENGTH}.",
            'python3 -c "import secrets; print(secrets.token_urlsafe(50))"',
        ))  # fmt: skip
    if not settings.SESSION_COOKIE_SECURE and not settings.ALLOW_INSECURE_HTTP:
        problems.append((
            "raak.E003",
            "SECURE_COOKIES is not 1: session and CSRF cookies would travel without TLS.",
            "Serve over HTTPS and set SECURE_COOKIES=1, or set ALLOW_INSECURE_HTTP=1 if plain "
            "HTTP is meant (docs/security.md).",
        ))  # fmt: skip
    return problems


def refuse_development_key():
    """Called by the production entry points (`raak serve`, raak.wsgi): every problem
    of production_problems stops the start, the development key first."""
    problems = production_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(f"{message} {hint}" for _id, message, hint in problems))


@register(Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs):
    return [Error(message, hint=hint, id=id_) for id_, message, hint in production_problems()]
