"""A round's life as the national office runs it, where it meets the submissions:
closing after a look at who has not been accepted, reopening with a reason,
publishing after a look at what becomes public per submission state, and the
questionnaires an open round asks. Every state change goes through
`programmes.status.change_round_state`, the one service function (and its lock)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raak.accounts.access import national_only, programme_for
from raak.cycle import submissions
from raak.cycle.models import Submission
from raak.programmes import publishing, round_forms, round_notes
from raak.programmes import status as status_service
from raak.programmes.models import Round

# The states of a report that is not (yet) accepted, in the order the office acts on them.
NOT_ACCEPTED = [Submission.SUBMITTED, Submission.RETURNED, Submission.IN_PROGRESS,
                Submission.NOT_STARTED]  # fmt: skip
ALL_STATES = [Submission.ACCEPTED, *NOT_ACCEPTED]


def _national_round(request, slug, round_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    return programme, access, get_object_or_404(Round, programme=programme, slug=round_slug)


@login_required
def close(request, slug, round_slug):
    """The confirmation page: the regions whose report is not accepted, per state, with
    a link to remind them first; POST with `confirm` closes the round."""
    programme, access, rnd = _national_round(request, slug, round_slug)
    if not rnd.is_open:
        messages.error(request, _("Alleen een open ronde kan worden gesloten."))
        return redirect("rounds", programme.slug)
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            raise PermissionDenied(_("Bevestig het sluiten op de bevestigingspagina."))
        try:
            status_service.change_round_state(rnd, Round.CLOSED, user=request.user)
        except status_service.NotAllowed:
            messages.error(request, _("Deze ronde is intussen al gesloten."))
        else:
            messages.success(request, _("Ronde “%(n)s” is gesloten.") % {"n": rnd.name})
        return redirect("rounds", programme.slug)
    ov = submissions.overview(rnd, details=False)
    return render(request, "cycle/round_close.html", {
        "programme": programme, "access": access, "round": rnd, "ov": ov,
        "groups": ov.by_state(NOT_ACCEPTED),
    })  # fmt: skip


def publication_states(rnd):
    """[(state, label, rows)] of every state with regions, and the notes the public
    will see for regions that did not submit ({region id: NotSubmitted})."""
    ov = submissions.overview(rnd, details=False)
    return ov, ov.by_state(ALL_STATES), round_notes.not_submitted(rnd)


@login_required
def publish(request, slug, round_slug):
    """The confirmation page: what becomes public, per submission state and per region,
    before publishing. A round in which no region submitted needs a second tick."""
    programme, access, rnd = _national_round(request, slug, round_slug)
    if rnd.state not in (Round.CLOSED, Round.WITHDRAWN):
        messages.error(
            request, _("Alleen een gesloten of ingetrokken ronde kan worden gepubliceerd.")
        )
        return redirect("rounds", programme.slug)
    ov, groups, notes = publication_states(rnd)
    # A round that ran a reporting cycle here (carried from an earlier one, or with a
    # calendar) in which nobody submitted would publish only what was carried into it.
    empty = bool(rnd.carried_from_id or rnd.closes_on) and ov.submitted == 0
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            raise PermissionDenied(_("Bevestig de publicatie op de bevestigingspagina."))
        if empty and request.POST.get("confirm_empty") != "1":
            error = _("Geen enkele regio heeft ingediend. Vink aan dat u de ronde toch wilt "
                      "publiceren.")  # fmt: skip
        else:
            status_service.change_round_state(
                rnd, Round.PUBLISHED, user=request.user, confirmed=True
            )
            messages.success(request, _("Ronde “%(n)s” is gepubliceerd.") % {"n": rnd.name})
            return redirect("rounds", programme.slug)
    rows = [(r, notes.get(r.region.id)) for r in ov.rows if r.region.id in notes]
    return render(request, "cycle/round_publish.html", {
        "programme": programme, "round": rnd, "access": access,
        "publication": publishing.preview(rnd), "groups": groups, "ov": ov,
        "not_submitted": rows, "empty": empty, "error": error,
    })  # fmt: skip


@login_required
def questionnaires(request, slug, round_slug):
    """Which questionnaires an open round asks; the national office may change it."""
    programme, access, rnd = _national_round(request, slug, round_slug)
    offered = round_forms.offered(programme)
    asked = round_forms.asked(rnd)
    names = dict(offered)
    # A retired questionnaire the round still asks stays on the list, so it can be unticked.
    extra = [(k, k) for k in asked if k not in names]
    # The page's form says it was shown: a POST without it (a stray request) is no
    # choice of "none" and changes nothing.
    data = request.POST if "shown" in request.POST else None
    form = RoundFormsForm(data, choices=offered + extra, initial={"asked": asked})
    if request.method == "POST":
        if not rnd.is_open:
            raise PermissionDenied(_("De vragenlijsten van een gesloten ronde liggen vast."))
        if form.is_bound and form.is_valid():
            try:
                status_service.change_round_forms(
                    rnd, form.cleaned_data["asked"], user=request.user
                )
            except round_forms.Refused as e:
                form.add_error("asked", str(e))
            except status_service.RoundClosed:
                raise PermissionDenied(_("Deze ronde is zojuist gesloten.")) from None
            else:
                messages.success(request, _("Vragenlijsten van “%(n)s” opgeslagen.")
                                 % {"n": rnd.name})  # fmt: skip
                return redirect("rounds", programme.slug)
    return render(request, "cycle/round_questionnaires.html", {
        "programme": programme, "access": access, "round": rnd, "form": form,
    })  # fmt: skip


class RoundFormsForm(forms.Form):
    asked = forms.MultipleChoiceField(
        label=gettext_lazy("Vragenlijsten die deze ronde vraagt"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asked"].choices = choices
