"""Shared set-up for the benchmarks: a fresh SQLite file unless DATABASE_URL is set,
Django configured, and planner statistics after bulk loads."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def setup(name):
    RESULTS.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        db = RESULTS / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raak.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def analyse():
    """Fresh planner statistics after a bulk load, as a running database has them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
