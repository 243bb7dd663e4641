"""`raak restore FILE --yes`: replace the database and uploaded documents with a backup
made by `raak backup` (same database kind). Stop the app servers first."""

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from raak.accounts.security import log_cli_event
from raak.core.management.commands.backup import engine, pg_env_and_args

NAMES = {"manifest.json", "database.sqlite3", "database.pgdump"}


class Command(BaseCommand):
    help = "Replace the database and uploaded documents with a `raak backup` file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="really replace everything")

    def handle(self, *args, file, yes=False, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        kind = engine()
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            try:
                with tarfile.open(source, "r:gz") as tar:
                    for member in tar.getmembers():
                        top = member.name.split("/", 1)[0]
                        if member.name not in NAMES and top != "media":
                            raise CommandError(f"{source}: unexpected entry {member.name!r}")
                    # The "data" filter refuses absolute paths, .. and links outside.
                    tar.extractall(tmp, filter="data")
                manifest = json.loads((tmp / "manifest.json").read_text())
            except (tarfile.TarError, OSError, ValueError, KeyError) as e:
                raise CommandError(f"{source} is not a raak backup: {e}") from None
            if manifest.get("format") != "raak-backup/1":
                raise CommandError(f"{source} is not a raak backup (no raak-backup/1 manifest)")
            if manifest.get("database") != kind:
                raise CommandError(
                    f"{source} holds a {manifest.get('database')} database; this "
                    f"installation uses {kind}. Restore into the same kind."
                )
            if not yes:
                raise CommandError(
                    "This replaces the whole database and every uploaded document. "
                    "Stop the app servers, then run again with --yes."
                )
            if kind == "sqlite":
                self._sqlite(tmp / "database.sqlite3")
            else:
                connections.close_all()
                done = subprocess.run(
                    ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                     "--single-transaction", "--dbname", settings.DATABASES["default"]["NAME"],
                     str(tmp / "database.pgdump")],
                    env=pg_env_and_args(), capture_output=True, text=True,
                )  # fmt: skip
                if done.returncode:
                    raise CommandError(f"pg_restore failed: {done.stderr.strip()}")
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                shutil.rmtree(media)
            if (tmp / "media").exists():
                shutil.copytree(tmp / "media", media)
            else:
                media.mkdir(parents=True, exist_ok=True)
        # The restored versions are older than entries a shared cache (Redis) may still
        # hold from before: the next change would raise a version to one of those and
        # serve its page again. A version from the clock is newer than all of them.
        from raak.programmes.models import Programme, first_data_version

        Programme.objects.update(
            data_version=first_data_version(), public_version=first_data_version()
        )
        log_cli_event("restore", file=source.name, database=kind)
        self.stdout.write(f"restored {source} (made {manifest.get('created')})")

    def _sqlite(self, backup_file):
        import sqlite3

        from django.db import connection

        connection.ensure_connection()
        source = sqlite3.connect(backup_file)
        source.backup(connection.connection)
        source.close()
