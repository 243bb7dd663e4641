"""The README's first command, `make demo`, and its production counterpart (issue #20).

The development server accepts the development SECRET_KEY; every production entry point
refuses it. CI runs `.ci/smoke_demo.py` on the real `make demo`; these tests prove that
check fails when the development server is broken, and that the README's production
block is complete enough for `raak serve` to start.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAAK = str(Path(sys.executable).with_name("raak"))


def clean_env(**extra):
    """The environment of a newcomer: none of RAAK's variables set."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(extra)
    return env


def run(args, env, timeout=120):
    return subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_development_server_accepts_the_development_key(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.servers.basehttp import get_internal_wsgi_application\n"
        "assert not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY\n"
        "get_internal_wsgi_application()\n"
        "print('served')\n"
    )
    env = clean_env(DJANGO_SETTINGS_MODULE="raak.settings", RAAK_DATA_DIR=str(tmp_path))
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "served"


def test_production_wsgi_module_refuses_the_development_key(tmp_path):
    env = clean_env(DJANGO_SETTINGS_MODULE="raak.settings", RAAK_DATA_DIR=str(tmp_path))
    result = run([sys.executable, "-c", "import raak.wsgi"], env)
    assert result.returncode != 0
    assert "refuses to start with DEBUG=0 and the built-in development SECRET_KEY" in result.stderr


def test_raak_serve_refuses_the_development_key(tmp_path):
    result = run([RAAK, "serve", "--check"], clean_env(RAAK_DATA_DIR=str(tmp_path)))
    assert result.returncode != 0
    assert "development SECRET_KEY" in result.stderr


def test_demo_on_a_taken_port_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run([RAAK, "demo", "--port", str(port)], clean_env(RAAK_DATA_DIR=str(tmp_path)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"CommandError: Port {port} is already in use on 127.0.0.1; "
        "choose another, for example: make demo PORT=8123"
    ]
    # Refused before the slow part: nothing was loaded.
    assert "Demoprogramma" not in result.stdout


def test_smoke_check_fails_when_the_development_server_is_broken(tmp_path):
    """What happened before this issue: runserver loaded the production WSGI module,
    which refused the development key, and the autoreloader kept the process alive."""
    (tmp_path / "broken_settings.py").write_text(
        "from raak.settings import *  # noqa\nWSGI_APPLICATION = 'raak.wsgi.application'\n"
    )
    env = clean_env(PYTHONPATH=str(tmp_path), DJANGO_SETTINGS_MODULE="broken_settings")
    command = [RAAK, "runserver", "127.0.0.1:{port}"]
    result = run(
        [sys.executable, ".ci/smoke_demo.py", "--timeout", "90", "--", *command], env, timeout=150
    )
    assert result.returncode == 1, result.stdout
    assert "make demo smoke test FAILED" in result.stderr
    assert "refuses to start" in result.stderr


def readme_production_block():
    readme = (ROOT / "README.md").read_text()
    start = readme.index("Production, in short")
    block = re.search(r"```sh\n(.*?)```", readme[start:], re.DOTALL).group(1)
    exports = re.search(r"^export (.*?)(?<!\\)$", block, re.DOTALL | re.MULTILINE).group(1)
    return dict(pair.split("=", 1) for pair in exports.replace("\\\n", " ").split())


def test_readme_production_block_is_enough_for_raak_serve(tmp_path):
    variables = readme_production_block()
    assert "EMAIL_HOST" in variables  # the mail check's requirement, once missing
    examples = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        # Any database does for the start checks; the README names PostgreSQL.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'raak.sqlite3'}",
    }
    env = {}
    for name, value in variables.items():
        if "..." in value:
            assert name in examples, f"README's production block: give {name} an example value"
            value = examples[name]
        env[name] = value
    result = run([RAAK, "serve", "--check"], clean_env(**env))
    assert result.returncode == 0, result.stdout + result.stderr
