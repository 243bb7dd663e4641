"""The report as an editable document (issue #24): ODT and DOCX made by pandoc, checked
for structure with odfdo and python-docx: heading styles, tables whose header row
repeats, the maps as images with their alt text, the table of contents as a field, the
national office's texts. (LibreOffice is not installed in CI: Debian's
libreoffice-writer-nogui pulls in 59 packages, so no conversion to PDF here.)"""

import zipfile
from io import BytesIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from raak.programmes.models import Round
from raak.reports import templates
from raak.reports.models import Report, ReportText
from tests.test_reports import IMMEDIATE, R

TEXT = "Dit is de conclusie van het landelijk bureau."


@pytest.fixture
def office_files(demo, tmp_path):
    templates.load(demo, templates.DEMO_TEMPLATE)
    rnd = Round.objects.get(programme=demo, slug=R)
    tpl = demo.report_templates.get()
    report = Report.objects.create(programme=demo, round=rnd, template=tpl,
                                   chapters=tpl.chapters, title="Eindrapportage RAAK")  # fmt: skip
    ReportText.objects.create(report=report, key="conclusies", text=TEXT)
    for fmt in ("odt", "docx"):
        call_command("report", programme=demo.slug, round=R, format=fmt, output=str(tmp_path))
        call_command("report", programme=demo.slug, round=R, region="gouda", format=fmt,
                     output=str(tmp_path))  # fmt: skip
    return tmp_path


def test_docx_has_heading_styles_repeated_header_rows_alt_texts_and_a_toc_field(office_files, demo):
    import docx

    path = office_files / f"rapport-{demo.slug}-{R}.docx"
    document = docx.Document(str(path))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("Bijlage 1" in h for h in headings)
    assert TEXT in "\n".join(p.text for p in document.paragraphs)
    assert len(document.tables) >= 10
    for table in document.tables:
        first = table.rows[0]._tr
        assert (
            first.trPr is not None and first.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
        )
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert 'TOC \\o "1-2"' in xml.replace("&quot;", '"')
    alts = [d.get("descr") for d in document.inline_shapes._body.xpath(".//wp:docPr")]
    maps = [a for a in alts if a and a.startswith("Kaart ")]
    assert len(maps) == demo.milestones.count() + demo.indicators.count()
    assert len(alts) == len(maps)  # no image without alt text
    region = docx.Document(str(office_files / f"rapport-{demo.slug}-{R}-gouda.docx"))
    assert any(p.style.name.startswith("Heading") for p in region.paragraphs)


def test_odt_has_heading_levels_header_rows_alt_texts_and_a_toc(office_files, demo):
    from odfdo import Document

    path = office_files / f"rapport-{demo.slug}-{R}.odt"
    document = Document(str(path))
    body = document.body
    levels = {int(h.level) for h in body.get_headers()}
    assert {1, 2, 3} <= levels
    tables = body.get_tables()
    assert len(tables) >= 10
    assert all(t.get_elements("table:table-header-rows") for t in tables)
    assert body.get_tocs()
    frames = body.get_elements("descendant::draw:frame")
    assert len(frames) == demo.milestones.count() + demo.indicators.count()
    assert all(f.svg_title and f.svg_title.startswith("Kaart ") for f in frames)
    # The manifest lists every picture the content refers to.
    with zipfile.ZipFile(path) as z:
        manifest = z.read("META-INF/manifest.xml").decode()
        content = z.read("content.xml").decode()
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    for name in {part.split('"')[0] for part in content.split('xlink:href="')[1:]}:
        if name.startswith("Pictures/"):
            assert f'manifest:full-path="{name}"' in manifest
    assert TEXT in content
    region = Document(str(office_files / f"rapport-{demo.slug}-{R}-gouda.odt"))
    assert region.body.get_headers()


@override_settings(TASKS=IMMEDIATE)
def test_report_page_offers_odt_and_docx_downloads(
    client, demo, people, django_capture_on_commit_callbacks
):
    from tests.conftest import sign_in

    templates.load(demo)
    national = sign_in(client, people["national"])
    rnd = Round.objects.get(programme=demo, slug=R)
    tpl = demo.report_templates.get()
    Report.objects.create(programme=demo, round=rnd, template=tpl, chapters=tpl.chapters,
                          title="Eindrapportage RAAK")  # fmt: skip
    page = national.get(f"/{demo.slug}/rapporten/{R}/").content.decode()
    assert f"/rapporten/{R}/maken/odt/" in page and f"/rapporten/{R}/maken/docx/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = national.post(f"/{demo.slug}/rapporten/{R}/maken/docx/", follow=True)
    assert response.status_code == 200
    from raak.reports.models import ReportFile

    rf = ReportFile.objects.get(format="docx")
    assert rf.state == ReportFile.DONE
    download = national.get(f"/{demo.slug}/rapportbestand/{rf.pk}/download/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert zipfile.is_zipfile(BytesIO(b"".join(download)))
    assert national.get(f"/{demo.slug}/rapporten/{R}/maken/rtf/").status_code == 404
