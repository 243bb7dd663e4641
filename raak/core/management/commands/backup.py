"""`raak backup [--output FILE]`: the database and the uploaded documents in one file.

The file is a tar.gz with `manifest.json`, the database (`database.sqlite3`, a
consistent copy made with SQLite's online backup API, or `database.pgdump`, made by
`pg_dump --format=custom`) and `media/` (evidence documents). `raak restore FILE` puts
it back. Both work while the application runs; see docs/deployment.md.
"""

import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from raak.accounts.security import log_cli_event


def engine():
    name = settings.DATABASES["default"]["ENGINE"]
    if name.endswith("sqlite3"):
        return "sqlite"
    if name.endswith("postgresql"):
        return "postgresql"
    raise CommandError(f"raak backup knows SQLite and PostgreSQL, not {name}")


def pg_env_and_args():
    """libpq environment for pg_dump/pg_restore/psql: the password never on the
    command line (where `ps` shows it)."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    return env


class Command(BaseCommand):
    help = "Write the database and uploaded documents to one .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default raak-backup-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        kind = engine()
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = Path(output or f"raak-backup-{stamp}.tar.gz")
        if target.exists():
            raise CommandError(f"{target} exists already; choose another --output")
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            if kind == "sqlite":
                db_file = tmp / "database.sqlite3"
                # SQLite's online backup: a consistent copy even while others write.
                connection.ensure_connection()
                dest = sqlite3.connect(db_file)
                with dest:
                    connection.connection.backup(dest)
                dest.close()
            else:
                db_file = tmp / "database.pgdump"
                done = subprocess.run(
                    ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                     "--file", str(db_file)],
                    env=pg_env_and_args(), capture_output=True, text=True,
                )  # fmt: skip
                if done.returncode:
                    raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
            manifest = {
                "format": "raak-backup/1",
                "created": timezone.now().isoformat(),
                "database": kind,
                "migrations": MigrationRecorder(connection).migration_qs.count(),
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
            partial = target.with_name(target.name + ".part")
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(tmp / "manifest.json", "manifest.json")
                tar.add(db_file, db_file.name)
                media = Path(settings.MEDIA_ROOT)
                if media.exists():
                    tar.add(media, "media")
            os.chmod(partial, 0o600)  # holds everything, personal data included
            partial.rename(target)
        log_cli_event("backup", file=target.name, database=kind)
        self.stdout.write(str(target))
