"""Every day a user types is a lib.fields.DayField: dd-mm-jjjj or ISO, within
FIRST_DAY..LAST_DAY (far dates once overflowed `raak remind` and the filters)."""

import pytest

from raak.picture.forms import ReopenForm


@pytest.mark.django_db
def test_a_reopened_rounds_new_deadline_is_a_day_within_range(demo):
    rnd = demo.rounds.first()
    far = ReopenForm({"reason": "meer tijd", "closes_on": "31-12-9999"}, round=rnd)
    assert not far.is_valid() and "closes_on" in far.errors
    for typed in ("01-09-2011", "2011-09-01"):
        form = ReopenForm({"reason": "meer tijd", "closes_on": typed}, round=rnd)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["closes_on"].isoformat() == "2011-09-01"
    assert ReopenForm({"reason": "meer tijd", "closes_on": ""}, round=rnd).is_valid()
