"""The report as an editable document: ODT (OpenDocument Text) and DOCX, converted by
pandoc (PyPI `pypandoc_binary`, which bundles it) from the same HTML as the PDF.

Pandoc maps the HTML's headings to the word processor's heading styles, its tables to
tables whose head row repeats on every page, and writes the table of contents as a
field (`--toc`) that the word processor updates. The maps are inline SVG on the site;
here each is written as an SVG file and referenced with an <img> that carries its alt
text, which pandoc keeps as the image's description. Nothing is written as XML by hand.
"""

import tempfile
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

FORMATS = ("odt", "docx")


def _figures(data):
    if not hasattr(data, "figures"):
        return []
    return [*data.figures.get("milestones", []), *data.figures.get("indicators", [])]


def office_document(data, fmt, region_report=False):
    """The report in `fmt` (odt or docx) as bytes."""
    import pypandoc

    if fmt not in FORMATS:
        raise ValueError(fmt)
    with translation.override("nl"), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fig in _figures(data):
            svg = render_to_string("reports/blocks/_map_svg.html", {"fig": fig, "office": True})
            (folder / f"kaart-{fig.map.key}.svg").write_text(svg, encoding="utf-8")
        html = render_to_string(
            "reports/document.html",
            {"data": data, "region_report": region_report, "office": True},
        )
        source = folder / "rapport.html"
        source.write_text(html, encoding="utf-8")
        target = folder / f"rapport.{fmt}"
        # --quiet: without rsvg-convert pandoc warns per map that DOCX gets the SVG only,
        # no PNG fallback (Word 2016+ and LibreOffice show SVG).
        args = ["--quiet", f"--resource-path={folder}", f"--metadata=title:{data.title}",
                "--metadata=lang:nl-NL"]  # fmt: skip
        if not region_report:
            args += ["--toc", "--toc-depth=2", "--metadata=toc-title:Inhoud"]
        pypandoc.convert_file(str(source), fmt, format="html", outputfile=str(target),
                              extra_args=args)  # fmt: skip
        if fmt == "odt":
            _odt_alt_texts(target, _figures(data))
        return target.read_bytes()


def _odt_alt_texts(path, figures):
    """Pandoc's ODT writer leaves a frame's title and description (what ODF calls alt
    text) empty; set them with odfdo. The maps are the document's only images, in the
    order of the figures."""
    from odfdo import Document, Frame

    document = Document(str(path))
    frames = document.body.get_elements("descendant::draw:frame")
    for frame, fig in zip(frames, figures, strict=True):
        assert isinstance(frame, Frame)
        frame.svg_title = fig.alt
        frame.svg_description = fig.desc
    document.save(str(path))
