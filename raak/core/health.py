"""Health endpoints for load balancers and orchestrators (Kubernetes probes).

- `/gezond` (raak.site.views.health): liveness, the process answers; touches nothing.
- `/gezond/gereed`: readiness, this app server can serve: the database answers, the
  cache stores and returns a value, and every migration is applied (a new release
  whose `raak migrate` job has not run yet stays out of the load balancer).
- `/gezond/werkers`: at least one `raak worker` has a fresh heartbeat; also the
  scheduler's and the queue's state. Not a web server's readiness: web pages work
  without workers, so this one is for monitoring.

They need no session, set no cookie, write nothing to the security log (the session
middlewares let /gezond pass) and are never cached (`no-store`; the page cache serves
only the public pages that ask for it). The answers name checks, not errors: the
details go to the server log, not to whoever asks.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from raak.core import processes
from raak.core.models import Heartbeat

logger = logging.getLogger("raak.health")
_migrated = False  # once applied, migrations stay applied for this process


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _cache():
    key, value = f"raak:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


def _migrations():
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


CHECKS = {"database": _database, "cache": _cache, "migrations": _migrations}


def _answer(payload, ok):
    payload["status"] = "ok" if ok else "fail"
    return JsonResponse(payload, status=200 if ok else 503)


@require_safe
@never_cache
def ready(request):
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = "ok" if check() else "fail"
        except Exception:
            logger.exception("readiness check %s failed", name)
            checks[name] = "fail"
    return _answer({"checks": checks}, all(v == "ok" for v in checks.values()))


@require_safe
@never_cache
def workers(request):
    try:
        workers = list(processes.alive(Heartbeat.WORKER).values("hostname", "pid", "seen_at"))
        scheduler = processes.alive(Heartbeat.SCHEDULER).exists()
        tasks = processes.task_counts()
    except Exception:
        logger.exception("worker health not read")
        return _answer({"checks": {"database": "fail"}}, False)
    return _answer(
        {"workers": len(workers), "scheduler": scheduler, "tasks": tasks,
         "last_seen": max((w["seen_at"] for w in workers), default=None)},
        bool(workers),
    )  # fmt: skip
