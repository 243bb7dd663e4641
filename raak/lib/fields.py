"""Form fields shared by the apps."""

from django import forms
from django.utils.translation import gettext as _

from raak.lib.cleaning import FIRST_DAY, LAST_DAY
from raak.lib.periods import PeriodError, parse_period


class PeriodField(forms.CharField):
    """A fuzzy period ("Voorjaar 2011"); cleans to a Period or None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        try:
            return parse_period(text)
        except PeriodError as e:
            raise forms.ValidationError(str(e)) from None


# Every day a user types lies in FIRST_DAY..LAST_DAY (raak.lib.cleaning). Far
# dates once broke pages and commands (31-12-9999 as a deadline made `raak remind`
# overflow adding a day; 01-01-0001 as a filter overflowed turning it into a moment).

DAY_FORMATS = ["%d-%m-%Y", "%Y-%m-%d"]


class DayField(forms.DateField):
    """A day as dd-mm-jjjj (or ISO), between FIRST_DAY and LAST_DAY."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DAY_FORMATS)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError(
                _("Kies een datum tussen %(first)s en %(last)s.")
                % {"first": FIRST_DAY.strftime("%d-%m-%Y"), "last": LAST_DAY.strftime("%d-%m-%Y")},
                code="out_of_range",
            )
