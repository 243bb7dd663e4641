"""The English interface is complete: every msgid of the source has an English msgstr
in raak/locale/en/LC_MESSAGES/django.po, none empty or fuzzy (issue #22).

Read with polib, so entries helpers append at the end of the file (the house rule) are
read like any other; a msgid defined twice (two branches adding the same one) fails too,
as `compilemessages` would.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

RAAK = Path(__file__).resolve().parents[1] / "raak"
PO = RAAK / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(path):
    return [e for e in polib.pofile(str(path), wrapwidth=0) if e.msgid and not e.obsolete]


def test_every_msgid_in_the_po_has_an_english_msgstr():
    untranslated = []
    for e in _entries(PO):
        if e.msgid_plural:
            missing = not e.msgstr_plural or not all(e.msgstr_plural.values())
        else:
            missing = not e.msgstr
        if missing or "fuzzy" in e.flags:
            untranslated.append(f"line {e.linenum}: {e.msgid[:70]!r}")
    assert not untranslated, "untranslated or fuzzy in django.po:\n" + "\n".join(untranslated)


def test_no_msgid_is_defined_twice():
    seen, twice = set(), []
    for e in _entries(PO):
        key = (e.msgctxt or "", e.msgid)
        if key in seen:
            twice.append(f"line {e.linenum}: {e.msgid[:70]!r}")
        seen.add(key)
    assert not twice, "defined twice in django.po (keep one):\n" + "\n".join(twice)


def test_every_msgid_of_the_source_is_in_the_po(tmp_path):
    """makemessages on a copy of the source (the real .po is never rewritten): each
    msgid it finds must be in django.po, or the English interface shows Dutch."""
    assert shutil.which("xgettext"), "install gettext (xgettext) to check the translations"
    copy = tmp_path / "raak"
    shutil.copytree(RAAK, copy, ignore=shutil.ignore_patterns("data", "__pycache__", "*.mo",
                                                               "static", "*.po"))  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location",
         "--no-obsolete"],
        cwd=copy, check=True, capture_output=True,
    )  # fmt: skip
    found = {(e.msgctxt or "", e.msgid) for e in _entries(copy / PO.relative_to(RAAK))}
    have = {(e.msgctxt or "", e.msgid) for e in _entries(PO)}
    missing = sorted(found - have)
    assert not missing, "msgids without an English entry in django.po:\n" + "\n".join(
        f"{ctx + ' | ' if ctx else ''}{msgid[:80]!r}" for ctx, msgid in missing
    )


@pytest.mark.parametrize(
    "lang, one, three",
    [
        ("nl", "1 dag voor de deadline", "3 dagen voor de deadline"),
        ("en", "1 day before the deadline", "3 days before the deadline"),
    ],
)
def test_the_reminder_schedule_speaks_the_language_with_plurals(
    demo, people, open_round, lang, one, three
):
    from datetime import date

    from django.test import Client

    from raak.cycle.models import ReminderPlan
    from raak.programmes.models import Round
    from tests.conftest import sign_in

    Round.objects.filter(pk=open_round.pk).update(closes_on=date(2011, 6, 30))
    ReminderPlan.objects.create(round=open_round, days_before=[3, 1], on_deadline=True,
                                every_days_after=2, max_after=1, subject="s", body="b")  # fmt: skip
    c = Client()
    c.cookies["django_language"] = lang
    sign_in(c, people["national"])
    page = c.get(f"/{demo.slug}/ronde/{open_round.slug}/herinneringen/").content.decode()
    assert f"27-06-2011: {three}" in page and f"29-06-2011: {one}" in page
    after = "reminder 1 after the deadline" if lang == "en" else "1e keer na de deadline"
    assert f"02-07-2011: {after}" in page
    if lang == "en":
        schedule = re.search(r"<h2>Schedule</h2>\s*<ul>.*?</ul>", page, re.S).group(0)
        assert "dag" not in schedule and "deadline</li>" in schedule


@pytest.mark.parametrize(
    "n, nl, en",
    [(1, "1 bewijsstuk", "1 piece of evidence"), (2, "2 bewijsstukken", "2 pieces of evidence")],
)
def test_counted_words_are_plurals(n, nl, en):
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        "{% load i18n %}{% blocktranslate count n=n %}{{ n }} bewijsstuk{% plural %}"
        "{{ n }} bewijsstukken{% endblocktranslate %}"
    )
    for lang, expected in (("nl", nl), ("en", en)):
        with translation.override(lang):
            assert template.render(Context({"n": n})) == expected
