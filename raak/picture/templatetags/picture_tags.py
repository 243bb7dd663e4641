"""Template helpers of the national picture ({% load picture_tags %}): region links
reversed once per page and the milestone annex's cells (issue #12)."""

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


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
