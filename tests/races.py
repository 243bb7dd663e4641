"""Race tests: work released at the same moment in threads, each with its own database
connection, and the SQLite variant of such tests.

Threads cannot share pytest's in-memory SQLite database (its shared cache answers "table
is locked" at once, unlike a real file). So a race test skips itself there
(`skip_in_memory_sqlite`), and one test per file runs the race tests again in a pytest
of their own on a database file, as RAAK runs (`rerun_on_a_sqlite_file`). On
PostgreSQL and on a SQLite file the race tests run directly.
"""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def at_once(n, work):
    """Run work(i) for i in range(n) in n threads released together, each closing its
    own connection; return the results (or the exceptions' repr), in order."""
    from django.db import connection

    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as e:  # noqa: BLE001 - the test reports it
            results[i] = repr(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def in_memory_sqlite():
    from django.db import connection

    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def skip_in_memory_sqlite(where):
    """In a race test's fixture: skip on the in-memory database; `where` runs it."""
    if in_memory_sqlite():
        pytest.skip(f"runs in {where}")


def rerun_on_a_sqlite_file(test_file, tmp_path, keyword, passed):
    """Run the tests of `test_file` that `keyword` selects (-k) in a pytest of their own
    on a SQLite database file, and require all `passed` of them to pass. Only on the
    in-memory database; elsewhere those tests ran directly."""
    if not in_memory_sqlite():
        pytest.skip("the database is a real server or file; the tests below ran directly")
    env = {**os.environ, "TEST_SQLITE_NAME": str(tmp_path / "races.sqlite3")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file),
         "-k", keyword],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    assert f"{passed} passed" in result.stdout, result.stdout[-2000:]
