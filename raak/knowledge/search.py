"""Full-text search over activities, diacritics-insensitive.

PostgreSQL: the `dutch` text search configuration (stemming: "meldcodes" finds
"meldcode") over `search_text`, with a GIN index. SQLite: an FTS5 table kept in step
by triggers (migration 0002), words matched as prefixes. `search_text` is already
without diacritics and the query is normalised the same way.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection

from raak.knowledge.models import normalise


def words(query):
    return re.findall(r"\w+", normalise(query))


def search(qs, query):
    terms = words(query)
    if not terms:
        return qs
    if connection.vendor == "postgresql":
        return qs.annotate(_doc=SearchVector("search_text", config="dutch")).filter(
            _doc=SearchQuery(" ".join(terms), config="dutch", search_type="plain")
        )
    if connection.vendor == "sqlite":
        match = " ".join(f'"{t}"*' for t in terms)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM knowledge_activity_fts WHERE knowledge_activity_fts MATCH %s",
                [match],
            )
            ids = [row[0] for row in cursor.fetchall()]
        return qs.filter(id__in=ids)
    for t in terms:  # any other database: plain substring match
        qs = qs.filter(search_text__contains=t)
    return qs
