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
    )
