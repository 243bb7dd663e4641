"""Form fields shared by the apps."""

from django import forms

from raak.programmes.periods import PeriodError, parse_period


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
