"""`make bench`: every benchmark on SQLite and on PostgreSQL, then one verdict.

PostgreSQL is not optional: BENCH_DATABASE_URL names the database (default
postgres://postgres@127.0.0.1:54329/raak_bench; it is DROPPED and created anew at the
start, so never point it at a database you keep). When the server cannot be reached the run fails at once instead of
recording only half the figures. Each bench writes its own section of
docs/performance.md; a bench that misses a goal or cannot measure exits non-zero, and
so does this script, after running the rest.

    make bench
    BENCH_DATABASE_URL=postgres://user@host:5432/db make bench
    BENCHES="run load" make bench          # a subset
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgres://postgres@127.0.0.1:54329/raak_bench"
# (script, databases): those that measure database work run on both.
BENCHES = [
    ("run", ("sqlite", "postgresql")),
    ("load", ("sqlite", "postgresql")),
    ("search", ("sqlite", "postgresql")),
    ("compare", ("sqlite", "postgresql")),
    ("cycle", ("sqlite", "postgresql")),
    ("quality", ("sqlite", "postgresql")),
    ("api", ("sqlite",)),
    ("questionnaires", ("sqlite",)),
    ("report", ("sqlite", "postgresql")),
    ("static", ("sqlite",)),  # the static site through nginx: no database in the measured path
]


def fresh_postgres(url):
    """Drop and create the bench database, so every run starts from the same state (and
    from this release's migrations). Fails when the server cannot be reached."""
    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as e:
        raise SystemExit(
            f"PostgreSQL at {parts.hostname}:{parts.port} is not reachable: {e}"
        ) from e


def main():
    pg = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    fresh_postgres(pg)
    wanted = os.environ.get("BENCHES", "").split()
    results = []
    for script, databases in BENCHES:
        if wanted and script not in wanted:
            continue
        for database in databases:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            if database == "postgresql":
                env["DATABASE_URL"] = pg
            print(f"\n=== bench/{script}.py on {database} ===", flush=True)
            start = time.perf_counter()
            code = subprocess.run(
                [sys.executable, ROOT / "bench" / f"{script}.py"], env=env
            ).returncode
            results.append((script, database, code, time.perf_counter() - start))
    print("\n| bench | database | result | time (s) |\n|---|---|---|---:|")
    for script, database, code, seconds in results:
        print(
            f"| {script} | {database} | {'ok' if code == 0 else f'FAILED ({code})'} | {seconds:.0f} |"
        )
    print(f"total {sum(r[3] for r in results):.0f} s")
    return 1 if any(r[2] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
