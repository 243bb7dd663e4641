"""Changing data: a region's status and answers, and (national office) rounds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from raak.accounts.access import national_only, programme_for, region_for_writing
from raak.picture.forms import (
    IndicatorForm,
    ReopenForm,
    RoundDatesForm,
    RoundForm,
    StatusForm,
    WithdrawForm,
)
from raak.programmes import memo, round_forms, rules, wording
from raak.programmes import status as status_service
from raak.programmes.caching import cached_fragment
from raak.programmes.history import Recorder
from raak.programmes.models import (
    ChangeRecord,
    EvidenceDocument,
    IndicatorValue,
    MilestoneStatus,
    Round,
)


def _round_for_writing(programme, round_slug):
    # From the memo of this data version: the save itself locks and re-reads the round.
    rnd = memo.get(programme, "rounds", slug=round_slug)
    if rnd is None:
        raise Http404
    if not rnd.is_open:
        # Closed and published rounds are frozen; say so instead of a bare 403 page.
        raise PermissionDenied(_("Deze ronde is gesloten; de gegevens liggen vast."))
    return rnd


def _check_not_submitted(rnd, region):
    if status_service.is_region_frozen(rnd, region):
        raise PermissionDenied(
            _(
                "De rapportage van %(r)s is ingediend; de gegevens liggen vast tot het landelijk bureau haar terugstuurt."
            )
            % {"r": region.name}
        )


@login_required
def edit_status(request, slug, round_slug, region_slug, key):
    programme, access = programme_for(request, slug)
    region, _can_write = region_for_writing(request, programme, region_slug)
    rnd = _round_for_writing(programme, round_slug)
    _check_not_submitted(rnd, region)
    milestone = memo.get(programme, "milestones", key=key)
    if milestone is None:
        raise Http404
    conflict, summary = None, ""
    context = {"programme": programme, "round": rnd, "region": region, "milestone": milestone,
               "access": access}  # fmt: skip
    if request.method == "POST":
        current = MilestoneStatus.objects.filter(round=rnd, region=region, milestone=milestone)
        form = StatusForm(request.POST, request.FILES, milestone=milestone)
        if form.is_valid():
            d = form.cleaned_data

            def save():
                with transaction.atomic():
                    saved = status_service.save_milestone_status(
                        rnd, region, milestone, user=request.user,
                        expected_version=d["version"], status=d["status"],
                        period=d["expected"], note=d["note"].strip(),
                    )  # fmt: skip
                    if d["document"]:
                        _attach(saved, d["document"], request.user, rnd, region)

            saved_message = _("Opgeslagen: %(m)s voor %(r)s.") % {
                "m": wording.local(milestone),
                "r": region.name,
            }
            done, conflict, summary = _try_save(
                request, form, save, _describe_status, saved_message
            )
            if done:
                return _after_save(request, rnd, region, "milestone", key)
        context["form"] = form
        context["form_html"], context["documents_html"] = _status_form_html(
            request, context, form, current.first()
        )
    else:
        # The empty form holds only the stored status (and its version), so everyone
        # who may write here gets the same markup until the data version changes; the
        # CSRF token stays outside it, in the page.
        def draw():
            current = MilestoneStatus.objects.filter(
                round=rnd, region=region, milestone=milestone
            ).first()
            form = StatusForm(
                milestone=milestone,
                initial={
                    "status": current.status if current else MilestoneStatus.UNKNOWN,
                    "expected": current.expected_text if current else "",
                    "note": current.note if current else "",
                    "version": current.version if current else 0,
                },
            )
            return _status_form_html(request, context, form, current)

        parts = ["status-form", rnd.id, region.id, milestone.id]
        context["form_html"], context["documents_html"] = cached_fragment(
            request, programme, parts, draw
        )
    context.update(conflict=conflict, conflict_summary=summary,
                   results=_field_results(request, rnd, region, "milestone", key))  # fmt: skip
    return render(request, "picture/edit_status.html", context)


def _field_results(request, rnd, region, kind, key):
    """The programme's rule results that belong to this field (rules.py). Kept for the
    data version this request read: rules, statuses, values, answers and justifications
    all change through history.Recorder, which raises it, so a save's results show on
    the next request (and `_after_save` reads them anew, past the version it read)."""
    found = cached_fragment(request, rnd.programme, ["rule-results", rnd.id, region.id],
                            lambda: rules.for_region(rnd, region))  # fmt: skip
    return [r for r in found if r.place == (kind, key)]


def _after_save(request, rnd, region, kind, key):
    """Back to the region, or, when a rule now reports on this field, back to the
    field with the message beside it at once."""
    # After the save: the data version this request read is no longer current.
    results = [r for r in rules.for_region(rnd, region) if r.place == (kind, key)]
    if not results:
        return redirect("region", rnd.programme.slug, region.slug)
    name = "edit-status" if kind == "milestone" else "edit-indicator"
    return redirect(reverse(name, args=[rnd.programme.slug, rnd.slug, region.slug, key])
                    + "#controles")  # fmt: skip


def _status_form_html(request, context, form, current):
    """(the form's fields and buttons, the list of the stored status's documents)"""
    context = {**context, "form": form, "current": current}
    return (
        render_to_string("picture/_edit_form.html", context, request),
        render_to_string("picture/_status_documents.html", context, request),
    )


def _try_save(request, form, save, describe, saved_message):
    """Run `save`. Returns (saved, conflict, summary): on a conflict, the other
    person's stored version and a line describing it, with the form rebased on it."""
    try:
        save()
    except status_service.Conflict as e:
        status_service.rebase(form, e.current)
        return False, e.current, describe(e.current) if e.current else _("verwijderd")
    except status_service.RegionFrozen:
        raise PermissionDenied(_("De rapportage van deze regio is zojuist ingediend.")) from None
    except status_service.RoundClosed:
        raise PermissionDenied(_("Deze ronde is zojuist gesloten.")) from None
    messages.success(request, saved_message)
    return True, None, ""


