from django import template

from raak.knowledge.highlight import highlight as _highlight

register = template.Library()


@register.filter
def highlight(text, query):
    """{{ a.title|highlight:q }}: the search terms in <mark>, everything else escaped."""
    return _highlight(text, query)
