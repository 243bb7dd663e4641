"""`raak backup` / `raak restore`: database and documents back as they were, on the
database the suite runs on (SQLite or PostgreSQL)."""

import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from raak.programmes.models import EvidenceDocument, MilestoneStatus, Region


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_database_and_documents(demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    status = MilestoneStatus.objects.filter(region__slug="gouda").first()
    doc = EvidenceDocument(status=status, original_name="plan.pdf", content_type="application/pdf",
                           size=9, sha256="z" * 64)  # fmt: skip
    doc.file.save("z" * 64, ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    target = tmp_path / "backup.tar.gz"
    out = StringIO()
    call_command("backup", "--output", str(target), stdout=out)
    assert out.getvalue().strip() == str(target)
    names = tarfile.open(target).getnames()
    assert "manifest.json" in names and any(n.startswith("media/") for n in names)
    assert target.stat().st_mode & 0o077 == 0
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", "--output", str(target))

    # Damage: rename a region, delete the document and its file.
    Region.objects.filter(slug="gouda").update(name="Verkeerd")
    Path(doc.file.path).unlink()
    EvidenceDocument.objects.all().delete()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target))
    changed = type(demo).objects.get(pk=demo.pk).data_version
    call_command("restore", str(target), "--yes", stdout=StringIO())
    assert Region.objects.get(slug="gouda").name == "Gouda"
    # Newer than any version cached before the restore (a shared cache outlives it).
    assert type(demo).objects.get(pk=demo.pk).data_version > changed
    restored = EvidenceDocument.objects.get()
    assert Path(restored.file.path).read_bytes() == b"%PDF-1.4\n"


@pytest.mark.django_db
def test_restore_refuses_other_files(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        (tmp_path / "x").write_text("x")
        tar.add(tmp_path / "x", "../../etc/x")
    with pytest.raises(CommandError, match="unexpected entry"):
        call_command("restore", str(bad), "--yes")
    (tmp_path / "not.tar.gz").write_text("no")
    with pytest.raises(CommandError, match="not a raak backup"):
        call_command("restore", str(tmp_path / "not.tar.gz"), "--yes")
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing"), "--yes")
