"""Forms for activities and action points; clean_* both validate and convert."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from raak.knowledge.models import ActionPoint, Activity
from raak.lib.fields import PeriodField
from raak.lib.periods import ACCEPTED_FORMS

OBSTACLE_TAGS = [
    ("budget", _("budget")), ("capaciteit", _("capaciteit")), ("tijd", _("tijd")),
    ("draagvlak", _("draagvlak")), ("wetgeving", _("wetgeving")), ("samenwerking", _("samenwerking")),
]  # fmt: skip
URL = re.compile(r"^(https?://)?[\w-]+(\.[\w-]+)+(/\S*)?$")


def _labels(text):
    return [v.strip() for v in text.split(";") if v.strip()]


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Beschrijving"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    theme = forms.ChoiceField(label=_("Thema"))
    regions = forms.MultipleChoiceField(label=_("Regio’s"), widget=forms.CheckboxSelectMultiple)
    target_sectors = forms.CharField(label=_("Sectoren"), required=False, max_length=500,
                                     help_text=_("Gescheiden door puntkomma’s, bijv. kinderopvang; primair onderwijs"))  # fmt: skip
    partners = forms.CharField(label=_("Partners"), required=False, max_length=500,
                               help_text=_("Gescheiden door puntkomma’s"))  # fmt: skip
    links = forms.CharField(label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=2000, help_text=_("Eén adres per regel"))  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=Activity.STATUSES)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, themes, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {t.key: t for t in themes}
        # Sub-themes under their rubric (optgroups), as in the catalogue's filter.
        groups = {}
        for t in themes:
            if t.parent:
                groups.setdefault(t.parent.name, []).append((t.key, t.name))
        self.fields["theme"].choices = list(groups.items())
        self.regions = {r.slug: r for r in regions}
        self.fields["regions"].choices = [(r.slug, r.name) for r in regions]

    def clean_theme(self):
        return self.themes[self.cleaned_data["theme"]]

    def clean_regions(self):
        return [self.regions[s] for s in self.cleaned_data["regions"]]

    def clean_target_sectors(self):
        return _labels(self.cleaned_data["target_sectors"])

    def clean_partners(self):
        return _labels(self.cleaned_data["partners"])

    def clean_links(self):
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        bad = [link for link in links if not URL.match(link)]
        if bad:
            raise forms.ValidationError(_("Geen webadres: %(bad)s") % {"bad": ", ".join(bad)})
        return links


class ActionPointForm(forms.Form):
    text = forms.CharField(
        label=_("Actiepunt"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    year = forms.IntegerField(label=_("Jaar"), min_value=2000, max_value=2100)
    planned_start = PeriodField(label=_("Geplande start"), required=False,
                                    help_text=_("Bijvoorbeeld: ") + "; ".join(ACCEPTED_FORMS[:5]))  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=ActionPoint.STATUSES)
    obstacles = forms.CharField(
        label=_("Belemmeringen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    tags = forms.MultipleChoiceField(label=_("Soort belemmering"), required=False, choices=OBSTACLE_TAGS,
                                     widget=forms.CheckboxSelectMultiple)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
