"""URL names and paths never change by accident (issue #27).

`tests/data/url_names.json` was generated once, before the URL tables were split over
the apps, from the URL configuration of that day: for every URL name (namespaced ones
such as `api:get_round` included) the sample keyword arguments of its converters, the
path `reverse()` gave, the extra arguments the pattern passes to its view, and the
name that path resolves to. Moving a pattern to another URLconf must not change any of
that.

A second list, `shadowed`, records which literal words (`nieuw`, `kaarten`, …) put in a
pattern's slug or string argument make the path resolve to ANOTHER pattern: the order of
the patterns decides that, so a reordering that changes which view answers shows here.

Adding a URL: run `python -m tests.test_url_names` to add the entries of new names. It
never changes an existing entry; a changed path is a change to review by hand.
"""

import json
import uuid
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, resolve, reverse

DATA = Path(__file__).parent / "data" / "url_names.json"

# One sample per converter, derived from the argument's name so that two arguments of
# one pattern never swap places unnoticed.
SAMPLES = {
    "SlugConverter": lambda name: f"{name.replace('_', '-')}-v",
    "StringConverter": lambda name: f"{name}-v",
    "PathConverter": lambda name: f"{name}/v",
    "IntConverter": lambda name: 10 + sum(map(ord, name)) % 90,
    "UUIDConverter": lambda name: str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
}


def patterns(urlpatterns=None, namespace=()):
    """(full URL name, pattern) for every named pattern, walking included URLconfs."""
    for p in get_resolver().url_patterns if urlpatterns is None else urlpatterns:
        if isinstance(p, URLResolver):
            yield from patterns(
                p.url_patterns, (*namespace, *([p.namespace] if p.namespace else []))
            )
        elif p.name:
            yield ":".join([*namespace, p.name]), p


def sample_kwargs(pattern):
    converters = getattr(pattern.pattern, "converters", {})
    unknown = {type(c).__name__ for c in converters.values()} - set(SAMPLES)
    assert not unknown, f"add a sample for the converter(s) {unknown} to SAMPLES"
    return {k: SAMPLES[type(c).__name__](k) for k, c in converters.items()}


def resolved_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def current():
    """The table as the URL configuration gives it now."""
    names, literals = {}, set()
    for name, pattern in patterns():
        kwargs = sample_kwargs(pattern)
        path = reverse(name, kwargs=kwargs)
        names.setdefault(
            name,
            {
                "kwargs": kwargs,
                "path": path,
                "defaults": dict(pattern.default_args),
                "resolves_to": resolved_name(path),
            },
        )
        literals.update(s for s in str(pattern.pattern).split("/") if s and "<" not in s)
    return names, sorted(literals)


def shadowed(names, literals):
    """[(name, argument, word, the name the path resolves to)] where a literal word in
    an argument makes another pattern answer."""
    found = []
    for name, entry in names.items():
        for key, value in entry["kwargs"].items():
            if isinstance(value, int):
                continue
            for word in literals:
                try:
                    path = reverse(name, kwargs={**entry["kwargs"], key: word})
                except NoReverseMatch:  # the converter refuses the word
                    continue
                answer = resolved_name(path)
                if answer != entry["resolves_to"]:
                    found.append([name, key, word, answer])
    return sorted(found, key=lambda row: [str(x) for x in row])


def stored():
    return json.loads(DATA.read_text())


STORED = stored() if DATA.exists() else {"names": {}, "literals": [], "shadowed": []}


@pytest.mark.parametrize("name", sorted(STORED["names"]))
def test_the_name_reverses_to_the_stored_path(name):
    entry = STORED["names"][name]
    assert reverse(name, kwargs=entry["kwargs"]) == entry["path"]


@pytest.mark.parametrize("name", sorted(STORED["names"]))
def test_the_stored_path_resolves_as_before(name):
    entry = STORED["names"][name]
    match = resolve(entry["path"])
    assert match.view_name == entry["resolves_to"]
    if match.view_name == name:
        assert match.kwargs == {**entry["kwargs"], **entry["defaults"]}


def test_every_url_pattern_is_in_the_data():
    names, _literals = current()
    missing = sorted(set(names) - set(STORED["names"]))
    assert not missing, f"run `python -m tests.test_url_names` to add {missing}"
    changed = [
        name
        for name, entry in names.items()
        if set(entry["kwargs"]) != set(STORED["names"][name]["kwargs"])
        or entry["defaults"] != STORED["names"][name]["defaults"]
    ]
    assert not changed, f"the arguments of these URL names changed: {changed}"


def test_no_stored_name_is_gone():
    names, _literals = current()
    gone = sorted(set(STORED["names"]) - set(names))
    assert not gone, f"URL names removed: {gone}"


def test_the_order_of_the_patterns_still_picks_the_same_view():
    now = shadowed(STORED["names"], STORED["literals"])
    gained = [row for row in now if row not in STORED["shadowed"]]
    lost = [row for row in STORED["shadowed"] if row not in now]
    assert not gained and not lost, (
        f"[name, argument, word, answered by]: now answered by another view {gained}; "
        f"no longer {lost}"
    )


def _write():
    """Add new names (and their shadowing); never change an existing entry."""
    names, literals = current()
    data = stored() if DATA.exists() else {"names": {}, "literals": [], "shadowed": []}
    added = sorted(set(names) - set(data["names"]))
    for name in added:
        data["names"][name] = names[name]
    data["names"] = dict(sorted(data["names"].items()))
    if not data["literals"]:
        data["literals"] = literals
    # Recomputed whole: a new pattern may take words from an old one. `git diff`
    # shows what changed; review it.
    data["shadowed"] = shadowed(data["names"], data["literals"])
    DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(added)} URL names added to {DATA}")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raak.settings")
    django.setup()
    _write()
