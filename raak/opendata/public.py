"""The open-data files as plain files under RAAK_DATA_DIR/public/, for nginx to serve
as fast as any static file (deploy/nginx.conf: try_files, then RAAK).

The tree mirrors the URLs: public/<programme>/open-data/<round>/<file> and
public/<programme>/open-data/catalog.ttl|.jsonld. On publication a task writes a
round's files; on withdrawal the round's folder is removed at once, before the
withdrawal is reported as done, so nginx never serves a withdrawn file and the request
falls through to RAAK (410 with the reason).
"""

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import task

from raak.look import theme as themes
from raak.opendata import catalog as dcat
from raak.opendata import files
from raak.opendata.tables import round_tables
from raak.programmes.models import Programme, Round


def root():
    return Path(settings.DATA_DIR) / "public"


def folder(programme):
    return root() / programme.slug / "open-data"


def _write_round(programme, rnd, target):
    found = round_tables(rnd)
    for table in found.tables.values():
        metadata = files.metadata_bytes(files.csvw_metadata(
            table, found.tables, rnd, licence=settings.OPEN_DATA_LICENSE,
            publisher=themes.publisher().name))  # fmt: skip
        for name, body in (
            (f"{table.key}.csv", files.as_csv(table)),
            (f"{table.key}.xlsx", files.as_xlsx(table)),
            (f"{table.key}-metadata.json", metadata),
            (f"{table.key}.csv-metadata.json", metadata),
        ):
            (target / name).write_bytes(body)


def _replace(path, write):
    """Write a folder or file next to `path`, then swap it in: nginx never sees half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        new = Path(tmp) / "new"
        write(new)
        if path.is_dir():
            old = Path(tmp) / "old"
            path.rename(old)
        new.rename(path)


def _public_version(programme):
    return (
        Programme.objects.filter(pk=programme.pk).values_list("public_version", flat=True).first()
    )


def refresh(programme, attempts=3):
    """Make the tree match what is published now. A withdrawal while this runs removes
    its round's folder, which this run may then write back (it listed the round as
    published): when the programme's public_version moved meanwhile, it runs again,
    which removes it. (A withdrawal after the check finds every write done, and removes
    the folder itself.)"""
    for _attempt in range(attempts):
        version = _public_version(programme)
        _refresh_once(programme)
        if _public_version(programme) == version:
            return


def _refresh_once(programme):
    """Every published round's files and the catalogue; folders of rounds that are not
    published removed."""
    base = folder(programme)
    base.mkdir(parents=True, exist_ok=True)
    published = list(programme.rounds.visible_to_public())
    keep = {r.slug for r in published}
    for path in base.iterdir():
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path)
    for rnd in published:

        def write(target, rnd=rnd):
            target.mkdir()
            _write_round(programme, rnd, target)

        _replace(base / rnd.slug, write)
    graph = dcat.catalog(programme)
    for name, body in (("catalog.ttl", dcat.as_turtle(graph)),
                       ("catalog.jsonld", dcat.as_jsonld(graph))):  # fmt: skip
        _replace(base / name, lambda target, body=body: target.write_bytes(body))


def remove_round(rnd):
    shutil.rmtree(folder(rnd.programme) / rnd.slug, ignore_errors=True)


@task()
def refresh_task(programme_id):
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        refresh(programme)


def on_round_state_changed(sender, round, state, **kwargs):
    """Withdrawn: the round's files go now (and the catalogue is made again by the
    task); published: the task writes them."""
    if state not in (Round.PUBLISHED, Round.WITHDRAWN):
        return
    if state == Round.WITHDRAWN:
        remove_round(round)
        for name in ("catalog.ttl", "catalog.jsonld"):  # RAAK answers until the task ran
            (folder(round.programme) / name).unlink(missing_ok=True)
    programme_id = round.programme_id
    transaction.on_commit(lambda: refresh_task.enqueue(programme_id))


def on_theme_changed(sender, fields, **kwargs):
    """The files name the organisation (publisher, contact): a change of its name,
    website or e-mail in the theme writes every programme's files again (already
    committed, so the task reads the new theme)."""
    if not set(fields) & set(themes.FALLBACKS):
        return
    for programme in Programme.objects.only("id", "slug"):
        if folder(programme).exists():  # written at its first publication
            refresh_task.enqueue(programme.id)
