"""Smoke test of the README's first command: start `make demo` as a newcomer would and
check that it serves.

    python .ci/smoke_demo.py [--timeout 180] [-- COMMAND ...]

Runs COMMAND (default `make demo PORT=<free port>`) in its own process group with
SECRET_KEY, DEBUG and DATABASE_URL removed from the environment and an empty
RAAK_DATA_DIR, waits until it answers (at most --timeout seconds, and fails at once when
the command exits), requests the home page, the published national picture, the login
page and a static file (each must answer 200), then stops the whole process group.
`{port}` in COMMAND is replaced by the chosen port. Exit status 0 only when all passed;
tests/test_first_command.py proves that a broken development server fails this check.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PAGES = [
    ("home page", "/"),
    ("published national picture", "/raak-2008-2010/ronde/eindrapportage-2011/"),
    ("login page", "/inloggen/"),
    ("static file", "/static/raak/raak.css"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def check(command, timeout):
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command] or [
        "make",
        "demo",
        f"PORT={port}",
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    with tempfile.TemporaryDirectory(prefix="raak-demo-smoke.") as data:
        env["RAAK_DATA_DIR"] = data
        log_path = os.path.join(data, "demo.log")
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            return wait_and_request(process, port, timeout, log_path)
        finally:
            stop(process)


# A line such as "django.core.exceptions.ImproperlyConfigured: …" or "CommandError: …":
# the server will not come, even if a reloader keeps its process alive.
CRASH = re.compile(r"^[A-Za-z_.]+(Error|Exception|ImproperlyConfigured): ", re.MULTILINE)


def wait_and_request(process, port, timeout, log_path):
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            return fail(f"the command exited with status {process.returncode}", log_path)
        with open(log_path) as log:
            crash = CRASH.search(log.read())
        if crash:
            return fail("it crashed", log_path)
        try:
            status_of(base + "/gezond")
            break
        except OSError:
            if time.monotonic() > deadline:
                return fail(f"nothing answered on port {port} within {timeout} s", log_path)
            time.sleep(1)
    failures = []
    for name, path in PAGES:
        status = status_of(base + path)
        print(f"{'ok  ' if status == 200 else 'FAIL'} {name} {path}: {status}")
        if status != 200:
            failures.append(name)
    if failures:
        return fail("not 200: " + ", ".join(failures), log_path)
    print(f"make demo served on port {port}")
    return 0


def fail(why, log_path):
    print(f"make demo smoke test FAILED: {why}. Its output:", file=sys.stderr)
    with open(log_path) as log:
        sys.stderr.write(log.read()[-6000:])
    return 1


def stop(process):
    """End the command and everything it started (make → raak → runserver)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    # Whatever of the group is still there (a child that ignored SIGTERM).
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=int, default=180)
    parser.add_argument("command", nargs="*")
    args = parser.parse_args()
    sys.exit(check(args.command, args.timeout))


if __name__ == "__main__":
    main()
