"""The deployment of docs/deployment.md on one machine, for tests/test_scaleout.py.

PostgreSQL (a database of its own on the server DATABASE_URL names), Redis, two
`raak serve` behind nginx (round-robin), two `raak worker`, one `raak scheduler`, a
shared RAAK_DATA_DIR, migrations and the demo as a one-off job before the web
processes start, and an SMTP server (aiosmtpd) that counts what arrives. Everything
runs in a temporary directory and stops when the test ends.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
RAAK = str(Path(sys.executable).with_name("raak"))


class Process:
    def __init__(self, name, argv, env, logs):
        self.name, self.argv = name, argv
        self.log_path = logs / f"{name}.log"
        self.log = self.log_path.open("ab")
        # A session of its own: killing the group reaches gunicorn's workers too.
        self.popen = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                      start_new_session=True)  # fmt: skip

    def signal(self, sig, group=False):
        if self.popen.poll() is None:
            if group:
                os.killpg(self.popen.pid, sig)
            else:
                self.popen.send_signal(sig)

    def stop(self, timeout=15):
        if self.popen.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL, group=True)
                self.popen.wait(5)
        try:  # whatever the group left behind (gunicorn workers of a killed master)
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.log.close()

    def output(self):
        return self.log_path.read_text(errors="replace")


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX_CONF = """\
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log {tmp}/logs/nginx-access.log;
    client_body_temp_path {tmp}/nginx/body;
    proxy_temp_path {tmp}/nginx/proxy;
    fastcgi_temp_path {tmp}/nginx/fastcgi;
    uwsgi_temp_path {tmp}/nginx/uwsgi;
    scgi_temp_path {tmp}/nginx/scgi;
    client_max_body_size 12m;
    # As deploy/nginx.conf: every app server in one upstream, round-robin; a server
    # that fails a connection is left out for a while and the request goes to the next.
    upstream raak {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=30s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            include {root}/deploy/proxy_params_raak;
            proxy_connect_timeout 2s;
            proxy_pass http://raak;
        }}
    }}
}}
"""


class Stack:
    def __init__(self, database_url, base_port=None):
        self.tmp = Path(tempfile.mkdtemp(prefix="raak-scaleout-"))
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.procs = {}
        base = base_port or int(os.environ.get("RAAK_SCALEOUT_PORT", "0"))
        port = (lambda n: base + n) if base else (lambda n: free_port())
        self.port_a, self.port_b, self.smtp_port = port(1), port(2), port(3)
        self.redis_port, self.nginx_port = port(18), port(19)
        parsed = urlparse(database_url)
        self.db_name = parsed.path.lstrip("/") + "_scaleout"
        self.admin_url = urlunparse(parsed._replace(path="/postgres"))
        self.database_url = urlunparse(parsed._replace(path="/" + self.db_name))
        self.nginx = f"http://127.0.0.1:{self.nginx_port}"
        self.a = f"http://127.0.0.1:{self.port_a}"
        self.b = f"http://127.0.0.1:{self.port_b}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "DATABASE_URL": self.database_url,
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "RAAK_REPLICAS": "2",
            "RAAK_DATA_DIR": str(self.tmp / "data"),
            "SECRET_KEY": "scale-out-test-" + "k" * 50,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: nginx here terminates no TLS.
            "ALLOW_INSECURE_HTTP": "1",
            "PROXY_COUNT": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "DEFAULT_FROM_EMAIL": "raak@example.org",
            "SITE_URL": self.nginx,
            "SECURITY_CONTACT": "mailto:security@example.org",
            "RAAK_WORKERS": "2",
            "RAAK_THREADS": "4",
            "DB_CONN_MAX_AGE": "60",
            "WORKER_HEARTBEAT_SECONDS": "1",
            "WORKER_STALE_SECONDS": "5",
            "SCHEDULER_TICK_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
            "SECURITY_LOG_LEVEL": "WARNING",
        }

    # -- the database, from the test process ---------------------------------------
    def sql(self, query, params=()):
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def _admin(self, statement):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def _exists(self, name):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                        .fetchone())  # fmt: skip

    # -- processes ----------------------------------------------------------------
    def start(self, name, argv):
        self.procs[name] = Process(name, argv, self.env, self.logs)
        return self.procs[name]

    def run(self, *args, timeout=600):
        done = subprocess.run([RAAK, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)  # fmt: skip
        if done.returncode:
            raise AssertionError(f"raak {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def wait_for(self, url, timeout=90, status=200):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=2).status_code == status:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{url} did not answer {status} within {timeout} s\n{self.tails()}")

    def tails(self):
        return "\n".join(f"--- {name} ---\n{p.output()[-2500:]}" for name, p in self.procs.items())

    def up(self, setup_script):
        self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        # RAAK_SCALEOUT_TEMPLATE=1 (development only): keep the migrated demo database
        # as a template and start from it next time (a minute less per run).
        template = self.db_name + "_template" if os.environ.get("RAAK_SCALEOUT_TEMPLATE") else ""
        have_template = template and self._exists(template)
        self._admin(f'CREATE DATABASE "{self.db_name}"'
                    + (f' TEMPLATE "{template}"' if have_template else ""))  # fmt: skip
        redis = shutil.which("redis-server")
        self.start("redis", [redis, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(self.tmp)])  # fmt: skip
        # The one-off job before any web process starts: migrate, static files, data.
        if not have_template:
            self.run("migrate", "--no-input", "-v0")
            self.run("demo", "--no-serve")
            if template:
                self._admin(f'CREATE DATABASE "{template}" TEMPLATE "{self.db_name}"')
        self.run("collectstatic", "--no-input", "-v0")
        self.run("shell", "-c", setup_script)
        for name, port in (("a", self.port_a), ("b", self.port_b)):
            self.start(name, [RAAK, "serve", "--port", str(port), "--no-collectstatic"])
        for name in ("w1", "w2"):
            self.start(name, [RAAK, "worker", "--worker-id", name, "--interval", "0.2",
                              "--no-startup-delay"])  # fmt: skip
        for path in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.tmp / "nginx" / path).mkdir(parents=True)
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(
            user="user root;" if os.geteuid() == 0 else "", tmp=self.tmp, root=ROOT,
            port=self.nginx_port, port_a=self.port_a, port_b=self.port_b,
        ))  # fmt: skip
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.start("nginx", [nginx, "-p", str(self.tmp), "-c", str(conf)])
        for base in (self.a, self.b, self.nginx):
            self.wait_for(base + "/gezond/gereed")

    def start_scheduler(self):
        return self.start("scheduler", [RAAK, "scheduler", "--tick", "1"])

    def down(self):
        for name in reversed(list(self.procs)):
            self.procs[name].stop()
        try:
            self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
