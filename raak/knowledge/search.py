"""Full-text search over activities, diacritics-insensitive.

PostgreSQL: the `dutch` text search configuration (stemming: "meldcodes" finds
"meldcode") over `search_text`, kept in a stored tsvector column with a GIN index. SQLite: an FTS5 table kept in step
by triggers (migration 0002), words matched as prefixes. `search_text` is already
without diacritics and the query is normalised the same way.
"""

import re

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
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
    # The index's own word list, to turn a prefix into the words it stands for. One row
    # per occurrence, read lazily: the first row at or after a word costs microseconds,
    # where the one-row-per-word table counted each word's documents (2.3 ms a word at
    # 100,000 activities, issue #12).
    """CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_activity_words
        USING fts5vocab(knowledge_activity_fts, 'instance')""",
    "DROP TABLE IF EXISTS knowledge_activity_terms",  # that table, in older databases
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


# The words that start with a prefix, each found as the first occurrence at or after the
# previous word + chr(1) (no word contains it): a few steps through the index, never
# through every occurrence of a common word ("term > %s" would read them all).
EXPAND = """WITH RECURSIVE found(term, n) AS (
    SELECT (SELECT term FROM knowledge_activity_words WHERE term >= %s AND term < %s LIMIT 1), 1
    UNION ALL
    SELECT (SELECT term FROM knowledge_activity_words
            WHERE term >= found.term || char(1) AND term < %s LIMIT 1), n + 1
    FROM found WHERE found.term IS NOT NULL AND n < %s)
  SELECT term FROM found WHERE term IS NOT NULL"""


def sqlite_match(terms):
    """The FTS5 query for `terms`, each word matched as a prefix ("scholing" also finds
    "scholingen"), or None when a word is in no activity at all.

    A prefix query makes FTS5 merge the lists of every word with that prefix into
    one list in memory before it returns its first row, every time; a few whole words
    joined by OR are read lazily, so a capped count stops after 1,001 rows (issue #12,
    a broad query: 49 ms as a prefix, under 1 ms as words). The words come from the
    index's own vocabulary (`knowledge_activity_words`), so nothing is lost."""
    groups = []
    with connection.cursor() as cursor:
        for term in terms:
            end = term + "\U0010ffff"
            cursor.execute(EXPAND, [term, end, end, MAX_EXPANSION + 1])
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


# A theme filter with more activities than this is tested on each row the full-text
# index returns; a smaller one is read as a list of ids first (see _filtered_count).
THEME_LIST_LIMIT = 20_000


def catalogue_search(qs, query, *, programme_id, theme_ids=None, id_lists=(), position, cap):
    """The activities of `qs` that match `query`, to read one page from in catalogue
    order, and their number capped at `cap` + 1 (None: the paginator counts).

    `qs` is already filtered; `theme_ids` (a theme filter) and `id_lists` (subqueries
    of this programme's activity ids: region, province) are those same filters again,
    for the count. On SQLite a broad query matches most rows, and the list of matches
    costs about 0.3 µs a row to build (25 ms at 77,000 matches) each time a statement
    needs it. So the count is read from the full-text index itself, stopping at `cap`
    + 1, with each filter tested on the rows it returns (at most `cap`: those ids are
    the results); and when more than `cap` rows
    match and matches are dense enough that the page's rows are near the start of the
    catalogue order, the page walks that order and tests each row instead of building
    the list again (docs/performance.md, "Search")."""
    terms = words(query)
    if not terms:
        return qs, None
    if connection.vendor == "postgresql":
        found = search(qs, query)
        return found, _postgres_count(query, programme_id, theme_ids, id_lists, cap)
    if connection.vendor != "sqlite":
        return search(qs, query), None
    match = sqlite_match(terms)
    if match is None:
        return qs.none(), 0
    listed = qs.filter(
        id__in=RawSQL(
            "SELECT rowid FROM knowledge_activity_fts WHERE knowledge_activity_fts MATCH %s",
            [match],
        )
    )
    try:
        found = _matching_ids(match, programme_id, theme_ids, list(id_lists), cap)
    except EmptyResultSet:  # a filter no activity can pass (an unknown region)
        return qs.none(), 0
    counted = len(found)
    # At most `cap` rows match: those are the results, no list of matches to build.
    if counted <= cap:
        return qs.filter(id__in=found), counted
    with connection.cursor() as cursor:
        # Walk when at least this many rows match: the page's last row is then
        # expected within WALK_PROBES rows of the catalogue order.
        cursor.execute("SELECT max(id) FROM knowledge_activity")
        largest = cursor.fetchone()[0] or 0
        needed = (position + PAGE_SIZE) * largest // WALK_PROBES + 1
        # More matches than activities is impossible: a deep page skips counting them
        # (all 77,000 of a broad query, 5 ms at page 40).
        dense = False
        if needed <= largest:
            cursor.execute(
                "SELECT count(*) FROM (SELECT rowid FROM knowledge_activity_fts "
                "WHERE knowledge_activity_fts MATCH %s LIMIT %s)",
                [match, needed],
            )
            dense = cursor.fetchone()[0] >= needed
    if not dense:
        near = _listed_near_the_start(qs, match, programme_id, position)
        return (listed if near is None else near), counted
    walked = qs.extra(
        where=[
            "EXISTS (SELECT 1 FROM knowledge_activity_fts WHERE knowledge_activity_fts "
            "MATCH %s AND knowledge_activity_fts.rowid = knowledge_activity.id)"
        ],
        params=[match],
    )
    return walked, counted


