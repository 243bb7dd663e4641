"""Forms of the reporting cycle: each clean_* validates and converts."""

import re
from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from raak.cycle import reminders
from raak.cycle.models import AdvisorNote, ReminderPlan


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Toelichting voor de regio"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij terugsturen: wat moet de regio aanpassen?"),
    )  # fmt: skip
    reopen = forms.MultipleChoiceField(
        label=_("Heropen bij terugsturen deze ingediende vragenlijsten"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De regio kan ze dan weer wijzigen; standaard alle."),
    )  # fmt: skip

    def __init__(self, *args, submitted_forms=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The region's submitted questionnaires of the round, as (key, name).
        self.fields["reopen"].choices = list(submitted_forms)
        self.fields["reopen"].initial = [key for key, _name in submitted_forms]


class ReminderPlanForm(forms.ModelForm):
    days_before = forms.CharField(
        label=_("Dagen voor de deadline"), required=False, max_length=100,
        help_text=_("Eén of meer getallen, gescheiden door komma's, bijvoorbeeld 7, 3"),
    )  # fmt: skip

    class Meta:
        model = ReminderPlan
        fields = ["days_before", "on_deadline", "every_days_after", "max_after", "subject", "body"]
        labels = {
            "on_deadline": _("Op de deadline zelf"),
            "every_days_after": _("Na de deadline elke … dagen"),
            "max_after": _("Na de deadline hoogstens … keer"),
            "subject": _("Onderwerp"),
            "body": _("Bericht"),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["days_before"] = ", ".join(str(d) for d in self.instance.days_before or [])
        names = ", ".join("{" + k + "}" for k in reminders.PLACEHOLDERS)
        self.fields["body"].help_text = _("Te gebruiken: %(names)s") % {"names": names}
        self.fields["every_days_after"].required = False
        # The model's range is the database's; a sane one keeps date sums in range.
        field = self.fields["every_days_after"]
        field.validators = [MinValueValidator(1), MaxValueValidator(365)]
        field.widget.attrs.update(min=1, max=365)

    def clean_days_before(self):
        raw = self.cleaned_data["days_before"].strip()
        if not raw:
            return []
        parts = [p.strip() for p in re.split(r"[,;\s]+", raw) if p.strip()]
        days = []
        for p in parts:
            if not p.isdigit() or not 1 <= int(p) <= 365:
                raise forms.ValidationError(
                    _("“%(p)s” is geen aantal dagen tussen 1 en 365.") % {"p": p}
                )
            days.append(int(p))
        return sorted(set(days), reverse=True)

    def clean_max_after(self):
        n = self.cleaned_data["max_after"]
        if n is not None and n > 20:
            raise forms.ValidationError(_("Hoogstens 20 herinneringen na de deadline."))
        return n

    def _check_placeholders(self, name):
        text = self.cleaned_data[name]
        unknown = reminders.unknown_placeholders(text)
        if unknown:
            raise forms.ValidationError(
                _("Onbekende plaatshouder(s): %(names)s.")
                % {"names": ", ".join("{" + u + "}" for u in unknown)}
            )
        return text

    def clean_subject(self):
        return self._check_placeholders("subject")

    def clean_body(self):
        return self._check_placeholders("body")


class AdvisorNoteForm(forms.ModelForm):
    month = forms.CharField(
        label=_("Maand"), max_length=7, help_text=_("mm-jjjj, bijvoorbeeld 03-2011")
    )

    class Meta:
        model = AdvisorNote
        fields = ["month", "progress", "obstacles", "next_steps"]
        labels = {
            "progress": _("Voortgang"),
            "obstacles": _("Knelpunten"),
            "next_steps": _("Afgesproken vervolgstappen"),
        }
        widgets = {
            n: forms.Textarea(attrs={"rows": 4}) for n in ("progress", "obstacles", "next_steps")
        }

    def clean_month(self):
        raw = self.cleaned_data["month"].strip()
        m = re.fullmatch(r"(\d{1,2})[-/](\d{4})", raw) or re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
        if not m:
            raise forms.ValidationError(_("Schrijf de maand als mm-jjjj, bijvoorbeeld 03-2011."))
        a, b = m.groups()
        month, year = (int(a), int(b)) if len(b) == 4 else (int(b), int(a))
        if not 1 <= month <= 12 or not 1990 <= year <= 2100:
            raise forms.ValidationError(_("Schrijf de maand als mm-jjjj, bijvoorbeeld 03-2011."))
        return date(year, month, 1)

    def clean(self):
        d = super().clean()
        for name in ("progress", "obstacles", "next_steps"):
            if name in d and len(d[name]) > 10000:
                self.add_error(name, _("Hoogstens 10.000 tekens."))
        if not any(d.get(n, "").strip() for n in ("progress", "obstacles", "next_steps")):
            raise forms.ValidationError(
                _("Schrijf iets bij voortgang, knelpunten of vervolgstappen.")
            )
        return d
