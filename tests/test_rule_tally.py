"""The errors and warnings still open per round, as the progress page shows them from
the kept counts (raak/programmes/rule_tally.py): after every kind of change the page
must show what running every rule now gives, across rounds, returns and resubmissions,
a rule edited after a round closed, a reopened previous round, a round imported from
files and a second programme."""

import json
import re
import threading
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from raak.cycle import progress, submissions
from raak.lib.periods import parse_period
from raak.programmes import rule_service, rule_tally, rules, tables
from raak.programmes import status as status_service
from raak.programmes.history import Recorder
from raak.programmes.importing import import_programme
from raak.programmes.models import (
    ChangeRecord,
    MilestoneStatus,
    Programme,
    RuleTally,
    ValidationRule,
)
from tests.conftest import DEMO_FILE, sign_in

P = "/raak-2008-2010"
ROW = re.compile(
    r'ronde/([^/]+)/indieningen/">[^<]*</a></th><td>[^<]*</td><td data-count="errors">(\d+)</td>'
    r'<td data-count="warnings-open">(\d+)</td><td data-count="warnings-justified">(\d+)</td>'
    r'<td data-count="regions">(\d+)</td>'
)


def truth(rnd):
    """What running every rule now gives: (errors, open warnings, justified, regions)."""
    t = rule_tally.tally(rnd, rules.run(rnd), 0, {})
    return (t.errors, t.warnings_open, t.warnings_justified, t.regions)


def shown(client, slug=P):
    page = client.get(f"{slug}/voortgang/").content.decode()
    return {m[0]: tuple(int(n) for n in m[1:]) for m in ROW.findall(page)}


def agrees(client, programme, slug=P):
    got = shown(client, slug)
    assert got == {r.slug: truth(r) for r in programme.rounds.all()}
    return got


def _save(rnd, region, key, user, **values):
    s = MilestoneStatus.objects.select_related("milestone").get(
        round=rnd, region=region, milestone__key=key
    )
    period = values.get("period", s.expected_text)
    status_service.save_milestone_status(
        rnd, region, s.milestone, user=user, expected_version=s.version,
        status=values.get("status", s.status), period=parse_period(period) if period else None,
        note=s.note,
    )  # fmt: skip


def test_counts_follow_saves_justifications_return_and_resubmit(demo, people, ruled_round):
    office, second = sign_in(Client(), people["national"]), ruled_round
    first = agrees(office, demo)
    # The final round by hand (test_rules.HAND_COUNT): 12 warnings in 10 regions.
    assert first["eindrapportage-2011"] == (0, 12, 0, 10)
    # Spring 2011 has passed at the second round's peildatum: over-tijd errors.
    assert first[second.slug][0] > 0
    assert RuleTally.objects.count() == 2  # kept, not counted per request

    gouda, coord = demo.regions.get(slug="gouda"), people["coord_a"]
    _save(second, gouda, "handelingsprotocol", coord, period="Najaar 2011")  # the error fixed
    fixed = agrees(office, demo)
    assert fixed[second.slug][0] == first[second.slug][0] - 1
    assert fixed["eindrapportage-2011"] == first["eindrapportage-2011"]

    late = ValidationRule.objects.get(programme=demo, key="na-programmaperiode")
    rule_service.justify(second, gouda, late, "handelingsprotocol", "Na de zomer rond.", user=coord)
    justified = agrees(office, demo)
    assert justified[second.slug][1:3] == (fixed[second.slug][1] - 1, 1)
    assert justified[second.slug][3] == fixed[second.slug][3] - 1  # nothing open in Gouda

    submissions.transition(second, gouda, "submit", user=coord)
    assert agrees(office, demo) == justified
    submissions.transition(second, gouda, "return", user=people["national"],
                           comment="Graag de prognose toelichten.")  # fmt: skip
    assert agrees(office, demo) == justified  # the justification is kept
    _save(second, gouda, "handelingsprotocol", coord, status="expected")
    submissions.transition(second, gouda, "submit", user=coord)
    assert agrees(office, demo)[second.slug][2] == 1

    # The submissions overview shows the same figure.
    overview = office.get(f"{P}/ronde/{second.slug}/indieningen/").content.decode()
    errors = agrees(office, demo)[second.slug][0]
    assert re.search(rf'data-count="rule-errors">{errors} fout', overview)


