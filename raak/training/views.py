"""Training: reach per sector and region, offers and their assessment."""

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raak.accounts.access import programme_for, region_for_writing
from raak.lib.fields import PeriodField
from raak.programmes.history import Recorder
from raak.training.models import Offer, Reach


def overview(request, slug):
    programme, access = programme_for(request, slug)
    reach = list(Reach.objects.filter(programme=programme).select_related("region", "offer"))
    by_sector, by_region = defaultdict(int), defaultdict(int)
    for r in reach:
        by_sector[r.sector] += r.professionals
        by_region[r.region] += r.professionals
    offers = Offer.objects.filter(programme=programme).prefetch_related(
        "regions", "assessments__criterion"
    )
    writable = (
        [r for r in programme.regions.all() if access.can_write(r)] if access.is_member else []
    )
    return render(
        request,
        "training/overview.html",
        {"programme": programme, "access": access, "reach": reach,
         "by_sector": sorted(by_sector.items()), "by_region": sorted(by_region.items(), key=lambda x: x[0].name),
         "total": sum(by_sector.values()), "offers": offers,
         "criteria": programme.training_criteria.all(), "writable": writable},
    )  # fmt: skip


class ReachForm(forms.Form):
    sector = forms.CharField(label=gettext_lazy("Sector"), max_length=200)
    professionals = forms.IntegerField(
        label=gettext_lazy("Aantal geschoolde professionals"), min_value=0, max_value=1_000_000
    )
    qualifier = forms.ChoiceField(label=gettext_lazy("Nauwkeurigheid"), choices=[
        (Reach.EXACT, gettext_lazy("precies")), (Reach.ABOUT, gettext_lazy("ongeveer")), (Reach.MORE_THAN, gettext_lazy("ruim"))])  # fmt: skip
    period = PeriodField(
        label=gettext_lazy("Periode"),
        required=False,
        help_text=gettext_lazy("Bijvoorbeeld: november 2010"),
    )
    description = forms.CharField(
        label=gettext_lazy("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


@login_required
def add_reach(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region, _can_write = region_for_writing(request, programme, region_slug)
    form = ReachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        period = d["period"]
        reach = Reach.objects.create(
            programme=programme, region=region, sector=d["sector"], professionals=d["professionals"],
            qualifier=d["qualifier"], description=d["description"],
            period_text=period.text if period else "", period_earliest=period.earliest if period else None,
            period_latest=period.latest if period else None, source=_("ingevoerd door %(u)s") % {"u": request.user.get_username()},
        )  # fmt: skip
        recorder = Recorder(request.user, programme=programme)
        recorder.record(subject="scholing: bereik", field="toegevoegd", region=region,
                        new=f"{reach.professionals} {reach.sector} {reach.period_text}".strip())  # fmt: skip
        recorder.flush()
        messages.success(request, _("Bereik opgeslagen."))
        return redirect("training", programme.slug)
    return render(
        request,
        "training/add_reach.html",
        {"programme": programme, "access": access, "region": region, "form": form},
    )
