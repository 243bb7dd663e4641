"""Health endpoints, worker heartbeats, lost tasks, the scheduler's lease and jobs, and
the start check for several app servers (issue #26)."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from raak.accounts.models import SecurityEvent
from raak.core import checks, health, processes, scheduler
from raak.core.models import Heartbeat, Lease, ScheduledJob
from raak.cycle.reminders import send_reminder

pytestmark = pytest.mark.django_db

PROBES = ["/gezond", "/gezond/gereed", "/gezond/werkers"]


def heartbeat(process_id, kind=Heartbeat.WORKER, age=0):
    at = timezone.now() - timedelta(seconds=age)
    return Heartbeat.objects.create(process_id=process_id, kind=kind, hostname="h", pid=1,
                                    started_at=at, seen_at=at)  # fmt: skip


def test_probes_need_no_session_set_no_cookie_and_are_never_cached(people):
    heartbeat("w1")
    client = Client()
    for path in PROBES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert not response.cookies, path
    assert client.get("/gezond/gereed").json() == {
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"}, "status": "ok"
    }  # fmt: skip
    assert client.post("/gezond/gereed").status_code == 405


def test_probes_write_nothing_to_the_security_log_even_with_an_expired_session(people):
    from raak.accounts.middleware import LAST_SEEN
    from tests.conftest import sign_in

    client = sign_in(Client(), people["coord_a"])
    session = client.session
    session[LAST_SEEN] = 1  # idle since 1970
    session.save()
    before = SecurityEvent.objects.count()
    for path in PROBES:
        assert client.get(path).status_code in (200, 503)
    assert SecurityEvent.objects.count() == before
    # A page does end the session (and logs it): the probes were the exception.
    client.get("/start/")
    assert SecurityEvent.objects.filter(event="session-expired").exists()


def test_readiness_fails_without_migrations_cache_or_database(db):
    client = Client()
    with (
        mock.patch.object(health, "_migrated", False),
        mock.patch(
            "django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=[1]
        ),
    ):
        response = client.get("/gezond/gereed")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "fail"
    with mock.patch("raak.core.health.cache.get", return_value=None):
        assert client.get("/gezond/gereed").json()["checks"]["cache"] == "fail"
    with mock.patch.dict(health.CHECKS, database=mock.Mock(side_effect=OSError("gone"))):
        response = client.get("/gezond/gereed")
    assert response.status_code == 503
    assert "gone" not in response.content.decode()  # details to the log, not the caller


def test_worker_health_reads_fresh_heartbeats(db, settings):
    settings.WORKER_STALE_SECONDS = 60
    client = Client()
    response = client.get("/gezond/werkers")
    assert response.status_code == 503 and response.json()["workers"] == 0
    heartbeat("old", age=120)
    assert client.get("/gezond/werkers").status_code == 503
    heartbeat("new", age=5)
    heartbeat("sched", kind=Heartbeat.SCHEDULER, age=5)
    body = client.get("/gezond/werkers").json()
    assert (body["status"], body["workers"], body["scheduler"]) == ("ok", 1, True)
    assert body["tasks"]["ready"] == 0


def test_heartbeat_thread_beats_and_removes_its_row_on_a_clean_stop(transactional_db, settings):
    settings.WORKER_HEARTBEAT_SECONDS = 0.05
    thread = processes.HeartbeatThread("w-thread", Heartbeat.WORKER)
    thread.start()
    try:
        for _ in range(100):
            if Heartbeat.objects.filter(process_id="w-thread").exists():
                break
            thread.stopping.wait(0.05)
        first = Heartbeat.objects.get(process_id="w-thread").seen_at
        thread.stopping.wait(0.3)
        assert Heartbeat.objects.get(process_id="w-thread").seen_at > first
    finally:
        thread.stop()
    assert not Heartbeat.objects.filter(process_id="w-thread").exists()


def _running(worker_ids, age=600):
    result = send_reminder.enqueue(123)
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING", worker_ids=worker_ids, started_at=timezone.now() - timedelta(seconds=age)
    )
    return uuid.UUID(result.id)


def test_a_task_of_a_dead_worker_runs_again_then_fails_visibly(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_STALE_SECONDS = 60
    heartbeat("living")
    heartbeat("dead", age=300)
    lost = _running(["dead"])
    busy = _running(["living"])  # a long task of a living worker is left alone
    young = _running(["starting"], age=1)  # just claimed: its worker may not have beaten yet
    worn = _running(["a", "b", "dead"])
    requeued, failed = processes.recover_lost_tasks()
    assert requeued == [str(lost)] and failed == [str(worn)], (requeued, failed)
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses[lost] == "READY" and statuses[busy] == statuses[young] == "RUNNING"
    worn_row = DBTaskResult.objects.get(id=worn)
    assert worn_row.status == "FAILED" and "stopped during this task" in worn_row.traceback
    assert worn_row.task_result.errors[0].exception_class is processes.WorkerLost
    # The queued-again task is the same row: its history keeps the dead worker.
    assert DBTaskResult.objects.get(id=lost).worker_ids == ["dead"]


def test_one_scheduler_holds_the_lease_until_it_stops_renewing(db):
    assert processes.take_lease("scheduler", "A", 60)
    assert not processes.take_lease("scheduler", "B", 60)
    assert processes.take_lease("scheduler", "A", 60)  # renewed
    Lease.objects.filter(name="scheduler").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert processes.take_lease("scheduler", "B", 60)  # A died: B takes over
    assert not processes.take_lease("scheduler", "A", 60)


def test_scheduler_runs_each_job_once_per_interval_and_survives_a_failing_one(db):
    calls = []
    jobs = [
        scheduler.Job("hourly", timedelta(hours=1), ("x",)),
        scheduler.Job("broken", timedelta(hours=1), ("y",)),
        scheduler.Job("always", timedelta(0), ("z",)),
    ]

    def run(self):
        calls.append(self.name)
        if self.name == "broken":
            raise RuntimeError("kapot")
        return "gedaan"

    with mock.patch.object(scheduler.Job, "run", run):
        assert scheduler.tick("A", 60, jobs) == ["hourly", "broken", "always"]
        assert scheduler.tick("B", 60, jobs) is None  # a second scheduler does nothing
        assert scheduler.tick("A", 60, jobs) == ["always"]
    assert calls == ["hourly", "broken", "always", "always"]
    broken = ScheduledJob.objects.get(name="broken")
    assert broken.ok is False and "kapot" in broken.output
    assert ScheduledJob.objects.get(name="hourly").ok is True


def test_scheduler_once_runs_the_real_jobs(people):
    from io import StringIO

    out = StringIO()
    call_command("scheduler", once=True, stdout=out)
    assert "ran: remind, recover-tasks, prune-security-log" in out.getvalue()
    assert all(ScheduledJob.objects.get(name=j.name).ok for j in scheduler.JOBS)
    out = StringIO()
    call_command("scheduler", once=True, stdout=out)
    assert out.getvalue().strip() == "ran: recover-tasks"  # the rest waits its interval


def test_several_app_servers_refuse_a_per_process_cache(settings):
    settings.RAAK_REPLICAS = 2
    assert [e.id for e in checks.shared_cache_with_replicas(None)] == ["raak.E010"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0"}}  # fmt: skip
    assert checks.shared_cache_with_replicas(None) == []
    settings.RAAK_REPLICAS = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert checks.shared_cache_with_replicas(None) == []


def test_sessions_go_through_redis_when_redis_is_the_cache():
    import subprocess
    import sys

    code = "from django.conf import settings as s; print(s.SESSION_ENGINE)"
    env = {"DJANGO_SETTINGS_MODULE": "raak.settings", "PATH": "/usr/bin:/bin"}
    engine = {}
    for url in ("locmem://", "redis://127.0.0.1:6379/0", "db://"):
        engine[url] = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + code],
            env={**env, "CACHE_URL": url}, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    assert engine == {
        "locmem://": "django.contrib.sessions.backends.db",
        "redis://127.0.0.1:6379/0": "django.contrib.sessions.backends.cached_db",
        "db://": "django.contrib.sessions.backends.db",
    }


def test_heartbeat_command_is_a_liveness_probe_for_one_worker(db, settings, capsys):
    settings.WORKER_STALE_SECONDS = 60
    heartbeat("pod-1")
    heartbeat("pod-2", age=300)
    call_command("heartbeat", "pod-1")
    for dead in ("pod-2", "pod-3"):
        with pytest.raises(SystemExit) as exit:
            call_command("heartbeat", dead)
        assert exit.value.code == 1


def test_the_example_manifests_name_real_commands_and_probe_paths():
    """deploy/compose.yaml and deploy/kubernetes/ cannot be run here; at least every
    `raak` command and probe path they name exists."""
    import re
    from pathlib import Path

    import yaml
    from django.core.management import get_commands
    from django.urls import resolve

    deploy = Path(__file__).resolve().parents[1] / "deploy"
    files = [deploy / "compose.yaml", *sorted((deploy / "kubernetes").glob("*.yaml"))]
    text = "\n".join(f.read_text() for f in files)
    for f in files:
        assert list(yaml.safe_load_all(f.read_text())), f
    # `raak migrate ...` in a shell line, or ["raak", "serve", ...] as a list.
    commands = set(re.findall(r'(?:(?<![\w/.:-])raak |"raak", ")([a-z_-]+)', text))
    assert {"serve", "worker", "scheduler", "migrate", "heartbeat"} <= commands, commands
    assert commands <= set(get_commands()), commands - set(get_commands())
    for path in set(re.findall(r"(/gezond[\w/]*)", text)):
        assert resolve(path).url_name.startswith("health"), path
