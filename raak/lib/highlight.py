"""Search terms marked in the catalogue's results.

The search itself (search.py) matches words without diacritics, as prefixes on
SQLite and by Dutch stem on PostgreSQL; marking follows the same rules word by word,
so "coordinator" marks "coördinator" and "meldcodes" marks "meldcode". Every piece of
text is escaped before it is joined with <mark>, so a term or a text with < or & can
never become markup.
"""

import html
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from raak.lib.cleaning import normalise

WORD = re.compile(r"\w+")
STEM_SLACK = 2  # a query word may be this much longer than the word it marks ("meldcodes")


def terms(query):
    return [t for t in WORD.findall(normalise(query))]


def matches(word, wanted):
    w = normalise(word)
    return any(
        w.startswith(t) or (len(w) >= 4 and t.startswith(w) and len(t) - len(w) <= STEM_SLACK)
        for t in wanted
    )


class Marker:
    """Marks one query's terms. A page of results repeats its words, so each distinct
    word is matched once per page (normalising every word again was a fifth of the
    catalogue page's time at 25 results, issue #12); a Marker lives for one request."""

    do_not_call_in_templates = True  # passed to the filter as it is

    def __init__(self, query):
        self.wanted = terms(query or "")
        self.known = {}

    def matches(self, word):
        hit = self.known.get(word)
        if hit is None:
            hit = self.known[word] = matches(word, self.wanted)
        return hit

    def __call__(self, text):
        """`text` as safe HTML with every word that the query matches in <mark>."""
        text = str(text or "")
        if not self.wanted:
            return escape(text)
        # html.escape is what django.utils.html.escape runs, without its lazy-string
        # wrapper: called for every piece of 50 texts a page, that wrapper was a fifth.
        out, at, known = [], 0, self.known
        for m in WORD.finditer(text):
            word = m.group(0)
            hit = known.get(word)
            if hit is None:
                hit = self.matches(word)
            if hit:
                out.append(html.escape(text[at : m.start()]))
                out.append(f"<mark>{html.escape(word)}</mark>")
                at = m.end()
        out.append(html.escape(text[at:]))
        return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def highlight(text, query):
    """`text` as safe HTML with every word that the query matches in <mark>."""
    return Marker(query)(text)
