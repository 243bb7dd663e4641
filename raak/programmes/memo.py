"""A programme's definitions, kept by this process for one data version.

Wording rows, rounds and milestones change only through history.Recorder (an import, a
round's new state), which raises `Programme.data_version` in the same transaction. A
request reads the programme, with its version, first; rows remembered for that version
are therefore the rows that request would read. One entry per programme and table, so
the memo cannot grow with requests. Signed-in pages read these on every request; on
PostgreSQL each query saved is a round trip.

Writes never trust these rows: a save locks and re-reads the round (status.py).
"""

import copy

_ROWS = {}  # {(programme id, relation): (data version, rows)}


def rows(programme, relation):
    """All rows of `programme.<relation>`, shared: read them, do not change them."""
    key = (programme.id, relation)
    found = _ROWS.get(key)
    if found is not None and found[0] == programme.data_version:
        return found[1]
    result = list(getattr(programme, relation).all())
    _ROWS[key] = (programme.data_version, result)
    return result


def value(programme, name, make):
    """`make()` (a small answer about the programme's definitions, such as whether a
    table has rows), kept for this data version like the rows."""
    key = (programme.id, "value:" + name)
    found = _ROWS.get(key)
    if found is not None and found[0] == programme.data_version:
        return found[1]
    result = make()
    _ROWS[key] = (programme.data_version, result)
    return result


def get(programme, relation, **match):
    """A copy of the one row of `relation` whose fields equal `match`, or None. A copy,
    because views set attributes on what they get (e.g. `milestone.programme`)."""
    for row in rows(programme, relation):
        if all(getattr(row, name) == value for name, value in match.items()):
            row = copy.copy(row)  # Django copies the instance's state and relation cache
            row.programme = programme  # this request's, not the one that filled the memo
            return row
    return None


def forget():
    """For tests that change these rows without history.Recorder (no new version)."""
    _ROWS.clear()
