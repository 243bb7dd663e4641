"""Template helpers of every page ({% load raak %}): names in the reader's language,
provinces, the programme's sections and navigation. (Change records get their words
from raak.programmes.changes; the national picture's own tags are picture_tags.)"""

from django import template

from raak.lib.geo import province_name as _province_name
from raak.programmes import wording

register = template.Library()


@register.filter
def province_name(code):
    """ "PV30" -> "Noord-Brabant": people know provinces by name, not by CBS code."""
    return _province_name(code) if code else ""


@register.filter
def local(obj, field="name"):
    """{{ milestone|local }}, {{ round|local:"name" }}: the English name in the English
    interface when the programme gives one, the Dutch name otherwise."""
    return wording.local(obj, field) if obj is not None else ""


@register.simple_tag
def programme_sections(programme):
    """{% programme_sections programme as sections %}: the programme's names for its
    protocol, network and training sections ({{ sections.network.term }})."""
    return wording.sections(programme)


@register.simple_tag(takes_context=True)
def programme_nav(context, programme):
    """What the navigation shows of a programme: its section names, and which sections
    have content. An empty section is left out, except for the programme's members,
    who are the ones to fill it (a region adds its network and training reach)."""
    access = context.get("access")
    member = bool(access and (access.is_national or access.region_ids))
    # Members see every section, so their pages skip the query that asks which
    # sections have content (one query and most of the navigation's CPU time).
    if member:
        shown = dict.fromkeys(wording.NAV_SECTIONS, True)
    else:
        shown = wording.sections_with_content(programme)
    return {
        "sections": wording.sections(programme),
        "shows": {k: has or member for k, has in shown.items()},
    }
