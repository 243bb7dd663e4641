"""Which regions did not submit their report for a round that started from an earlier
one: their data in the round is what was carried into it (status.open_round), and the
public pages say so ("niet ingediend; stand van <vorige ronde>"). raak.cycle, which
knows the submissions, registers the provider, so the pages need not know it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from raak.programmes import wording


@dataclass(frozen=True)
class NotSubmitted:
    region_id: int
    changed: bool  # the region changed something in the round without submitting it
    previous: object  # the round its data was carried from

    @property
    def text(self):
        """The note in the visitor's language."""
        name = wording.local(self.previous)
        if self.changed:
            return _("niet ingediend; stand van %(r)s, deels bijgewerkt") % {"r": name}
        return _("niet ingediend; stand van %(r)s") % {"r": name}


_providers = []


def add_provider(provider):
    """`provider(round)` returns {region id: changed?} of the round's active regions
    that did not submit, in a fixed number of queries."""
    if provider not in _providers:
        _providers.append(provider)


def not_submitted(rnd):
    """{region id: NotSubmitted} for a round carried from an earlier one; {} for a round
    that was not (e.g. imported), which never ran a reporting cycle here."""
    if rnd.carried_from_id is None:
        return {}
    found = {}
    for provider in _providers:
        for region_id, changed in provider(rnd).items():
            found[region_id] = NotSubmitted(region_id, changed, rnd.carried_from)
    return found
