from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raak.lib import validation
from raak.lib.fields import DayField

DATE_FORMATS = ["%d-%m-%Y", "%Y-%m-%d"]


def _checked(clean, value):
    try:
        return clean(value)
    except ValueError as e:
        raise forms.ValidationError(str(e)) from None


class ContactForm(forms.Form):
    organisation = forms.CharField(
        label=gettext_lazy("Organisatie of contactpunt"), max_length=200,
        error_messages={"required": gettext_lazy("Vul de naam van de organisatie of het contactpunt in.")},
    )  # fmt: skip
    role = forms.CharField(label=gettext_lazy("Wat zij doen bij deze stap"), max_length=200, required=False,
                           help_text=gettext_lazy("Bijvoorbeeld: advies en melden, zorgcoördinatie."))  # fmt: skip
    phone = forms.CharField(label=gettext_lazy("Telefoon"), max_length=40, required=False,
                            help_text=gettext_lazy("Bijvoorbeeld 0800 2000, 020 123 4567 of +31 20 123 4567."))  # fmt: skip
    email = forms.CharField(label=gettext_lazy("E-mail"), max_length=254, required=False)
    website = forms.CharField(label=gettext_lazy("Website"), max_length=300, required=False,
                              help_text=gettext_lazy("Begint met https:// of http://."))  # fmt: skip
    opening_hours = forms.CharField(label=gettext_lazy("Bereikbaar"), max_length=200, required=False,
                                    help_text=gettext_lazy("Bijvoorbeeld: werkdagen 9–17 uur; 24 uur per dag."))  # fmt: skip
    person_name = forms.CharField(label=gettext_lazy("Naam contactpersoon (alleen met toestemming)"),
                                  max_length=200, required=False)  # fmt: skip
    consent_on = DayField(
        label=gettext_lazy("Toestemming gegeven op"), input_formats=DATE_FORMATS, required=False,
        help_text=gettext_lazy("dd-mm-jjjj: de dag waarop de persoon instemde met vermelding op de "
                               "openbare routekaart. Zonder die datum slaat RAAK geen naam op."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_organisation(self):
        value = self.cleaned_data["organisation"].strip()
        if not value:
            raise forms.ValidationError(_("Vul de naam van de organisatie of het contactpunt in."))
        return value

    def clean_phone(self):
        return _checked(validation.clean_phone, self.cleaned_data["phone"])

    def clean_email(self):
        return _checked(validation.clean_email, self.cleaned_data["email"])

    def clean_website(self):
        return _checked(validation.clean_website, self.cleaned_data["website"])

    def clean(self):
        d = super().clean()
        for k in ("role", "opening_hours", "person_name"):
            if k in d:
                d[k] = d[k].strip()
        if d.get("person_name") and not d.get("consent_on") and "consent_on" not in self.errors:
            self.add_error("consent_on", _("Een naam alleen met de datum waarop de persoon "
                                           "toestemming gaf; laat de naam anders leeg."))  # fmt: skip
        if not d.get("person_name"):
            d["consent_on"] = None
        if not any(d.get(k) for k in ("phone", "email", "website")) and not self.errors:
            raise forms.ValidationError(_("Geef ten minste een telefoonnummer, e-mailadres of website, "
                                          "zodat een professional hen kan bereiken."))  # fmt: skip
        return d


class RouteForm(forms.Form):
    sectors = forms.CharField(
        label=gettext_lazy("Sectoren waarvoor deze routekaart geldt"), max_length=1000, required=False,
        help_text=gettext_lazy("Gescheiden door puntkomma's, bijvoorbeeld: onderwijs; kinderopvang; "
                               "jeugdgezondheidszorg; huisartsen."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_sectors(self):
        sectors = []
        for s in self.cleaned_data["sectors"].split(";"):
            s = " ".join(s.split())
            if s and s not in sectors:
                if len(s) > 100:
                    raise forms.ValidationError(_("Een sector mag hoogstens 100 tekens lang zijn."))
                sectors.append(s)
        return sectors


class ProtocolForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Protocoldocument van de regio"),
        help_text=gettext_lazy("PDF, DOCX of ODT; gecontroleerd op inhoud."),
    )


class PublishForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
