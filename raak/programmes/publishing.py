"""What becomes public when a round is published: per region the notes, the evidence
documents, and the notes carried over from earlier rounds that were never published.

A new round copies the previous round's notes (`status.open_round`). A note typed in a
round that was closed but never published would become public through a later round's
publication without anyone deciding so; the confirmation page built from this list
is that decision (issue #8, finding 2).
"""

from dataclasses import dataclass, field

from django.db.models import Count

from raak.programmes.models import EvidenceDocument, IndicatorValue, MilestoneStatus, Round


@dataclass
class RegionPublication:
    region: object
    notes: int = 0
    documents: int = 0
    carried: list = field(default_factory=list)  # (subject, note, round name)


@dataclass
class Publication:
    round: Round
    regions: list

    @property
    def notes(self):
        return sum(r.notes for r in self.regions)

    @property
    def documents(self):
        return sum(r.documents for r in self.regions)

    @property
    def carried(self):
        return sum(len(r.carried) for r in self.regions)


def preview(rnd):
    """A fixed number of queries whatever the number of regions."""
    programme = rnd.programme
    regions = list(programme.regions.active_on(rnd.peildatum))
    by_region = {r.id: RegionPublication(r) for r in regions}
    statuses = list(
        MilestoneStatus.objects.filter(round=rnd)
        .exclude(note="")
        .select_related("milestone")
        .only("region_id", "milestone_id", "milestone__name", "note")
    )
    values = (
        IndicatorValue.objects.filter(round=rnd)
        .exclude(note="")
        .values_list("region_id", flat=True)
    )
    for s in statuses:
        if s.region_id in by_region:
            by_region[s.region_id].notes += 1
    for region_id in values:
        if region_id in by_region:
            by_region[region_id].notes += 1
    docs = (
        EvidenceDocument.objects.filter(status__round=rnd)
        .values("status__region_id")
        .annotate(n=Count("id"))
    )
    for row in docs:
        if row["status__region_id"] in by_region:
            by_region[row["status__region_id"]].documents = row["n"]
    # Earlier notes by (region, milestone): which were public, which only in rounds
    # that never were.
    earlier = Round.objects.filter(programme=programme, peildatum__lt=rnd.peildatum)
    names = {r.id: (r.name, r.is_published) for r in earlier}
    public, hidden = set(), {}
    for round_id, region_id, milestone_id, note in (
        MilestoneStatus.objects.filter(round__in=earlier)
        .exclude(note="")
        .values_list("round_id", "region_id", "milestone_id", "note")
    ):
        key = (region_id, milestone_id, note)
        name, published = names[round_id]
        if published:
            public.add(key)
        else:
            hidden.setdefault(key, name)
    for s in statuses:
        key = (s.region_id, s.milestone_id, s.note)
        if key in hidden and key not in public and s.region_id in by_region:
            by_region[s.region_id].carried.append((s.milestone.name, s.note, hidden[key]))
    return Publication(rnd, [by_region[r.id] for r in regions])
