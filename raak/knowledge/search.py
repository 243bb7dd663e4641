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
    # The index's own word list, to turn a prefix into the words it stands for.
    """CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_activity_terms
        USING fts5vocab(knowledge_activity_fts, 'row')""",
]
PAGE_SIZE = 25  # activities on a catalogue page
# A prefix that stands for more words than this is left to FTS5 as a prefix query.
MAX_EXPANSION = 50
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
    # Letters and digits, as FTS5's unicode61 tokenizer splits them ("_" separates).
    return re.findall(r"[^\W_]+", normalise(query))


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
        match = sqlite_match(terms)
        if match is None:
            return qs.none()
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


def sqlite_match(terms):
    """The FTS5 query for `terms`, each word matched as a prefix ("scholing" also finds
    "scholingen"), or None when a word is in no activity at all.

    A prefix query makes FTS5 merge the lists of every word with that prefix into
    one list in memory before it returns its first row, every time; a few whole words
    joined by OR are read lazily, so a capped count stops after 1,001 rows (issue #12,
    a broad query: 49 ms as a prefix, under 1 ms as words). The words come from the
    index's own vocabulary (`knowledge_activity_terms`), so nothing is lost."""
    groups = []
    with connection.cursor() as cursor:
        for term in terms:
            cursor.execute(
                "SELECT term FROM knowledge_activity_terms WHERE term >= %s AND term < %s LIMIT %s",
                [term, term + "\U0010ffff", MAX_EXPANSION + 1],
            )
            found = [row[0] for row in cursor.fetchall()]
            if not found:
                return None
            if len(found) > MAX_EXPANSION:
                groups.append(f'"{term}"*')
            else:
                groups.append("(" + " OR ".join(f'"{w}"' for w in found) + ")")
    return " AND ".join(groups)


# How many rows of the catalogue order a page may test one by one against FTS5 (about
# 45 µs each) before reading the whole list of matches is the cheaper way.
WALK_PROBES = 400


def catalogue_search(qs, query, *, programme_id, filtered, position, cap):
    """The activities of `qs` that match `query`, to read one page from in catalogue
    order, and their number capped at `cap` + 1 (None: the paginator counts).

    On SQLite a broad query matches most rows, and the list of matches costs about
    0.3 µs a row to build (25 ms at 77,000 matches) each time a statement needs it.
    So, without filters, the count is read from the full-text index itself, stopping
    at `cap` + 1 (with filters, from the list); and when more than `cap` rows match
    and matches are dense enough that the page's rows are near the start of the
    catalogue order, the page walks that order and tests each row instead of building
    the list again (docs/performance.md, "Search")."""
    terms = words(query)
    if not terms:
        return qs, None
    if connection.vendor != "sqlite":
        return search(qs, query), None
    match = sqlite_match(terms)
    if match is None:
        return qs.none(), None
    listed = qs.filter(
        id__in=RawSQL(
            "SELECT rowid FROM knowledge_activity_fts WHERE knowledge_activity_fts MATCH %s",
            [match],
        )
    )
    with connection.cursor() as cursor:
        if filtered:
            # A filter's rows are not in the full-text index: counted with the list.
            counted = listed.order_by()[: cap + 1].count()
        else:
            # CROSS JOIN keeps the index as the outer loop (SQLite's planner would
            # rather walk the activities and run the MATCH once per row).
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM knowledge_activity_fts f "
                "CROSS JOIN knowledge_activity a ON a.id = f.rowid "
                "WHERE f.knowledge_activity_fts MATCH %s AND a.programme_id = %s LIMIT %s)",
                [match, programme_id, cap + 1],
            )
            counted = cursor.fetchone()[0]
        # Only when more than `cap` rows match (with a filter: within the filter) is
        # walking worth a thought; fewer, and the list of matches is short or the
        # walk would pass many rows that do not match.
        if counted <= cap:
            return listed, counted
        # Walk when at least this many rows match: the page's last row is then
        # expected within WALK_PROBES rows of the catalogue order.
        cursor.execute("SELECT max(id) FROM knowledge_activity")
        needed = (position + PAGE_SIZE) * (cursor.fetchone()[0] or 0) // WALK_PROBES + 1
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM knowledge_activity_fts "
            "WHERE knowledge_activity_fts MATCH %s LIMIT %s)",
            [match, needed],
        )
        dense = cursor.fetchone()[0] >= needed
    if not dense:
        return listed, counted
    walked = qs.extra(
        where=[
            "EXISTS (SELECT 1 FROM knowledge_activity_fts WHERE knowledge_activity_fts "
            "MATCH %s AND knowledge_activity_fts.rowid = knowledge_activity.id)"
        ],
        params=[match],
    )
    return walked, counted