def test_rule_edited_after_close_and_a_reopened_previous_round(demo, people, ruled_round):
    office, national = sign_in(Client(), people["national"]), people["national"]
    final, second = demo.rounds.get(slug="eindrapportage-2011"), ruled_round
    status_service.change_round_state(second, "closed", user=national)
    before = agrees(office, demo)
    assert before[second.slug][0] > 0

    # The rules page makes over-tijd a warning after the round closed: the closed round's
    # figure follows, as its review page and `raak validate` do.
    rule = ValidationRule.objects.get(programme=demo, key="over-tijd")
    status_service.save_or_conflict(
        ValidationRule, {"pk": rule.pk}, {"importance": ValidationRule.WARNING},
        expected_version=rule.version, user=national, subject="regel over-tijd", programme=demo,
    )  # fmt: skip
    after = agrees(office, demo)
    assert after[second.slug][0] == 0
    assert after[second.slug][1] == before[second.slug][1] + before[second.slug][0]
    out = StringIO()
    call_command("validate", "--programme", demo.slug, "--round", second.slug,
                 "--format", "json", stdout=out)  # fmt: skip
    counts = json.loads(out.getvalue())["counts"]
    assert (counts["errors"], counts["warnings"]) == (0, sum(after[second.slug][1:3]))

    # The previous round reopened and changed: previous(...) in the second round reads it.
    status_service.change_round_state(final, "withdrawn", user=national, reason="Correctie")
    status_service.change_round_state(final, "open", user=national, reason="Correctie Delft")
    delft = demo.regions.get(slug="delft")
    _save(final, delft, "handelingsprotocol", national, status="done", period="")
    moved = agrees(office, demo)
    # Delft is "done" in the final round and "expected" in the second: a backwards move.
    assert moved[second.slug][1] == after[second.slug][1] + 1
    assert moved["eindrapportage-2011"] != after["eindrapportage-2011"]


def _file(slug, rounds):
    data = json.loads(DEMO_FILE.read_text())
    data["programme"]["slug"] = slug
    base = data["rounds"][0]
    data["rounds"] = []
    for i, (rslug, peildatum, state, changes) in enumerate(rounds):
        r = json.loads(json.dumps(base))
        r.update(slug=rslug, name=f"Ronde {i + 1}", peildatum=peildatum, state=state)
        for s in r["milestone_statuses"]:
            s.update(changes.get((s["region"], s["milestone"]), {}))
        data["rounds"].append(r)
    return data


def _import(data, tmp_path):
    path = tmp_path / "programma.json"
    path.write_text(json.dumps(data))
    return import_programme(tables.read(path), actor="test").programme


def test_a_round_imported_from_files_and_a_second_programme(demo, people, tmp_path):
    office = sign_in(Client(), people["national"])
    agrees(office, demo)
    demo_kept = {t.round_id: (t.through, t.counted_at) for t in RuleTally.objects.all()}

    backwards = {("alkmaar", "werkplan"): {"status": "not_started"}}
    rounds = [("eind", "2011-01-15", "published", {}), ("tweede", "2011-06-01", "open", {})]
    second = _import(_file("tweede-programma", rounds), tmp_path)
    # The office of the demo does not see the other programme; count it directly.
    tallies = progress.outstanding(second, second.rounds.all())
    assert [(t.errors, t.warnings_open, t.warnings_justified, t.regions) for t in tallies] == [
        truth(r) for r in second.rounds.all()
    ]
    plain = tallies[1].warnings_open

    # The file imported again with a backwards move in the open round.
    rounds[1] = ("tweede", "2011-06-01", "open", backwards)
    _import(_file("tweede-programma", rounds), tmp_path)
    tallies = progress.outstanding(second, second.rounds.all())
    assert [(t.errors, t.warnings_open, t.warnings_justified, t.regions) for t in tallies] == [
        truth(r) for r in second.rounds.all()
    ]
    # Alkmaar's werkplan: moved backwards (teruggezet) and not done after the programme
    # period (na-programmaperiode); nothing depends on it being done.
    assert tallies[1].warnings_open == plain + 2

    # The other programme's changes left the demo's kept counts alone.
    agrees(office, demo)
    assert {t.round_id: (t.through, t.counted_at)
            for t in RuleTally.objects.filter(round__programme=demo)} == demo_kept  # fmt: skip
    assert Programme.objects.count() == 2


