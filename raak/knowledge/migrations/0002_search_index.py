"""The full-text index: FTS5 on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE knowledge_activity_fts USING fts5(
        search_text, content='knowledge_activity', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER knowledge_activity_ai AFTER INSERT ON knowledge_activity BEGIN
        INSERT INTO knowledge_activity_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER knowledge_activity_ad AFTER DELETE ON knowledge_activity BEGIN
        INSERT INTO knowledge_activity_fts(knowledge_activity_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER knowledge_activity_au AFTER UPDATE ON knowledge_activity BEGIN
        INSERT INTO knowledge_activity_fts(knowledge_activity_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO knowledge_activity_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER knowledge_activity_au",
    "DROP TRIGGER knowledge_activity_ad",
    "DROP TRIGGER knowledge_activity_ai",
    "DROP TABLE knowledge_activity_fts",
]
POSTGRES = [
    "CREATE INDEX knowledge_activity_search ON knowledge_activity "
    "USING GIN (to_tsvector('dutch', search_text))"
]
POSTGRES_REVERSE = ["DROP INDEX knowledge_activity_search"]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