def _describe_status(s):
    label = wording.status_labels(s.milestone.programme)[s.status]
    text = wording.status_text(label, s.status, s.expected_text)
    return f"{text} — {s.note}" if s.note else text


def _describe_value(v):
    label = wording.local(v.category, "label")
    return f"{label}, {v.date:%d-%m-%Y}" if v.date else label


def _attach(status, upload, user, rnd, region):
    doc = EvidenceDocument(
        status=status, original_name=upload["name"], content_type=upload["content_type"],
        size=len(upload["data"]), sha256=upload["sha256"], uploaded_by=user,
    )  # fmt: skip
    doc.file.save(upload["sha256"], ContentFile(upload["data"]), save=False)
    doc.save()
    recorder = Recorder(user, programme=rnd.programme)
    recorder.record(subject=status.milestone.name, field="bewijsstuk", new=upload["name"],
                    round=rnd, region=region, kind="status", object_id=status.milestone_id)  # fmt: skip
    recorder.flush()


@login_required
def edit_indicator(request, slug, round_slug, region_slug, key):
    programme, access = programme_for(request, slug)
    region, _can_write = region_for_writing(request, programme, region_slug)
    rnd = _round_for_writing(programme, round_slug)
    _check_not_submitted(rnd, region)
    indicator = memo.get(programme, "indicators", key=key)
    if indicator is None:
        raise Http404

    conflict, summary = None, ""
    context = {"programme": programme, "round": rnd, "region": region, "indicator": indicator,
               "access": access}  # fmt: skip
    if request.method == "POST":
        form = IndicatorForm(request.POST, categories=list(indicator.categories.all()))
        if form.is_valid():
            d = form.cleaned_data

            def save():
                status_service.save_indicator_value(
                    rnd, region, indicator, user=request.user, expected_version=d["version"],
                    category=d["category"], day=d["date"], note=d["note"].strip(),
                )  # fmt: skip

            saved_message = _("Opgeslagen: %(i)s voor %(r)s.") % {
                "i": wording.local(indicator),
                "r": region.name,
            }
            done, conflict, summary = _try_save(request, form, save, _describe_value, saved_message)
            if done:
                return _after_save(request, rnd, region, "indicator", key)
        context["form"] = form
        context["form_html"] = _indicator_form_html(request, context, form)
    else:
        # As the status form: the empty form is the same for everyone who may write here
        # until the data version changes; the CSRF token stays outside it.
        def draw():
            current = (
                IndicatorValue.objects.filter(round=rnd, region=region, indicator=indicator)
                .select_related("category")
                .first()
            )
            form = IndicatorForm(
                categories=list(indicator.categories.all()),
                initial={
                    "category": current.category.key if current else "unknown",
                    "date": current.date.strftime("%d-%m-%Y") if current and current.date else "",
                    "note": current.note if current else "",
                    "version": current.version if current else 0,
                },
            )
            return _indicator_form_html(request, context, form)

        parts = ["indicator-form", rnd.id, region.id, indicator.id]
        context["form_html"] = cached_fragment(request, programme, parts, draw)
    context.update(conflict=conflict, conflict_summary=summary,
                   results=_field_results(request, rnd, region, "indicator", key))  # fmt: skip
    return render(request, "picture/edit_indicator.html", context)


def _indicator_form_html(request, context, form):
    return render_to_string("picture/_edit_form.html", {**context, "form": form}, request)


