"""What a region fills in for a round besides its milestones and indicators, e.g. the
questionnaires of `raak.questionnaires`. The apps that provide such forms register a
provider here, so the pages that list a region's work (raak.cycle: the start page and
the region's report) need to know nothing about them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RoundForm:
    name: str
    url: str
    started: bool  # the region has saved something
    submitted: bool
    state_label: str  # the state in the providing app's words ("concept", "ingediend")


_providers = []


def add_provider(provider):
    """`provider(round, region)` returns that app's RoundForms for the region, in a
    fixed number of queries."""
    if provider not in _providers:
        _providers.append(provider)


def for_region(rnd, region):
    return [form for provider in _providers for form in provider(rnd, region)]
