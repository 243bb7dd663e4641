"""Turning report data into a standalone HTML file or a tagged PDF (PDF/UA-1)."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

CSS = Path(__file__).resolve().parents[1] / "static" / "raak" / "report.css"


def html_document(data, region_report=False):
    """The report as one HTML file with its style inline (for files, not the site)."""
    with translation.override("nl"):
        return render_to_string(
            "reports/document.html",
            {"data": data, "region_report": region_report, "inline_css": CSS.read_text()},
        )


def pdf_document(data, region_report=False):
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML

    with translation.override("nl"):
        html = render_to_string(
            "reports/document.html", {"data": data, "region_report": region_report}
        )
    return HTML(string=html, base_url=str(CSS.parent)).write_pdf(
        stylesheets=[WeasyCSS(filename=str(CSS))],
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
