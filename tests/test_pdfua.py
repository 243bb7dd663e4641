"""The report PDFs as PDF/UA (issue #24): every figure has alternative text, every table
header cell its scope, and the `pdfua` checker (PyPI, the machine-checkable subset of
PDF/UA-1 and WCAG 2.1, no JVM) finds no errors, on the national and a regional report."""

from io import BytesIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from raak.reports import templates
from tests.test_reports import R, struct_elements


@pytest.fixture
def pdfs(demo, tmp_path):
    templates.load(demo)
    call_command("report", programme=demo.slug, round=R, format="pdf", output=str(tmp_path))
    call_command("report", programme=demo.slug, round=R, region="gouda", format="pdf",
                 output=str(tmp_path))  # fmt: skip
    found = sorted(tmp_path.glob("*.pdf"))
    assert len(found) == 2
    return found


def test_every_figure_has_alt_text_every_header_a_scope_and_pdfua_finds_no_error(pdfs):
    from pdfua import Severity, validate

    for path in pdfs:
        elements = struct_elements(PdfReader(BytesIO(path.read_bytes())))
        figures = [e for e in elements if e.get("/S") == "/Figure"]
        headers = [e for e in elements if e.get("/S") == "/TH"]
        assert all(str(f.get("/Alt", "")).strip() for f in figures), path.name
        assert headers and all(h["/A"]["/Scope"] in ("/Row", "/Column") for h in headers)
        # Row headers where the templates say scope="row": the region in the annex.
        assert {h["/A"]["/Scope"] for h in headers} == {"/Row", "/Column"} or "gouda" in path.name
        report = validate(str(path))
        errors = [f for f in report.findings if f.severity == Severity.ERROR]
        assert not errors, (path.name, [(f.rule_id, f.message) for f in errors[:10]])
        warnings = sorted({f.rule_id for f in report.findings})
        print(path.name, "pdfua findings below error:", warnings)
