"""Plain forms: each clean_* both validates and converts."""

from django import forms
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _

from raak.lib.fields import DayField, PeriodField
from raak.lib.periods import ACCEPTED_FORMS
from raak.programmes import evidence, round_forms, wording
from raak.programmes import status as status_service
from raak.programmes.models import MilestoneStatus


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.STATUSES)
    expected = PeriodField(
        label=_("Verwachte periode"),
        required=False,
        help_text=_("Bijvoorbeeld: ") + "; ".join(ACCEPTED_FORMS[:6]),
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    document = forms.FileField(label=_("Bewijsstuk (PDF, DOCX of ODT)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the statuses this milestone uses, in the programme's words.
        self.labels = wording.status_labels(milestone.programme)
        self.fields["status"].choices = [(k, self.labels[k]) for k in milestone.status_keys]

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        try:
            kind, content_type, data, sha = evidence.check(upload)
        except evidence.EvidenceError as e:
            raise forms.ValidationError(str(e)) from None
        return {
            "name": upload.name[:200],
            "content_type": content_type,
            "data": data,
            "sha256": sha,
        }

    def clean(self):
        data = super().clean()
        status, period = data.get("status"), data.get("expected")
        if status == MilestoneStatus.EXPECTED and period is None and "expected" not in self.errors:
            self.add_error(
                "expected",
                _("Bij de status ‘%(s)s’ hoort een verwachte periode.")
                % {"s": self.labels[status]},
            )
        if period is not None and status not in MilestoneStatus.WITH_PERIOD:
            with_period = [
                k for k, _l in self.fields["status"].choices if k in MilestoneStatus.WITH_PERIOD
            ]
            self.add_error(
                "expected",
                _("Een verwachte periode hoort alleen bij %(s)s; maak het veld leeg.")
                % {"s": " / ".join(f"‘{self.labels[k]}’" for k in with_period)},
            )
        return data


class IndicatorForm(forms.Form):
    category = forms.ChoiceField(label=_("Antwoord"))
    date = DayField(
        label=_("Datum (indien van toepassing)"),
        required=False,
        help_text=_("dd-mm-jjjj"),
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.key: c for c in categories}
        self.fields["category"].choices = [(c.key, wording.local(c, "label")) for c in categories]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if data.get("date") and category and not category.takes_date:
            self.add_error("date", _("Bij dit antwoord hoort geen datum; maak het veld leeg."))
        return data


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200)
    name_en = forms.CharField(
        label=_("Naam in het Engels (optioneel)"), max_length=200, required=False
    )
    slug = forms.CharField(
        label=_("Korte naam in de URL"), max_length=50, validators=[validate_slug],
        help_text=_("Kleine letters, cijfers en streepjes, bijvoorbeeld 2011-voorjaar."),
    )  # fmt: skip
    peildatum = DayField(label=_("Peildatum"), help_text=_("dd-mm-jjjj"))
    opens_on = DayField(label=_("Open vanaf"), help_text=_("dd-mm-jjjj"))
    closes_on = DayField(
        label=_("Uiterste inleverdatum"),
        help_text=_("dd-mm-jjjj; regio's dienen uiterlijk op deze dag in"),
    )  # fmt: skip
    source = forms.CharField(
        label=_("Bron (optioneel)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Waar de cijfers van deze ronde vandaan komen; staat op de pagina's van de ronde."),
    )  # fmt: skip

    asked = forms.MultipleChoiceField(
        label=_("Vragenlijsten die de ronde vraagt"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aangevinkt: wat de vorige ronde vroeg. Te wijzigen zolang de ronde open is."),
    )  # fmt: skip

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        latest = programme.rounds.order_by("-peildatum").first()
        self.fields["asked"].choices = round_forms.offered(programme)
        self.fields["asked"].initial = status_service.default_forms(programme, latest)
        if not self.fields["asked"].choices:
            del self.fields["asked"]

    def clean_peildatum(self):
        day = self.cleaned_data["peildatum"]
        latest = self.programme.rounds.order_by("-peildatum").first()
        if latest and day <= latest.peildatum:
            raise forms.ValidationError(
                _("De peildatum moet na die van de laatste ronde (%(d)s) liggen.")
                % {"d": latest.peildatum.strftime("%d-%m-%Y")}
            )
        return day

    def clean(self):
        d = super().clean()
        if d.get("opens_on") and d.get("closes_on") and d["closes_on"] < d["opens_on"]:
            self.add_error("closes_on", _("De uiterste inleverdatum ligt voor de openingsdatum."))
        return d

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if self.programme.rounds.filter(slug=slug).exists():
            raise forms.ValidationError(_("Er is al een ronde met deze korte naam."))
        return slug


class RoundDatesForm(forms.Form):
    """Extend (or move) the deadline of an open round."""

    closes_on = DayField(
        label=_("Nieuwe uiterste inleverdatum"),
        help_text=_("dd-mm-jjjj"),
    )  # fmt: skip

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round

    def clean_closes_on(self):
        day = self.cleaned_data["closes_on"]
        if self.round.opens_on and day < self.round.opens_on:
            raise forms.ValidationError(
                _("De uiterste inleverdatum ligt voor de openingsdatum (%(d)s).")
                % {"d": self.round.opens_on.strftime("%d-%m-%Y")}
            )
        return day


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van intrekken"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wordt vastgelegd in de wijzigingsgeschiedenis."),
    )  # fmt: skip

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Geef een reden."))
        return reason


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van heropenen"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wordt vastgelegd in de wijzigingsgeschiedenis."),
    )  # fmt: skip
    closes_on = DayField(
        label=_("Nieuwe uiterste inleverdatum (optioneel)"), required=False,
        help_text=_("dd-mm-jjjj"),
    )  # fmt: skip

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Geef een reden."))
        return reason

    def clean_closes_on(self):
        day = self.cleaned_data["closes_on"]
        if day and self.round.opens_on and day < self.round.opens_on:
            raise forms.ValidationError(
                _("De uiterste inleverdatum ligt voor de openingsdatum (%(d)s).")
                % {"d": self.round.opens_on.strftime("%d-%m-%Y")}
            )
        return day
