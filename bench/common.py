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


def replace_section(marker, section):
    """Put `section` (markdown starting with `## ...`) at the end of docs/performance.md
    in place of the section(s) whose heading starts with `marker`, so a re-run leaves
    one section per bench and database, not one per run."""
    doc = ROOT / "docs" / "performance.md"
    kept = [
        s
        for s in doc.read_text().split("\n## ")
        if not ("## " + s).startswith(marker) and not s.startswith(marker)
    ]
    doc.write_text("\n## ".join(kept).rstrip() + "\n\n" + section.strip() + "\n")
