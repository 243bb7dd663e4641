from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from raak.api.models import AccessToken
from raak.lib.fields import DayField


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"), max_length=100,
        help_text=_("Waarvoor u het token gebruikt, bijvoorbeeld ‘dashboard gemeente’."),
    )  # fmt: skip
    scope = forms.ChoiceField(
        label=_("Rechten"), choices=AccessToken.SCOPES, initial=AccessToken.READ,
        widget=forms.RadioSelect,
    )  # fmt: skip
    expires_on = DayField(
        label=_("Geldig tot en met (leeg: geen einddatum)"), required=False,
        help_text=_("dd-mm-jjjj"),
    )  # fmt: skip

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Geef het token een naam."))
        return name

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in het verleden."))
        return day
