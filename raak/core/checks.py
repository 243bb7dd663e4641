"""Start checks for a deployment with several app servers (docs/deployment.md)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

PER_PROCESS = ("LocMemCache", "DummyCache")


@register(Tags.caches)
def shared_cache_with_replicas(app_configs, **kwargs):
    """With RAAK_REPLICAS > 1 the cache must be shared: a per-process cache would keep
    serving a page on server B after a change on server A, and the report file and
    lock-out caches would differ per server."""
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    if settings.RAAK_REPLICAS > 1 and backend in PER_PROCESS:
        return [
            Error(
                f"RAAK_REPLICAS={settings.RAAK_REPLICAS} with a per-process cache ({backend}).",
                hint="Set CACHE_URL=redis://host:6379/0 (or db://) so every app server "
                "shares one cache (docs/deployment.md).",
                id="raak.E010",
            )
        ]
    return []
