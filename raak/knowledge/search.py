"""Full-text search over activities, diacritics-insensitive.

PostgreSQL: the `dutch` text search configuration (stemming: "meldcodes" finds
"meldcode") over `search_text`, kept in a stored tsvector column with a GIN index. SQLite: an FTS5 table kept in step
by triggers (migration 0002), words matched as prefixes. `search_text` is already
without diacritics and the query is normalised the same way.
"""

import re

from django.db import connection
from django.db.models.expressions import RawSQL

from raak.knowledge.models import normalise

SQLITE_INDEX = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_activity_fts USING fts5(
        search_text, content='knowledge_activity', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_activity_ai AFTER INSERT ON knowledge_activity BEGIN
        INSERT INTO knowledge_activity_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_activity_ad AFTER DELETE ON knowledge_activity BEGIN
        INSERT INTO knowledge_activity_fts(knowledge_activity_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_activity_au AFTER UPDATE ON knowledge_activity BEGIN
        INSERT INTO knowledge_activity_fts(knowledge_activity_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO knowledge_activity_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
]
# A stored tsvector column (not in Django's model state: only PostgreSQL has it), so
# checking a row against a query does not re-run to_tsvector: a page of results walks
# the catalogue-order index and tests each row cheaply, and counting stops at the cap.
POSTGRES_INDEX = [
    "DROP INDEX IF EXISTS knowledge_activity_search",
    "ALTER TABLE knowledge_activity ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('dutch', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS knowledge_activity_search_vector ON knowledge_activity "
    "USING GIN (search_vector)",
]


def ensure_index(using="default", **kwargs):
    """Create the search index where it is missing, and refill it if it was.

    Runs after every `migrate`: on SQLite a migration that rebuilds the activity table
    drops its triggers, and the index would silently fall behind."""
    from django.db import connections

    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'knowledge_activity_a_'"
            )
            complete = cursor.fetchone()[0] == 3
            for sql in SQLITE_INDEX:
                cursor.execute(sql)
            if not complete:
                cursor.execute(
                    "INSERT INTO knowledge_activity_fts(knowledge_activity_fts) VALUES ('rebuild')"
                )
        elif conn.vendor == "postgresql":
            for sql in POSTGRES_INDEX:
                cursor.execute(sql)


def words(query):
    return re.findall(r"\w+", normalise(query))


def search(qs, query):
    terms = words(query)
    if not terms:
        return qs
    if connection.vendor == "postgresql":
        # The stored column of POSTGRES_INDEX, tested on the row itself: the planner
        # then chooses between the GIN index (rare words) and the order index (common).
        return qs.extra(
            where=["knowledge_activity.search_vector @@ plainto_tsquery('dutch', %s)"],
            params=[" ".join(terms)],
        )
    if connection.vendor == "sqlite":
        match = " ".join(f'"{t}"*' for t in terms)
        # A subquery, not a join: joined, SQLite walks the catalogue order and re-runs
        # the MATCH for every row (minutes at 100,000 rows); as a list it runs it once.
        return qs.filter(
            id__in=RawSQL(
                "SELECT rowid FROM knowledge_activity_fts WHERE knowledge_activity_fts MATCH %s",
                [match],
            )
        )
    for t in terms:  # any other database: plain substring match
        qs = qs.filter(search_text__contains=t)
    return qs
