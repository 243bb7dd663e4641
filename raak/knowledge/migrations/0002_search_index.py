"""The full-text index: FTS5 on SQLite, a GIN index on PostgreSQL.

The statements live in raak.knowledge.search, which also re-creates them after every
migrate (a table rebuild on SQLite drops triggers)."""

from django.db import migrations


def create(apps, schema_editor):
    from raak.knowledge.search import ensure_index

    ensure_index(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
