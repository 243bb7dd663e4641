from django import template

from raak.lib.highlight import Marker

register = template.Library()


@register.filter
def highlight(text, query):
    """{{ a.title|highlight:marker }}: the search terms in <mark>, everything else
    escaped. `query` is the query text or, on a page of results, the page's Marker."""
    return (query if isinstance(query, Marker) else Marker(query))(text)