def _listed_near_the_start(qs, match, programme_id, position):
    """A deep page's rows read from the list of matches among the activities at the
    start of the catalogue order only, or None when the page may lie further on.

    Building the list of every match costs about 0.2 µs a match (15 ms for a broad
    query at 100,000 activities). The page needs only the first `position` + 25 matches
    in catalogue order, so the list is read from the full-text index for the id range
    of the first 2 × that many activities (FTS5 reads a rowid range from its index
    directly), which is exact for those activities. It is used when those activities
    hold all the rows up to the end of the page (checked); otherwise None, and the page
    reads the whole list. When the range spans most ids, there is nothing to gain."""
    wanted = position + PAGE_SIZE
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id), (SELECT max(id) FROM knowledge_activity) FROM "
            "(SELECT id FROM knowledge_activity WHERE programme_id = %s "
            "ORDER BY catalogue_order, key LIMIT %s)",
            [programme_id, 2 * wanted],
        )
        low, high, largest = cursor.fetchone()
        if low is None or (high - low) * 2 > largest:
            return None
        cursor.execute(
            "SELECT catalogue_order, key FROM knowledge_activity WHERE programme_id = %s "
            "ORDER BY catalogue_order, key LIMIT 1 OFFSET %s",
            [programme_id, 2 * wanted - 1],
        )
        last = cursor.fetchone()
    if last is None:  # fewer activities than that: the range holds them all
        return None
    near = qs.filter(
        id__in=RawSQL(
            "SELECT rowid FROM knowledge_activity_fts WHERE knowledge_activity_fts "
            "MATCH %s AND rowid >= %s AND rowid <= %s",
            [match, low, high],
        )
    )
    start = Q(catalogue_order__lt=last[0]) | Q(catalogue_order=last[0], key__lte=last[1])
    if near.filter(start).order_by()[:wanted].count() < wanted:
        return None
    return near


def _matching_ids(match, programme_id, theme_ids, id_lists, cap):
    """The ids of the programme's activities that match `match` and pass the filters,
    at most `cap` + 1 of them, with the full-text index as the outer loop (CROSS JOIN:
    SQLite's planner would rather walk the activities and run the MATCH once per row).

    A filter's ids are read once into a list and each index row is looked up in it
    (`+rowid`: the plus keeps SQLite from running the MATCH once per listed id); a
    large theme is tested on the row itself instead, since a list of most activities
    costs what the list of matches does. EXPLAIN QUERY PLAN, issue #12: "SCAN
    knowledge_activity_fts VIRTUAL TABLE INDEX 0:M1" then "LIST SUBQUERY"."""
    if theme_ids is not None:
        if not theme_ids:
            raise EmptyResultSet
        from raak.knowledge.models import Activity

        themed = Activity.objects.filter(theme_id__in=theme_ids).order_by().values("id")
        if themed[:THEME_LIST_LIMIT].count() < THEME_LIST_LIMIT:
            id_lists.insert(0, themed)
            theme_ids = None
    joins, where, params = "", ["f.knowledge_activity_fts MATCH %s"], [match]
    if theme_ids is not None:
        joins = " CROSS JOIN knowledge_activity a ON a.id = f.rowid"
        where.append(f"a.theme_id IN ({', '.join(['%s'] * len(theme_ids))})")
        params += theme_ids
    elif not id_lists:
        joins = " CROSS JOIN knowledge_activity a ON a.id = f.rowid"
        where.append("a.programme_id = %s")
        params.append(programme_id)
    # Themes and regions are the programme's own, so their ids need no programme test.
    for ids in id_lists:
        sql, more = ids.query.sql_with_params()
        where.append(f"+f.rowid IN ({sql})")
        params += more
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.rowid FROM knowledge_activity_fts f{joins} "
            f"WHERE {' AND '.join(where)} LIMIT %s",
            [*params, cap + 1],
        )
        return [row[0] for row in cursor.fetchall()]


def _postgres_count(query, programme_id, theme_ids, id_lists, cap):
    """The matches that pass the filters, counted up to `cap` + 1. A region or province
    filter is read once into an array (`= ANY(ARRAY(...))`): as `IN (subquery)` the
    planner walked every activity in id order and tested its vector until 1,001 passed
    the filter too (12,000 rows for a province, 23 ms at 100,000 activities); with the
    array it looks up only the listed activities, in id order, and stops at the cap."""
    from raak.knowledge.models import Activity

    qs = Activity.objects.filter(programme_id=programme_id).order_by()
    if theme_ids is not None:
        qs = qs.filter(theme_id__in=theme_ids)
    for ids in id_lists:
        try:
            sql, params = ids.query.sql_with_params()
        except EmptyResultSet:  # a filter no activity can pass (an unknown region)
            return 0
        qs = qs.extra(where=[f"knowledge_activity.id = ANY(ARRAY({sql}))"], params=params)
    return search(qs, query)[: cap + 1].count()
