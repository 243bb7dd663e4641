"""`{{ question|tr:"label" }}`: a question's, section's or choice's text in the reader's
language when the definition has it (XLSForm language columns), else the Dutch text."""

import re
from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
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


@register.filter
def matrix_rows(matrix):
    """The comparison's regions x items table body. A page of regions x every item is
    2,400 cells at 60 items; the template language spent ~25 ms on them (issue #12).
    A cell is one of a few answers, so each is escaped and formatted once."""
    cell = {}
    rows = []
    for region, cells in matrix:
        tds = []
        for level, rag in cells:
            label = level.label if level is not None else ""
            if (rag, label) not in cell:
                cell[rag, label] = format_html('<td class="rag-{}">{}</td>', rag, label or "–")
            tds.append(cell[rag, label])
        rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', region.name,
                                mark_safe("".join(tds))))  # fmt: skip
    return mark_safe("".join(rows))


# The comparison shows 60 items x a few levels each; written by the template language
# that was ~50 ms of its 1,000-region page (issue #12). The same markup and filters,
# each label escaped and each number formatted once (the language is part of the key).


@lru_cache(maxsize=4096)
def _number(value, language, decimals=None):
    """`{{ value }}` (localised) or `{{ value|floatformat:1 }}` in `language`."""
    return floatformat(value, decimals) if decimals else formats.localize(value)


@lru_cache(maxsize=1024)
def _label(label, chars=None):
    """`{{ label }}` or `{{ label|truncatechars:30 }}`, escaped."""
    return escape(Truncator(label).chars(chars) if chars else label)


@register.filter
def level_rows(item):
    """An item's table rows: answer, start count and %, end count and %."""
    lang = get_language()
    return mark_safe("".join(
        f'<tr><th scope="row">{_label(lv.label)}</th><td class="num">{_number(lv.start, lang)}</td>'
        f'<td class="num">{_number(lv.start_percent, lang, 1)}</td><td class="num">'
        f'{_number(lv.end, lang)}</td><td class="num">{_number(lv.end_percent, lang, 1)}</td></tr>'
        for lv in item.levels
    ))  # fmt: skip


@register.filter
def level_bars(item):
    """An item's bars in its chart (numbers unlocalised, as SVG needs them)."""
    return mark_safe("".join(
        f'<text x="0" y="{lv.y + 12}" font-size="11">{_label(lv.label, 30)}</text><rect x="200" '
        f'y="{lv.y + 2}" width="{lv.start_bar}" height="8" fill="#8c959f"/><rect x="200" '
        f'y="{lv.y + 11}" width="{lv.end_bar}" height="8" fill="#0969da"/>'
        for lv in item.levels
    ))  # fmt: skip
