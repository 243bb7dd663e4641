"""The network of aandachtsfunctionarissen. Coverage is public; officers' names and
contact details only for the region's members and the national office."""

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raak.accounts.access import programme_for, region_for_writing
from raak.accounts.security import log_event
from raak.lib import locking
from raak.lib.fields import DayField
from raak.network.models import Institution, Meeting, Officer
from raak.programmes import wording
from raak.programmes.history import Recorder
from raak.programmes.models import Region
from raak.programmes.summary import percent


def coverage(request, slug):
    programme, access = programme_for(request, slug)
    counts = defaultdict(lambda: [0, 0])
    for region_id, sector, appointed in Institution.objects.filter(
        region__programme=programme
    ).values_list("region_id", "sector", "officer_appointed"):
        counts[region_id, sector][0] += 1
        counts[region_id, sector][1] += int(appointed)
    regions = {r.id: r for r in programme.regions.all()}
    rows = [
        {
            "region": regions[rid],
            "sector": sector,
            "institutions": n,
            "appointed": a,
            "percent": percent(a, n),
        }
        for (rid, sector), (n, a) in sorted(
            counts.items(), key=lambda x: (regions[x[0][0]].name, x[0][1])
        )
    ]
    return render(request, "network/coverage.html", {"programme": programme, "access": access, "rows": rows,
                                                     "regions": regions.values()})  # fmt: skip


def region_network(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    insider = access.can_read_unpublished(region)
    if insider:  # the page shows officers' names
        log_event(
            "personal-data-read", request, programme=programme, what="officers", region=region.slug
        )
    institutions = (
        region.institutions.prefetch_related("officers") if insider else region.institutions.all()
    )
    return render(
        request,
        "network/region.html",
        {"programme": programme, "access": access, "region": region, "institutions": institutions,
         "meetings": region.network_meetings.all(), "insider": insider, "can_write": access.can_write(region)},
    )  # fmt: skip


class InstitutionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Instelling"), max_length=200)
    sector = forms.CharField(label=gettext_lazy("Sector"), max_length=100)
    officer_appointed = forms.BooleanField(
        label=gettext_lazy("Aandachtsfunctionaris aangesteld"), required=False
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        term = wording.sections(region.programme)["network"].term
        self.fields["officer_appointed"].label = capfirst(_("%(term)s aangesteld") % {"term": term})

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.region.institutions.filter(name=name).exists():
            raise forms.ValidationError(_("Deze instelling staat er al."))
        return name


class OfficerForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Instelling"), queryset=Institution.objects.none()
    )
    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.RegexField(
        label=gettext_lazy("Telefoon"), required=False, regex=r"^[0-9 +()-]{6,30}$"
    )
    consent_on = DayField(label=gettext_lazy("Toestemming gegeven op"),
                          help_text=gettext_lazy("dd-mm-jjjj. Zonder toestemming slaat RAAK geen naam op."))  # fmt: skip

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = region.institutions.all()


class MeetingForm(forms.Form):
    date = DayField(
        label=gettext_lazy("Datum"),
        help_text=gettext_lazy("dd-mm-jjjj"),
    )
    attendance = forms.IntegerField(
        label=gettext_lazy("Opkomst (aantal)"), min_value=0, max_value=10000
    )
    note = forms.CharField(
        label=gettext_lazy("Toelichting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


FORMS = {"instelling": InstitutionForm, "functionaris": OfficerForm, "bijeenkomst": MeetingForm}


@login_required
def add(request, slug, region_slug, what):
    programme, access = programme_for(request, slug)
    region, _can_write = region_for_writing(request, programme, region_slug)
    if what not in FORMS:
        raise Http404
    form = (
        FORMS[what](request.POST or None, region=region)
        if what != "bijeenkomst"
        else MeetingForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        recorder = Recorder(request.user, programme=programme)
        if what == "instelling":
            with transaction.atomic():
                # Lock the region so two people adding the same institution at once
                # get one row and a message, not an IntegrityError.
                locking.lock_row(Region, region.pk)
                if region.institutions.filter(name=d["name"]).exists():
                    form.add_error("name", _("Deze instelling staat er al."))
                else:
                    Institution.objects.create(region=region, **d)
                    recorder.record(subject="netwerk: instelling", field="toegevoegd",
                                    new=d["name"], region=region)  # fmt: skip

        elif what == "functionaris":
            Officer.objects.create(**d)
            # The record names the institution, not the person: the log is shown more widely.
            recorder.record(subject="netwerk: aandachtsfunctionaris", field="toegevoegd",
                            new=d["institution"].name, region=region)  # fmt: skip
            if not d["institution"].officer_appointed:
                recorder.update(
                    d["institution"],
                    {"officer_appointed": True},
                    subject="netwerk: instelling",
                    region=region,
                )
        else:
            Meeting.objects.create(region=region, **d)
            recorder.record(
                subject="netwerk: bijeenkomst",
                field="toegevoegd",
                new=f"{d['date']:%d-%m-%Y}",
                region=region,
            )
        if not form.errors:  # a duplicate found under the lock is shown on the form
            recorder.flush()
            messages.success(request, _("Opgeslagen."))
            return redirect("network-region", programme.slug, region.slug)
    return render(request, "network/add.html",
                  {"programme": programme, "access": access, "region": region, "form": form, "what": what})  # fmt: skip
