"""The static site of a programme's published pages under RAAK_DATA_DIR/public/, for
nginx to serve as files (deploy/nginx.conf: try_files, then RAAK), kept in step with
publication the way public.py keeps the open-data files.

Layout: public/.pages/<programme>/ holds what `raak publish-static --gzip` writes, so a
URL /<programme>/regio/x/ is the file public/.pages/<programme>/<programme>/regio/x/
index.html (nginx: `root …/public/.pages/$programme; try_files $uri/index.html …`).
The leading dot keeps it apart from public.py's public/<programme>/open-data/: no
programme slug starts with a dot.

When: on publication and on withdrawal a task rebuilds the programme's tree. A
withdrawal first removes the whole tree, at once and before the withdrawal is
reported done, so nginx falls through to RAAK (404, or 410 with the reason) until the
rebuild, which renders as an anonymous visitor and so never holds the withdrawn round.

Concurrency: a rebuild is made in a temporary folder next to the tree and swapped in
whole, under a per-programme file lock that the withdrawal's removal takes too. Before
swapping in, the rebuild compares the programme's public_version with the one it read
before it started: if anything public changed meanwhile (a withdrawal, a later
publication), its pages may be stale, so it is thrown away and built again. So two
rebuilds never interleave their files, the last tree swapped in shows current data,
and a rebuild that started before a withdrawal never brings the withdrawn pages back.
"""

import fcntl
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import task

from raak.opendata import public, static_site
from raak.programmes.models import Programme, Round

log = logging.getLogger(__name__)
# A rebuild whose data changed under it builds again, at most this often; the change
# that moved the version enqueued a rebuild of its own anyway.
ATTEMPTS = 3


def root():
    return public.root() / ".pages"


def folder(programme):
    return root() / programme.slug


@contextmanager
def _locked(programme):
    """The programme's tree lock: held only to swap a tree in or take it away (renames),
    never while building, so a withdrawal waits for a rename at most."""
    root().mkdir(parents=True, exist_ok=True)
    with open(root() / f".{programme.slug}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _public_version(programme):
    return (
        Programme.objects.filter(pk=programme.pk).values_list("public_version", flat=True).first()
    )


def _take_away(path, tmp):
    """Move the tree out of nginx's way in one rename; the caller deletes it."""
    if path.is_dir():
        path.rename(Path(tmp) / "old")


def _ensure_root():
    root().mkdir(parents=True, exist_ok=True)
    return root()


def remove(programme):
    """The programme's whole tree gone now: nginx passes every page to RAAK. (The
    temporary folder, with the old tree in it, is deleted after the lock is let go.)"""
    with tempfile.TemporaryDirectory(dir=_ensure_root(), prefix=f".{programme.slug}-") as tmp:
        with _locked(programme):
            _take_away(folder(programme), tmp)


def refresh(programme):
    """Make the tree show what is published now; True when a tree was swapped in or
    removed, False when every attempt found the data changed under it."""
    for _attempt in range(ATTEMPTS):
        version = _public_version(programme)
        if version is None:  # the programme is gone
            return False
        with tempfile.TemporaryDirectory(dir=_ensure_root(), prefix=f".{programme.slug}-") as tmp:
            new = Path(tmp) / "new"
            try:
                if programme.rounds.visible_to_public().exists():
                    static_site.build(programme, new, gzip_pages=True)
            except static_site.StaticSiteError:
                continue  # the last published round was withdrawn a moment ago
            with _locked(programme):
                if _public_version(programme) != version:
                    continue  # stale: something public changed while building
                _take_away(folder(programme), tmp)
                if new.is_dir():
                    new.rename(folder(programme))
                _built_file(programme).write_text(str(version))
                return True
    log.warning("static site of %s not refreshed: its data kept changing", programme.slug)
    return False


def _built_file(programme):
    return root() / f".{programme.slug}.version"


def built_version(programme):
    """The public_version the programme's tree shows, or None if never built."""
    try:
        return int(_built_file(programme).read_text())
    except (FileNotFoundError, ValueError):
        return None


def stale(programmes):
    """Programmes whose public data changed since their tree was built (an edit of the
    catalogue, the action points, ...: changes that publish or withdraw nothing) and
    that have a published round or a tree to take away."""
    if not settings.STATIC_PAGES:
        return
    for programme in programmes:
        if built_version(programme) == programme.public_version:
            continue
        if folder(programme).exists() or programme.rounds.visible_to_public().exists():
            yield programme


@task()
def refresh_task(programme_id):
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        refresh(programme)


def on_theme_changed(sender, fields, **kwargs):
    """The theme (tokens, logo, the organisation's name) is on every page: every tree
    there is is built again (sent after the commit, so the task reads the new theme).
    The tree shows the old look until then, as a page cached by a browser would."""
    if not settings.STATIC_PAGES:
        return
    for programme in Programme.objects.only("id", "slug"):
        if folder(programme).exists():
            refresh_task.enqueue(programme.id)


def on_round_state_changed(sender, round, state, **kwargs):
    """Withdrawn: the programme's tree goes now, then the task builds it again without
    the round; published: the task builds it with the round."""
    if state not in (Round.PUBLISHED, Round.WITHDRAWN):
        return
    if state == Round.WITHDRAWN:
        remove(round.programme)  # also with STATIC_PAGES off: an old tree never outlives it
    if not settings.STATIC_PAGES:
        return
    programme_id = round.programme_id
    transaction.on_commit(lambda: refresh_task.enqueue(programme_id))
