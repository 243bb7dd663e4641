"""The programme-wide change history for the national office: every recorded change in
people's words (raak.programmes.changes), filtered by region, round, kind of record,
person and period, paged, as CSV/XLSX; and the revert of one change with a reason."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raak.accounts.access import national_only, programme_for
from raak.accounts.security import log_event
from raak.lib import spreadsheets
from raak.programmes import changes, wording
from raak.programmes.models import ChangeRecord
from raak.programmes.status import Conflict, RegionFrozen, RoundClosed

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows in one CSV/XLSX; the filters narrow a larger history


class HistoryFilter(forms.Form):
    regio = forms.ChoiceField(label=gettext_lazy("Regio"), required=False)
    ronde = forms.ChoiceField(label=gettext_lazy("Ronde"), required=False)
    soort = forms.ChoiceField(label=gettext_lazy("Soort wijziging"), required=False)
    persoon = forms.ChoiceField(label=gettext_lazy("Wie"), required=False)
    van = forms.DateField(label=gettext_lazy("Van"), required=False,
                          input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    tot = forms.DateField(label=gettext_lazy("Tot en met"), required=False,
                          input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("alle"))]
        self.fields["regio"].choices = everyone + [
            (r.slug, r.name) for r in programme.regions.order_by("name")
        ]
        self.fields["ronde"].choices = everyone + [
            (r.slug, wording.local(r)) for r in programme.rounds.order_by("-peildatum")
        ]
        self.fields["soort"].choices = everyone + [(k, str(v)) for k, v in changes.KINDS]
        people = get_user_model().objects.filter(roles__programme=programme).distinct()
        self.fields["persoon"].choices = everyone + [
            (str(u.pk), u.get_username()) for u in people.order_by("username")
        ]

    def clean(self):
        d = super().clean()
        if d.get("van") and d.get("tot") and d["tot"] < d["van"]:
            self.add_error("tot", _("“Tot en met” ligt voor “van”."))
        return d

    def apply(self, rows):
        d = self.cleaned_data
        if d.get("regio"):
            rows = rows.filter(region__slug=d["regio"])
        if d.get("ronde"):
            rows = rows.filter(round__slug=d["ronde"])
        if d.get("soort"):
            rows = rows.filter(kind="" if d["soort"] == "other" else d["soort"])
        if d.get("persoon"):
            rows = rows.filter(user_id=int(d["persoon"]))
        if d.get("van"):
            rows = rows.filter(at__date__gte=d["van"])
        if d.get("tot"):
            rows = rows.filter(at__date__lte=d["tot"])
        return rows


def _records(programme):
    return ChangeRecord.objects.filter(programme=programme).select_related(
        "round", "region", "reverts"
    )


@login_required
def history(request, slug, fmt="html"):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    form = HistoryFilter(request.GET or None, programme=programme)
    rows = _records(programme)
    if form.is_bound and form.is_valid():
        rows = form.apply(rows)
    elif form.is_bound:
        rows = rows.none()
    query = request.GET.copy()
    query.pop("pagina", None)
    if fmt != "html":
        log_event("export", request, programme=programme, what="history", format=fmt)
        return _export(programme, rows[:EXPORT_LIMIT], fmt)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    changes.describe(page.object_list, programme)
    return render(request, "picture/history.html", {
        "programme": programme, "access": access, "form": form, "page": page,
        "query": query.urlencode(),
    })  # fmt: skip


COLUMNS = ["wanneer", "wie", "ronde", "regio", "soort", "wat", "veld", "oud", "nieuw", "reden"]


def _export(programme, rows, fmt):
    rows = changes.describe(rows, programme)
    table = [
        [timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.actor,
         wording.local(r.round) if r.round else "", r.region.name if r.region else "",
         str(r.kind_label), r.what, str(r.field_label), r.old_text, r.new_text, r.reason]
        for r in rows
    ]  # fmt: skip
    name = f"wijzigingen-{programme.slug}"
    return spreadsheets.download(name, COLUMNS, table, fmt, sheet="wijzigingen")


class RevertForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reden"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Waarom gaat deze wijziging terug? De reden komt in de geschiedenis."),
    )  # fmt: skip


@login_required
def revert(request, slug, change_id):
    """Confirm (GET) and revert (POST) one change, with a reason."""
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    record = get_object_or_404(_records(programme), pk=change_id)
    changes.describe([record], programme)
    if not record.revertible:
        raise PermissionDenied(_("Deze wijziging kan niet worden teruggedraaid."))
    form = RevertForm(request.POST or None)
    context = {"programme": programme, "access": access, "record": record, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            changes.revert(record, user=request.user, reason=form.cleaned_data["reason"])
        except Conflict:
            # The usual conflict page: what the record says now is no longer stored.
            newer = _records(programme).filter(
                kind=record.kind, object_id=record.object_id, round=record.round,
                region=record.region, field=record.field, id__gt=record.id,
            ).order_by("id")  # fmt: skip
            context["newer"] = changes.describe(newer[:20], programme)
            return render(request, "picture/revert_conflict.html", context, status=409)
        except RegionFrozen:
            form.add_error(None, _("De rapportage van deze regio is ingediend; de gegevens "
                                   "liggen vast. Stuur haar eerst terug."))  # fmt: skip
        except RoundClosed:
            form.add_error(
                None, _("Deze ronde is gesloten of gepubliceerd; de gegevens liggen vast.")
            )
        except changes.NotRevertible as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Teruggedraaid: %(w)s · %(f)s weer “%(v)s”.") % {
                "w": record.what, "f": record.field_label, "v": record.old_text or "–"})  # fmt: skip
            return redirect("history", programme.slug)
    return render(request, "picture/revert.html", context)
