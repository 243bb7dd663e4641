from urllib.parse import urlsplit

import phonenumbers
from django import template
from django.utils import timezone

from raak.programmes.caching import cached_fragment
from raak.routes import completeness

register = template.Library()


@register.filter
def tel_href(phone):
    """`tel:+31201234567` for a stored phone number (stored numbers are valid ones)."""
    try:
        number = phonenumbers.parse(phone, "NL")
    except phonenumbers.NumberParseException:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@register.filter
def website_label(url):
    """The host and path without the scheme, which says nothing to a reader."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


@register.inclusion_tag("routes/_summary.html", takes_context=True)
def route_map_summary(context, programme):
    """A small block for the national picture: published route maps only. The counts
    read every region's publications, so they are kept with the programme's data version
    (a publication is a recorded change) like the rest of the page."""
    access = context.get("access")
    request = context.get("request")

    def count():
        return completeness.summary(programme, timezone.localdate())

    return {
        "programme": programme,
        "summary": cached_fragment(request, programme, ["route-summary"], count)
        if request is not None
        else count(),
        "is_national": bool(access and access.is_national),
    }
