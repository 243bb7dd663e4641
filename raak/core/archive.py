"""`raak archive`: what a programme published, as a BagIt package (RFC 8493, the
`bagit` library) for a Dutch archive's intake (docs/archiving.md).

The bag's payload (`data/`):

- `export/`: the programme in the exchange format (JSON and XLSX), published rounds only;
- `open-data/<round>/`: every open-data table as CSV, XLSX and CSVW metadata, and
  `open-data/catalog.ttl` / `catalog.jsonld` (DCAT-AP-NL), as served on the site;
- `rapporten/<round>/`: the national report of every round whose report is published,
  as PDF (PDF/UA-1) and ODT;
- `site/`: the static site of the programme's published pages (`raak publish-static`,
  raak/opendata/static_site.py), relative links, to be opened from disk (`site/index.html`).

bag-info.txt names the organisation (the theme's, as open data names it:
`raak.look.theme.publisher`), the programme
and the rounds; the manifests hold SHA-256 checksums. Nothing of a round that is not
published goes in.
"""

import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings

from raak.look import theme as themes
from raak.opendata import catalog as dcat
from raak.opendata import files, static_site
from raak.opendata.tables import round_tables
from raak.programmes.exporting import export_programme
from raak.reports import service as reports
from raak.reports.models import Report

SUFFIXES = (".zip", ".tar.gz", ".tgz")


class ArchiveError(ValueError):
    pass


def _open_data(programme, rounds, folder):
    entries = []
    for rnd in rounds:
        found = round_tables(rnd)
        entries.append(found)
        target = folder / rnd.slug
        target.mkdir(parents=True)
        for table in found.tables.values():
            (target / f"{table.key}.csv").write_bytes(files.as_csv(table))
            (target / f"{table.key}.xlsx").write_bytes(files.as_xlsx(table))
            metadata = files.csvw_metadata(table, found.tables, rnd,
                                           licence=settings.OPEN_DATA_LICENSE,
                                           publisher=themes.publisher().name)  # fmt: skip
            (target / f"{table.key}-metadata.json").write_bytes(files.metadata_bytes(metadata))
    graph = dcat.build(programme, entries)
    (folder / "catalog.ttl").write_bytes(dcat.as_turtle(graph))
    (folder / "catalog.jsonld").write_bytes(dcat.as_jsonld(graph))


def _reports(rounds, folder):
    for report in Report.objects.filter(round__in=rounds).select_related("round"):
        if not report.is_public:
            continue
        target = folder / report.round.slug
        target.mkdir(parents=True, exist_ok=True)
        for fmt in ("pdf", "odt"):
            content, name = reports.make(report.round, fmt)
            (target / name).write_bytes(content)


def build(programme, output, round_slug=None, progress=None):
    """Write the bag of `programme` (or of one published round) to `output`, a .zip or
    .tar.gz file; return the number of payload files."""
    import bagit

    output = Path(output)
    if not output.name.endswith(SUFFIXES):
        raise ArchiveError(f"--output moet eindigen op {', '.join(SUFFIXES)}")
    rounds = programme.rounds.visible_to_public().order_by("peildatum")
    if round_slug:
        rounds = rounds.filter(slug=round_slug)
        if not rounds.exists():
            raise ArchiveError(f"ronde “{round_slug}” is niet gepubliceerd in {programme.slug}")
    rounds = list(rounds)
    if not rounds:
        raise ArchiveError(f"{programme.slug} heeft geen gepubliceerde ronde")
    with tempfile.TemporaryDirectory() as tmp:
        bag_dir = Path(tmp) / f"{programme.slug}-archief"
        bag_dir.mkdir()
        export = bag_dir / "export"
        for fmt in ("json", "xlsx"):
            export_programme(programme, fmt, export, published_only=True)
        _open_data(programme, rounds, bag_dir / "open-data")
        _reports(rounds, bag_dir / "rapporten")
        static_site.build(programme, bag_dir / "site", progress)
        who = themes.publisher()
        bag = bagit.make_bag(
            str(bag_dir),
            {
                "Source-Organization": who.name,
                "Organization-Address": who.url,
                "Contact-Email": who.email,
                "External-Identifier": programme.slug,
                "External-Description": f"{programme.name}: gepubliceerde rondes "
                + ", ".join(f"{r.name} (peildatum {r.peildatum.isoformat()})" for r in rounds),
                "Bag-Group-Identifier": programme.slug,
            },
            checksums=["sha256"],
        )
        count = len(list(bag.payload_files()))
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.name.endswith(".zip"):
            with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z:
                for path in sorted(bag_dir.rglob("*")):
                    if path.is_file():
                        z.write(path, path.relative_to(bag_dir.parent))
        else:
            with tarfile.open(output, "w:gz") as t:
                t.add(bag_dir, arcname=bag_dir.name)
        shutil.rmtree(bag_dir)
    return count
