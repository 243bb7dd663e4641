"""`{{ question|tr:"label" }}`: a question's, section's or choice's text in the reader's
language when the definition has it (XLSForm language columns), else the Dutch text."""

import re

from django import template
from django.utils.translation import get_language

register = template.Library()
FIELDS = {"label": ("label", "title"), "hint": ("help",)}
CODE = re.compile(r"\(([a-zA-Z-]+)\)\s*$")


@register.filter
def tr(obj, field):
    base = next(getattr(obj, a) for a in (*FIELDS[field], field) if hasattr(obj, a))
    lang = (get_language() or "nl").split("-")[0]
    if lang == "nl":
        return base
    for name, texts in (getattr(obj, "translations", None) or {}).items():
        m = CODE.search(name)
        if m and m.group(1).lower() == lang and texts.get(field):
            return texts[field]
    return base
