"""Template helpers of the programme pages: names in the reader's language, provinces,
the programme's sections. (Change records get their words from raak.programmes.changes.)"""

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SENTINEL = "region-slug-0"


def region_urls(programme_slug):
    """A function region slug -> `reverse("region", args=[programme_slug, slug])` that
    reverses once: the national picture links ~260 regions, a 1,000-region map 2,000,
    and each reverse cost ~40 µs (issue #12). A slug is put in as reverse would (slugs
    need no quoting); anything else goes through reverse itself."""
    head, _s, tail = reverse("region", args=[programme_slug, _SENTINEL]).rpartition(_SENTINEL)

    def url(region_slug):
        if not SLUG.fullmatch(region_slug or ""):
            return reverse("region", args=[programme_slug, region_slug])
        return head + region_slug + tail

    return url


@register.simple_tag(takes_context=True)
def region_url(context, programme_slug, region_slug):
    """`{% url 'region' programme_slug region_slug %}`, reversed once per page."""
    made = context.render_context.setdefault("region_urls", {})
    if programme_slug not in made:
        made[programme_slug] = region_urls(programme_slug)
    return made[programme_slug](region_slug)


@register.filter
def annex_milestone_cells(cells):
    """One region's cells of the milestone annex: "X" (the label for screen readers)
    when done, else the annex text, and an overdue tag. A page of the annex is 350 of
    them; written here they cost a fifth of what the template language spent (issue #12)."""
    overdue = format_html(' <span class="tag overdue">{}</span>', gettext("over tijd"))
    return mark_safe("".join(
        "<td>"
        + (format_html('<span aria-hidden="true">X</span><span class="sr-only">{}</span>', c.label)
           if c.category == "done" else conditional_escape(c.annex))
        + (overdue if c.overdue else "")
        + "</td>"
        for c in cells
    ))  # fmt: skip
