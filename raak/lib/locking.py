"""Optimistic locking: the one mechanism of every editor.

An editor's form carries the version of the row it was made from (0: there was no row
yet). Its save, in one transaction, locks the stored row, compares versions and refuses
with `Conflict(stored row)` when someone else saved in between; the editor then shows
its conflict page with the person's input kept (`rebase`). Creating a row has nothing to
lock yet, so a save that may create locks the parent row first (`lock_row`), and two
first saves run one after another instead of both inserting.

Used by programmes.status.save_or_conflict (the status, indicator, rule, knowledge and
protocol editors and the history's reverts), report texts, route maps and questionnaire
responses and drafts. Imports only Django: every app may use it.
"""


class Conflict(Exception):
    """The stored row moved on since the form was made. `current` is the row as stored
    now, None when it is gone."""

    def __init__(self, current=None):
        self.current = current
        super().__init__("changed by someone else")


def version_of(row, field="version"):
    """The version an editor starting from `row` carries: 0 when there is no row."""
    return getattr(row, field) if row is not None else 0


def check(row, expected, *, field="version", must_exist=False):
    """Raise Conflict(row) unless `row`'s version is `expected` (0: no row expected);
    `must_exist`: a missing row is a conflict too (it was deleted). Returns `row`."""
    if (row is None and must_exist) or version_of(row, field) != expected:
        raise Conflict(row)
    return row


def lock(queryset, expected, *, field="version", must_exist=False):
    """The row `queryset` names, locked for the rest of the transaction (None when there
    is none), after `check`. Call inside transaction.atomic() (Django refuses
    select_for_update outside one)."""
    return check(queryset.select_for_update().first(), expected, field=field,
                 must_exist=must_exist)  # fmt: skip


def lock_row(model, pk):
    """Lock one (parent) row for the rest of the transaction, so that saves under it,
    creates included, run one after another (PostgreSQL; SQLite's transactions already
    start with the write lock, transaction_mode IMMEDIATE)."""
    model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).first()


def bump(row, field="version"):
    """One version up: every form made from the old version now conflicts."""
    setattr(row, field, getattr(row, field) + 1)


def rebase(form, current, field="version"):
    """After a Conflict on an edit page: keep the person's input but move it onto the
    stored version, so a second deliberate save replaces the other change instead of
    conflicting again (0: the row is gone)."""
    data = form.data.copy()
    data[field] = version_of(current, field)
    form.data = data
