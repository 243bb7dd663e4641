"""The validation rules' results of a round counted and kept (RuleTally), so that a page
over every round (the progress page, the submissions overview, the API's reporting
rates) reads a few numbers instead of running every rule for every region of every
round on each request.

What is counted: over every region of the round (those that exist on its peildatum),
the errors, the warnings without a justification and those with one, and the regions
with anything still open -- with the rules as they are now, on the data as it is now:
the same results the review page, the API and `raak validate` show. A rule edited
after a round closed therefore changes that round's figure too.

When a kept figure is stale, without trusting every write path to say so: the inputs
of a round's results are its own data, the previous round's (previous(...)), and what
belongs to the programme outside any round (rules, dependencies, milestones,
indicators, questions, regions and their dates, the programme's period). Every change
to any of those is a ChangeRecord (history.Recorder; imports included), with the round
it belongs to or none. A tally remembers the programme's newest record id when its
count began (`through`, read under the programme's row lock, which Recorder.flush
takes before writing records, so every lower id had committed and was read). It is
stale when a record after `through` belongs to the round, to its previous round or
to no round (people's roles excepted), when another round has become the previous
one, or when the rules' code changed. Stale or missing tallies are counted again
before they are shown; `raak validate` and the task after a round changes state count
them ahead.
"""

import hashlib
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.tasks import task

from raak.lib import locking, periods
from raak.programmes import expressions, rules
from raak.programmes.models import ChangeRecord, Programme, Round, RuleTally


def _code():
    """Changes when the code that decides a result changes (a release). The files are
    found through their modules, so a module that moves (periods went to raak/lib) is
    still read."""
    digest = hashlib.sha256()
    for path in (rules.__file__, expressions.__file__, __file__, periods.__file__):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


CODE = _code()
# Records outside any round that no rule reads: who has which role.
UNREAD_KINDS = ("role",)
FIELDS = ["errors", "warnings_open", "warnings_justified", "regions", "through", "previous",
          "code", "counted_at"]  # fmt: skip


def previous_rounds(programme):
    """round id -> id of the round previous(...) reads in it (rules.previous_round: the
    latest peildatum before its own), or None; one query."""
    rows = sorted(programme.rounds.values_list("peildatum", "slug", "id"))
    out = {}
    for day, _slug, round_id in rows:
        earlier = [r for r in rows if r[0] < day]  # rounds on one peildatum skip each other
        out[round_id] = earlier[-1][2] if earlier else None
    return out


def for_rounds(programme, rounds):
    """{round id: RuleTally} for the rounds given, each stale or missing one counted
    first. Three queries when none is, whatever the number of rounds or regions."""
    rounds = list(rounds)
    if not rounds:
        return {}
    previous = previous_rounds(programme)
    kept = {t.round_id: t for t in RuleTally.objects.filter(round__in=rounds)}
    last = {}
    if kept:
        since = min(t.through for t in kept.values())
        last = dict(
            ChangeRecord.objects.filter(programme=programme, id__gt=since)
            .exclude(kind__in=UNREAD_KINDS)
            .order_by()
            .values("round_id")
            .annotate(last=Max("id"))
            .values_list("round_id", "last")
        )
    stale = [r for r in rounds if not _fresh(kept.get(r.id), previous.get(r.id), last)]
    if stale:
        kept.update(count(programme, stale, previous))
    return kept


def _fresh(tally, previous_id, last):
    if tally is None or tally.code != CODE or tally.previous_id != previous_id:
        return False
    about = [tally.round_id, None] + ([previous_id] if previous_id else [])
    return all(last.get(key, 0) <= tally.through for key in about)


def newest_record(programme):
    """The programme's newest ChangeRecord id, read under its row lock: a writer that
    holds the lock commits first, and one that comes after writes higher ids."""
    with transaction.atomic():
        locking.lock_row(Programme, programme.pk)
        return (
            ChangeRecord.objects.filter(programme=programme)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
            or 0
        )


def count(programme, rounds, previous=None):
    """Count the rounds' results now and keep them; {round id: RuleTally}."""
    previous = previous_rounds(programme) if previous is None else previous
    through = newest_record(programme)  # before any data is read
    compiled = rules.compile_rules(programme)
    tallies = []
    for rnd in rounds:
        rnd.programme = programme
        tallies.append(tally(rnd, rules.run(rnd, compiled=compiled), through, previous))
    store(tallies)
    return {t.round_id: t for t in tallies}


def run(rnd):
    """Every rule for every region of the round (rules.run), its tally kept on the
    way: for `raak validate`."""
    previous = previous_rounds(rnd.programme)
    through = newest_record(rnd.programme)
    outcome = rules.run(rnd)
    store([tally(rnd, outcome, through, previous)])
    return outcome


def tally(rnd, outcome, through, previous):
    errors = warnings_open = justified = regions = 0
    for results in outcome.by_region.values():
        still_open = False
        for r in results:
            if r.is_error:
                errors += 1
                still_open = True
            elif r.justification.strip():
                justified += 1
            else:
                warnings_open += 1
                still_open = True
        regions += still_open
    return RuleTally(round=rnd, errors=errors, warnings_open=warnings_open,
                     warnings_justified=justified, regions=regions, through=through,
                     previous_id=previous.get(rnd.id), code=CODE)  # fmt: skip


def store(tallies):
    # Two counts at once: the later write wins; an older one is found stale next time.
    RuleTally.objects.bulk_create(tallies, update_conflicts=True, unique_fields=["round"],
                                  update_fields=FIELDS)  # fmt: skip


@task()
def recount(programme_id):
    """Count the programme's stale tallies ahead of the next page that shows them (after
    a round changed state, after the rules changed)."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        for_rounds(programme, Round.objects.filter(programme=programme))


def recount_later(programme):
    programme_id = programme.pk
    transaction.on_commit(lambda: recount.enqueue(programme_id))


def on_round_state_changed(sender, round, state, **kwargs):
    recount_later(round.programme)
