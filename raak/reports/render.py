"""Turning report data into a standalone HTML file or a tagged PDF (PDF/UA-1)."""

import base64
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from raak.look import theme as themes

CSS = Path(__file__).resolve().parents[1] / "static" / "raak" / "report.css"
# RAAK's default design tokens: the report's colours are tokens too, so the installation's
# theme (its class on <html> and its token stylesheet, raak.look) colours the report.
TOKENS = CSS.parent / "theme-default.css"


def _theme_context():
    """The theme for a report file: organisation name, class, the logo inline (a file
    loads nothing from elsewhere), and the stylesheets in the order the site uses."""
    theme = themes.current()
    row = themes.load() if (theme.logo_type or theme.has_tokens) else None
    logo = None
    if row is not None and theme.logo_type:
        logo = f"data:{theme.logo_type};base64,{base64.b64encode(bytes(row.logo)).decode()}"
    styles = [TOKENS.read_text(), row.tokens if row is not None else "", CSS.read_text()]
    return {"raak_theme": theme, "logo_src": logo}, styles


def html_document(data, region_report=False):
    """The report as one HTML file with its style inline (for files, not the site)."""
    context, styles = _theme_context()
    with translation.override("nl"):
        return render_to_string(
            "reports/document.html",
            {"data": data, "region_report": region_report, "inline_css": "\n".join(styles),
             **context},
        )  # fmt: skip


def _page_references(pdf):
    """pydyf's PDF.page_references, remembered while no page is added. pydyf (0.13) builds
    the tuple of every page anew on each call, and WeasyPrint's PDF/UA tagging asks for it
    once per structure element: 31,000 elements x 129 pages, 1.7 s of a 1,000-region
    report for a list that does not change once the pages are written."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_raak_page_references")
    if cached is None or len(cached) != len(kids) // 3:
        cached = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        pdf.__dict__["_raak_page_references"] = cached
    return cached


def pdf_document(data, region_report=False):
    import pydyf
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML

    pydyf.PDF.page_references = property(_page_references)
    context, styles = _theme_context()
    with translation.override("nl"):
        html = render_to_string(
            "reports/document.html", {"data": data, "region_report": region_report, **context}
        )
    return HTML(string=html, base_url=str(CSS.parent)).write_pdf(
        stylesheets=[WeasyCSS(string=css, base_url=str(CSS.parent)) for css in styles if css],
        pdf_variant="pdf/ua-1",
        finisher=header_scopes,
    )


def header_scopes(_document, pdf):
    """Give every table header cell (/TH) its /Scope, which PDF/UA asks for and WeasyPrint
    (70) does not write: /Column for a header in the table head or in a row of headers
    only, /Row for a header in a row that has data cells (the templates' <th scope="row">).
    Runs on WeasyPrint's PDF objects before they are written (its `finisher` hook)."""
    import pydyf

    def obj(reference):
        return pdf.objects[int(reference.split()[0])]

    for element in pdf.objects:
        if not isinstance(element, dict) or element.get("S") != "/TH":
            continue
        row = obj(element["P"])
        scope = "/Column"
        if row.get("S") == "/TR" and obj(row["P"]).get("S") != "/THead":
            cells = [obj(kid) for kid in row["K"] if isinstance(kid, bytes)]
            if any(isinstance(c, dict) and c.get("S") == "/TD" for c in cells):
                scope = "/Row"
        attributes = element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        attributes["Scope"] = scope