@login_required
def rounds(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    if request.method == "POST":
        form = RoundForm(request.POST, programme=programme)
        if form.is_valid():
            d = form.cleaned_data
            try:
                rnd = status_service.open_round(
                    programme, slug=d["slug"], name=d["name"], peildatum=d["peildatum"],
                    opens_on=d["opens_on"], closes_on=d["closes_on"], user=request.user,
                    name_en=d["name_en"].strip(), source=d["source"].strip(),
                    forms=d.get("asked", []),
                )  # fmt: skip
            except status_service.NotAllowed as e:
                # Another request made a round between the form's check and ours.
                form.add_error(e.field, str(e))
            else:
                messages.success(request, _("Ronde “%(n)s” geopend.") % {"n": rnd.name})
                return redirect("rounds", programme.slug)
    else:
        form = RoundForm(programme=programme)
    rounds = list(programme.rounds.order_by("-peildatum"))
    names = dict(round_forms.offered(programme))
    for r in rounds:
        r.dates_form = RoundDatesForm(round=r, prefix=r.slug, initial={"closes_on": r.closes_on})
        r.withdraw_form = WithdrawForm(prefix=r.slug)
        # Every round's form is on one page: labels must say which round they are for.
        r.withdraw_form.fields["reason"].label = _("Reden van intrekken van “%(n)s”") % {
            "n": r.name
        }
        r.reopen_form = ReopenForm(round=r, prefix=f"reopen-{r.slug}")
        r.reopen_form.fields["reason"].label = _("Reden van heropenen van “%(n)s”") % {"n": r.name}
        r.asked = [names.get(k, k) for k in round_forms.asked(r)] if r.is_open else []
    history = ChangeRecord.objects.filter(
        programme=programme, region=None, subject__startswith="ronde "
    ).select_related("round")[:30]
    return render(
        request,
        "picture/rounds.html",
        {
            "programme": programme,
            "rounds": rounds,
            "form": form,
            "access": access,
            "history": history,
        },
    )


def _national_round(request, slug, round_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    return programme, access, get_object_or_404(Round, programme=programme, slug=round_slug)


@login_required
@require_POST
def round_state(request, slug, round_slug):
    """A round's state from a plain form: closing and publishing go to their
    confirmation pages, withdrawing has its own form with a reason."""
    programme, _access, rnd = _national_round(request, slug, round_slug)
    state = request.POST.get("state", "")
    # Closing and publishing have their confirmation pages (raak.cycle.rounds).
    if state == Round.PUBLISHED:
        return redirect("round-publish", programme.slug, rnd.slug)
    if state == Round.CLOSED:
        return redirect("round-close", programme.slug, rnd.slug)
    try:
        status_service.change_round_state(rnd, state, user=request.user)
    except status_service.NotAllowed:
        messages.error(
            request,
            _("Deze stap kan niet: een ronde gaat van open naar gesloten naar gepubliceerd."),
        )
    else:
        messages.success(
            request, _("Ronde “%(n)s” is nu %(s)s.") % {"n": rnd.name, "s": rnd.get_state_display()}
        )
    return redirect("rounds", programme.slug)


@login_required
@require_POST
def round_withdraw(request, slug, round_slug):
    programme, access, rnd = _national_round(request, slug, round_slug)
    form = WithdrawForm(request.POST, prefix=rnd.slug)
    if not rnd.is_published:
        messages.error(request, _("Alleen een gepubliceerde ronde kan worden ingetrokken."))
    elif form.is_valid():
        status_service.change_round_state(
            rnd, Round.WITHDRAWN, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("De publicatie van “%(n)s” is ingetrokken; de ronde is niet meer openbaar.")
            % {"n": rnd.name},
        )  # fmt: skip
    else:
        messages.error(request, _("Niet ingetrokken: geef een reden."))
    return redirect("rounds", programme.slug)


@login_required
@require_POST
def round_dates(request, slug, round_slug):
    programme, access, rnd = _national_round(request, slug, round_slug)
    form = RoundDatesForm(request.POST, round=rnd, prefix=rnd.slug)
    if not rnd.is_open:
        messages.error(request, _("De termijn van een gesloten ronde ligt vast."))
    elif form.is_valid():
        status_service.change_round_dates(
            rnd, user=request.user, opens_on=rnd.opens_on, closes_on=form.cleaned_data["closes_on"]
        )
        messages.success(
            request, _("Nieuwe uiterste inleverdatum voor “%(n)s”: %(d)s.")
            % {"n": rnd.name, "d": rnd.closes_on.strftime("%d-%m-%Y")},
        )  # fmt: skip
    else:
        messages.error(request, "; ".join(form.errors["closes_on"]))
    return redirect("rounds", programme.slug)


@login_required
@require_POST
def reopen(request, slug, round_slug):
    """A closed (or withdrawn) round open again, with a reason; never a published one."""
    programme, access, rnd = _national_round(request, slug, round_slug)
    form = ReopenForm(request.POST, round=rnd, prefix=f"reopen-{rnd.slug}")
    if not form.is_valid():
        messages.error(request, _("Niet heropend: %(e)s")
                       % {"e": "; ".join(e for errs in form.errors.values() for e in errs)})  # fmt: skip
        return redirect("rounds", programme.slug)
    try:
        status_service.change_round_state(
            rnd, Round.OPEN, user=request.user, reason=form.cleaned_data["reason"],
            closes_on=form.cleaned_data["closes_on"],
        )  # fmt: skip
    except status_service.PublishedCannotReopen:
        messages.error(request, _("Een gepubliceerde ronde kan niet worden heropend: trek eerst "
                                  "de publicatie in."))  # fmt: skip
    except status_service.NotAllowed:
        messages.error(request, _("Alleen een gesloten ronde kan worden heropend."))
    else:
        messages.success(request, _("Ronde “%(n)s” is weer open.") % {"n": rnd.name})
    return redirect("rounds", programme.slug)
