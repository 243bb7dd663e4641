"""`raak archive` (issue #24): a BagIt package of what a programme published, validated
with the bagit library; nothing of an unpublished round or a note of one in it."""

import tarfile
import zipfile
from datetime import date

import bagit
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from raak.programmes.models import MilestoneStatus
from raak.programmes.status import open_round
from raak.reports import templates
from raak.reports.models import Report


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_archive_is_a_valid_bag_of_what_was_published(demo, people, tmp_path, suffix):
    templates.load(demo)
    rnd = demo.rounds.get(slug="eindrapportage-2011")
    tpl = demo.report_templates.get()
    Report.objects.create(programme=demo, round=rnd, template=tpl, chapters=tpl.chapters,
                          title="Eindrapportage RAAK", state=Report.PUBLISHED)  # fmt: skip
    secret = open_round(demo, slug="geheim-2012", name="Geheime ronde", peildatum=date(2012, 1, 1),
                        user=people["national"])  # fmt: skip
    MilestoneStatus.objects.filter(round=secret, region__slug="gouda").update(
        note="GEHEIME NOTITIE"
    )
    out = tmp_path / f"bag{suffix}"
    call_command("archive", programme=demo.slug, output=str(out))
    unpacked = tmp_path / "uit"
    if suffix == ".zip":
        zipfile.ZipFile(out).extractall(unpacked)
    else:
        with tarfile.open(out) as t:
            t.extractall(unpacked, filter="data")
    (bag_dir,) = list(unpacked.iterdir())
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # every SHA-256 of the manifest, and the bag's structure
    assert "sha256" in bag.algorithms
    assert bag.info["External-Identifier"] == demo.slug
    payload = set(bag.payload_files())
    assert "data/export/raak-2008-2010.json" in payload
    assert "data/export/raak-2008-2010.xlsx" in payload
    assert "data/open-data/catalog.ttl" in payload
    assert "data/open-data/eindrapportage-2011/mijlpalen-per-regio-metadata.json" in payload
    assert (
        "data/rapporten/eindrapportage-2011/rapport-raak-2008-2010-eindrapportage-2011.pdf"
        in payload
    )
    assert (
        "data/rapporten/eindrapportage-2011/rapport-raak-2008-2010-eindrapportage-2011.odt"
        in payload
    )
    # The static site of the published pages, whole: its links lead to its own files.
    assert "data/site/index.html" in payload
    assert "data/site/sitemap.xml" in payload
    assert "data/site/raak-2008-2010/ronde/eindrapportage-2011/index.html" in payload
    assert "data/site/static/raak/raak.css" in payload
    national = bag_dir / "data/site/raak-2008-2010/ronde/eindrapportage-2011/index.html"
    assert 'href="../../regio/gouda/index.html"' in national.read_text()
    for name in payload:
        body = (bag_dir / name).read_bytes()
        assert b"geheim-2012" not in body and b"GEHEIME NOTITIE" not in body, name
    # bagit.py's own command line agrees.
    assert bagit.Bag(str(bag_dir)).is_valid()


def test_archive_refuses_bad_output_and_unpublished_rounds(demo, people, tmp_path):
    with pytest.raises(CommandError, match="zip"):
        call_command("archive", programme=demo.slug, output=str(tmp_path / "bag.rar"))
    open_round(demo, slug="geheim-2012", name="Geheime ronde", peildatum=date(2012, 1, 1),
               user=people["national"])  # fmt: skip
    with pytest.raises(CommandError, match="niet gepubliceerd"):
        call_command("archive", programme=demo.slug, round="geheim-2012",
                     output=str(tmp_path / "bag.zip"))  # fmt: skip
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("archive", programme="onbekend", output=str(tmp_path / "bag.zip"))
