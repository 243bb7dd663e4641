"""`raak serve [--port N] [--workers N]`: the production web server.

gunicorn with the `gthread` worker class: each worker process answers several
requests at once in threads, so a slow client (a phone on a bad line uploading
evidence, or reading a large page) holds one thread, not a whole worker as with the
default `sync` class. Put nginx in front (deploy/nginx.conf): it buffers whole requests
and responses, so slow clients never reach gunicorn at all, and terminates TLS.

Static files are collected to STATIC_ROOT first and served by WhiteNoise (compressed,
cacheable), so no separate static file server is needed.
"""

import os
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from raak.accounts.checks import refuse_development_key


def env_int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise CommandError(f"{name} must be a whole number, not {value!r}") from None


class Command(BaseCommand):
    help = "Run RAAK under gunicorn (gthread workers) for production."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("RAAK_HOST", "127.0.0.1"),
                            help="address to listen on (env RAAK_HOST, default 127.0.0.1)")  # fmt: skip
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000),
                            help="port (env PORT, default 8000)")  # fmt: skip
        parser.add_argument("--workers", type=int, default=env_int("RAAK_WORKERS", default_workers()),
                            help="worker processes (env RAAK_WORKERS, default 2 × CPUs + 1, at most 9)")  # fmt: skip
        parser.add_argument("--threads", type=int, default=env_int("RAAK_THREADS", 4),
                            help="threads per worker (env RAAK_THREADS, default 4)")  # fmt: skip
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="skip collecting static files (done already, read-only disk)")  # fmt: skip
        parser.add_argument("--check", action="store_true",
                            help="run the deploy checks, then stop")  # fmt: skip

    def handle(self, *args, host, port, workers, threads, no_collectstatic, check, **options):
        refuse_development_key()
        if not (0 < port < 65536) or workers < 1 or threads < 1:
            raise CommandError("--port must be 1–65535; --workers and --threads at least 1")
        # Refuse to start on a broken configuration rather than answer 500s.
        call_command("check", deploy=True, fail_level="ERROR")
        if check:
            return
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        argv = [
            gunicorn, "raak.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--worker-class", "gthread",
            "--threads", str(threads),
            # Longer than any page needs; a worker stuck longer is restarted.
            "--timeout", str(env_int("RAAK_TIMEOUT", 60)),
            "--graceful-timeout", "30",
            # gunicorn's own refusals (a request line or header field too long) are
            # HTML; at their maximum, nginx's smaller buffers (6k, deploy/nginx.conf)
            # refuse first and answer problem+json under /api/ (docs/security.md).
            "--limit-request-line", "8190",
            "--limit-request-field_size", "8190",
            "--keep-alive", "5",
            # Recycle workers now and then so a slow leak cannot grow without bound
            # (RAAK_MAX_REQUESTS=0: never; bench/load.py so measures memory growth).
            "--max-requests", str(env_int("RAAK_MAX_REQUESTS", 2000)),
            "--max-requests-jitter", "200",
            "--access-logfile", "-",
            # The access log without the health probes (raak/core/gunicorn_log.py).
            "--logger-class", "raak.core.gunicorn_log.Logger",
            # No shared control socket in $HOME: several servers may run on one host.
            "--no-control-socket",
            # X-Forwarded-* only from the proxies named here (the reverse proxy).
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        self.stdout.write(
            f"RAAK on http://{host}:{port}/ ({workers} workers × {threads} threads, "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        sys.stdout.flush()
        os.execv(argv[0], argv)


def default_workers():
    return min(2 * (os.cpu_count() or 1) + 1, 9)
