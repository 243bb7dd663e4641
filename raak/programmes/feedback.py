"""Feedback a region sees on its own data: one short list, most urgent first, each item
with a link to the place to fix it. Shown on the coordinator's start page (raak.cycle)
and the region's page (raak.picture) to the region's members and the national office.

Items from this module: open rule results (rules.py), milestones whose expected period
lies in the past, forecasts that slipped twice or more. The reporting history (on time
or late per round) belongs to raak.cycle, which registers it with `add_history`.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from raak.programmes import rules, wording
from raak.programmes.models import MilestoneStatus
from raak.programmes.status import is_region_frozen

ERROR, OVERDUE, WARNING, SLIPPED = 0, 1, 2, 3  # urgency, most urgent first
LIMIT = 8  # "one short list"


@dataclass
class Item:
    urgency: int
    text: str
    url: str

    @property
    def kind(self):
        return {ERROR: "error", OVERDUE: "overdue", WARNING: "warning", SLIPPED: "slipped"}[
            self.urgency
        ]


@dataclass
class Feedback:
    items: list
    more: int  # items left off the short list
    history: list  # [(round, state, label)], see add_history


_history = []


def add_history(provider):
    """`provider(region, rounds)` returns [(round, state, label)] for the rounds, state
    one of "on-time", "late", "missing", "open"."""
    if provider not in _history:
        _history.append(provider)


def slipped(region, rounds):
    """[(milestone, [expected texts])] for milestones still not done whose expected
    period moved later at least twice over the rounds given (oldest first); one query."""
    rows = {}
    for m_id, latest, text, status in (
        MilestoneStatus.objects.filter(region=region, round__in=rounds)
        .order_by("round__peildatum", "round__slug")
        .values_list("milestone_id", "expected_latest", "expected_text", "status")
    ):
        rows.setdefault(m_id, []).append((latest, text, status))
    milestones = {m.id: m for m in region.programme.milestones.all()}
    out = []
    for m_id, seq in rows.items():
        if seq[-1][2] not in MilestoneStatus.WITH_PERIOD:
            continue
        moves, texts, last = 0, [], None
        for latest, text, _status in seq:
            if latest is None:
                continue
            if last is not None and latest > last:
                moves += 1
            if not texts or texts[-1] != text:
                texts.append(text)
            last = latest
        if moves >= 2:
            out.append((milestones[m_id], texts, moves))
    return sorted(out, key=lambda pair: pair[0].position)


def for_region(region, rnd, today, rounds):
    """The region's feedback for round `rnd` (its latest round the viewer may see; open
    rounds are where it can still act) with `rounds` the rounds to look back over."""
    p = region.programme.slug
    items = []
    # A submitted or accepted report freezes the region's data: its items then link to
    # the region's page, not to a form that can no longer be saved.
    writable = rnd is not None and rnd.is_open and not is_region_frozen(rnd, region)
    if rnd is not None:
        # Milestones whose expected period a rule already judges (e.g. the demo's
        # "over-tijd"): the rule's message says it, with the peildatum, so the plain
        # "is voorbij" item would say the same thing twice.
        judged = set()
        for r in rules.for_region(rnd, region):
            if r.place[0] == "milestone" and "expected(" in r.rule.condition:
                judged.add(r.place[1])
            if r.is_error:
                items.append(Item(ERROR, r.message, r.url(rnd, region)))
            elif not r.justification:
                items.append(Item(WARNING, r.message, reverse(
                    "submission", args=[p, rnd.slug, region.slug]) + "#controles"))  # fmt: skip
        overdue = MilestoneStatus.objects.filter(
            round=rnd, region=region, status__in=MilestoneStatus.WITH_PERIOD,
            expected_latest__lt=today,
        ).select_related("milestone")  # fmt: skip
        for s in overdue:
            if s.milestone.key in judged:
                continue
            items.append(Item(OVERDUE, _("%(m)s: de verwachte periode (%(p)s) is voorbij.") % {
                "m": wording.local(s.milestone), "p": s.expected_text},
                reverse("edit-status", args=[p, rnd.slug, region.slug, s.milestone.key])
                if writable else reverse("region", args=[p, region.slug])))  # fmt: skip
    for milestone, texts, moves in slipped(region, rounds):
        url = (
            reverse("edit-status", args=[p, rnd.slug, region.slug, milestone.key])
            if writable
            else reverse("region", args=[p, region.slug]) + f"#m-{milestone.key}"
        )
        items.append(Item(SLIPPED, ngettext(
            "%(m)s: de verwachting schoof %(n)d keer op (%(t)s).",
            "%(m)s: de verwachting schoof %(n)d keer op (%(t)s).", moves,
        ) % {"m": wording.local(milestone), "n": moves, "t": " → ".join(texts)}, url))  # fmt: skip
    items.sort(key=lambda i: i.urgency)
    history = [h for provider in _history for h in provider(region, rounds)]
    return Feedback(items[:LIMIT], max(0, len(items) - LIMIT), history)
