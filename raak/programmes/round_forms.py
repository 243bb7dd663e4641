"""What a region fills in for a round besides its milestones and indicators, e.g. the
questionnaires of `raak.questionnaires`. The apps that provide such forms register a
provider here, so the pages that list a region's work (raak.cycle: the start page and
the region's report) need to know nothing about them.

The same apps register a `Kind`: which of their forms a round asks (the national
office chooses when opening a round and may change it while the round is open), and
how a returned report reopens a region's submitted forms. Forms are named by a key
unique within the programme (a questionnaire's slug)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RoundForm:
    name: str
    url: str
    started: bool  # the region has saved something
    submitted: bool
    state_label: str  # the state in the providing app's words ("concept", "ingediend")
    key: str = ""  # unique in the programme: what `asked`, `ask` and `reopen` name


class Refused(ValueError):
    """A change of the forms a round asks that cannot be made, in a Dutch sentence."""


class Kind:
    """The interface an app registers with `add_kind`; every method is called inside
    the caller's transaction, with the round row locked."""

    def offered(self, programme):
        """[(key, name)] of the forms a new round may ask (not retired)."""
        return []

    def asked(self, rnd):
        """The keys of the forms `rnd` asks."""
        return []

    def ask(self, rnd, keys, *, recorder):
        """Make `rnd` ask exactly `keys` (of this kind); raise Refused when not."""

    def reopen(self, rnd, region, keys, *, recorder):
        """Set the region's submitted forms of `rnd` named by `keys` (None: all) back to
        draft; return their names."""
        return []


_providers = []
_kinds = []


def add_provider(provider):
    """`provider(round, region)` returns that app's RoundForms for the region, in a
    fixed number of queries."""
    if provider not in _providers:
        _providers.append(provider)


def add_kind(kind):
    if kind not in _kinds:
        _kinds.append(kind)


def for_region(rnd, region):
    return [form for provider in _providers for form in provider(rnd, region)]


def offered(programme):
    return [choice for kind in _kinds for choice in kind.offered(programme)]


def asked(rnd):
    return [key for kind in _kinds for key in kind.asked(rnd)]


def ask(rnd, keys, *, recorder):
    keys = set(keys)
    for kind in _kinds:
        own = {key for key, _name in kind.offered(rnd.programme)} | set(kind.asked(rnd))
        kind.ask(rnd, sorted(keys & own), recorder=recorder)


def reopen(rnd, region, keys=None, *, recorder):
    return [name for kind in _kinds for name in kind.reopen(rnd, region, keys, recorder=recorder)]