def test_progress_page_queries_do_not_grow_and_nothing_is_counted_twice(demo, people, ruled_round):
    office, national = sign_in(Client(), people["national"]), people["national"]

    def queries():
        office.get(f"{P}/voortgang/")  # counts what is missing or stale
        with CaptureQueriesContext(connection) as ctx:
            response = office.get(f"{P}/voortgang/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def publish(rnd):
        status_service.change_round_state(rnd, "closed", user=national)
        status_service.change_round_state(rnd, "published", user=national, confirmed=True)

    publish(ruled_round)
    two = queries()
    third = status_service.open_round(demo, slug="najaar-2011", name="Derde", user=national,
                                      peildatum=date(2011, 12, 1))  # fmt: skip
    assert queries() == two  # an open round more
    publish(third)
    assert queries() == two  # a published round more
    agrees(office, demo)


def test_a_new_release_counts_again(demo, people, monkeypatch):
    rnd = demo.rounds.get()
    rule_tally.for_rounds(demo, [rnd])
    RuleTally.objects.update(errors=99)  # what an older release might have counted
    assert rule_tally.for_rounds(demo, [rnd])[rnd.id].errors == 99  # kept while current
    monkeypatch.setattr(rule_tally, "CODE", "another-release")
    assert rule_tally.for_rounds(demo, [rnd])[rnd.id].errors == 0
    assert RuleTally.objects.get().code == "another-release"


def test_previous_rounds_as_the_rules_read_them(demo, people, ruled_round):
    third = status_service.open_round(demo, slug="najaar-2011", name="Derde",
                                      user=people["national"], peildatum=date(2011, 12, 1))  # fmt: skip
    previous = rule_tally.previous_rounds(demo)
    for rnd in demo.rounds.all():
        expected = rules.previous_round(rnd)
        assert previous[rnd.id] == (expected.id if expected else None)
    assert previous[third.id] == ruled_round.id


def test_a_count_never_misses_a_change_committing_meanwhile(transactional_db, people):
    """A writer that holds the programme's lock (Recorder.flush takes it before writing
    its records) commits before a count reads the newest record id; so a record that
    was not yet committed when the count began always has a higher id and makes the
    count stale. Needs two connections: PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL")
    demo = Programme.objects.get(slug="raak-2008-2010")
    rnd = demo.rounds.get()
    rule_tally.for_rounds(demo, [rnd])
    flushed, release, done = threading.Event(), threading.Event(), {}

    def writer():
        try:
            with transaction.atomic():
                recorder = Recorder(people["national"], programme=demo)
                recorder.record(subject="test", field="note", new="x", round=rnd)
                recorder.flush()
                done["id"] = ChangeRecord.objects.get(subject="test").id
                flushed.set()
                release.wait(10)
        finally:
            connection.close()

    def counter():
        try:
            done["through"] = rule_tally.newest_record(demo)
        finally:
            connection.close()

    w = threading.Thread(target=writer)
    w.start()
    assert flushed.wait(10)
    c = threading.Thread(target=counter)
    c.start()
    c.join(1)
    assert c.is_alive()  # waits for the writer's lock
    release.set()
    w.join(10)
    c.join(10)
    assert done["through"] >= done["id"]
    # The writer's record is seen, and the round's kept count is stale and counted again.
    kept = RuleTally.objects.get(round=rnd)
    assert kept.through < done["id"]
    rule_tally.for_rounds(demo, [rnd])
    assert RuleTally.objects.get(round=rnd).through >= done["id"]


def test_record_ids_follow_commit_order(transactional_db, people, monkeypatch):
    """Writer A has written its record but not committed; writer B records and commits;
    then a count begins. Were A's record id lower than B's while B committed first, the
    count would read B's id as its `through` and take A's later change as counted.
    Recorder.flush takes the programme's lock before writing records, so B (and the
    count) wait for A. PostgreSQL: two connections."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL")
    demo = Programme.objects.get(slug="raak-2008-2010")
    rnd = demo.rounds.get()
    written, release, seen = threading.Event(), threading.Event(), {}
    original = ChangeRecord.objects.bulk_create

    def paused(*args, **kwargs):
        out = original(*args, **kwargs)
        if threading.current_thread().name == "A":
            written.set()
            release.wait(10)
        return out

    monkeypatch.setattr(ChangeRecord.objects, "bulk_create", paused)

    def write(name):
        try:
            with transaction.atomic():
                recorder = Recorder(people["national"], programme=demo)
                recorder.record(subject=name, field="note", new="x", round=rnd)
                recorder.flush()
            seen[name] = ChangeRecord.objects.get(subject=name).id
        finally:
            connection.close()

    def count():
        try:
            seen["through"] = rule_tally.newest_record(demo)
        finally:
            connection.close()

    a = threading.Thread(target=write, args=("A",), name="A")
    a.start()
    assert written.wait(10)
    b = threading.Thread(target=write, args=("B",), name="B")
    b.start()
    b.join(1)
    c = threading.Thread(target=count)
    c.start()
    c.join(1)
    # While A's record is written but not committed, neither B nor the count gets on.
    waiting = (b.is_alive(), c.is_alive())
    release.set()
    for t in (a, b, c):
        t.join(10)
    assert waiting == (True, True)
    assert seen["A"] < seen["B"]  # B wrote its record after A committed
    assert seen["through"] >= seen["A"]  # the count read after A committed
