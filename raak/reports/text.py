"""The national office's texts: a small, safe Markdown subset.

markdown-it with raw HTML off escapes every tag, so hostile text stays text in the
HTML page and in the PDF. Only paragraphs, emphasis, lists and line breaks are on;
no links or images (nothing in a report points where a reader did not expect)."""

from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("zero", {"html": False, "breaks": True}).enable(["emphasis", "list", "newline"])
MAX_LENGTH = 50_000


def render_markdown(text):
    if not text or not text.strip():
        return ""
    return mark_safe(_md.render(text))  # noqa: S308 - markdown-it escapes all HTML (html=False)
