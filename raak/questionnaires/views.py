"""Questionnaire pages: the list, a region's response, the comparison of two rounds."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from raak.accounts.access import get_access, national_only, programme_for
from raak.accounts.security import log_event
from raak.lib import spreadsheets
from raak.programmes.history import Recorder
from raak.programmes.models import Region, Round
from raak.programmes.status import is_region_frozen
from raak.questionnaires import service
from raak.questionnaires.answers import Form
from raak.questionnaires.compare import as_rows, compare
from raak.questionnaires.models import Questionnaire, Response
from raak.questionnaires.rounds import is_asked, previous_answers


def questionnaire_list(request, slug):
    programme, access = programme_for(request, slug)
    questionnaires = list(programme.questionnaires.prefetch_related("versions", "rounds"))
    rounds = list(
        programme.rounds.all() if access.is_national else programme.rounds.visible_to_public()
    )
    my_regions = (
        [r for r in programme.regions.all() if access.can_read_unpublished(r)]
        if access.is_member
        else []
    )
    # What each questionnaire offers the reader: a comparison of the first and the last
    # round that have answers, or the plain reason why there is none yet.
    answered = set(
        Response.objects.filter(version__questionnaire__programme=programme, state=Response.SUBMITTED,
                                round__in=rounds).values_list("version__questionnaire_id", "round_id")
    )  # fmt: skip
    open_rounds = [r for r in programme.rounds.all() if r.is_open]
    for q in questionnaires:
        asked = {r.id for r in q.rounds.all()}
        q.open_rounds = [r for r in open_rounds if r.id in asked]
        with_answers = sorted(
            (r for r in rounds if (q.id, r.id) in answered), key=lambda r: r.peildatum
        )
        q.comparison = (with_answers[0], with_answers[-1]) if len(with_answers) >= 2 else None
        if q.comparison:
            q.why_not = ""
        elif not rounds:
            q.why_not = _("Er is nog geen gepubliceerde ronde.")
        elif len(with_answers) == 1:
            q.why_not = _(
                "Alleen %(r)s heeft antwoorden; een vergelijking heeft twee rondes nodig."
            ) % {"r": with_answers[0].name}
        else:
            q.why_not = _("De gepubliceerde rondes hebben nog geen antwoorden op deze vragenlijst.")
    return render(request, "questionnaires/list.html", {
        "programme": programme, "access": access, "questionnaires": questionnaires, "rounds": rounds,
        "my_regions": my_regions,
    })  # fmt: skip


def _response_context(request, slug, q_slug, round_slug, region_slug):
    programme, access = programme_for(request, slug)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    if not access.can_read_unpublished(region):
        raise Http404
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    response = (
        Response.objects.filter(version__questionnaire=questionnaire, round=rnd, region=region)
        .select_related("version").first()
    )  # fmt: skip
    if response is None:
        version = questionnaire.versions.filter(published=True).order_by("-number").first()
        if version is None or not is_asked(questionnaire, rnd):
            raise Http404  # this round does not ask it, and nothing was answered in it
        response = Response(version=version, round=rnd, region=region)
    return programme, access, questionnaire, region, rnd, response


@login_required
def response_form(request, slug, q_slug, round_slug, region_slug):
    programme, access, questionnaire, region, rnd, response = _response_context(
        request, slug, q_slug, round_slug, region_slug
    )
    form = Form(response.version)
    # A region whose report for the round is submitted (raak.cycle) reads, not writes.
    can_write = (
        access.can_write(region) and rnd.is_open and response.state == Response.DRAFT
        and not is_region_frozen(rnd, region)
    )  # fmt: skip
    values = (
        {a.question.key: a.value for a in response.answers.select_related("question")}
        if response.pk
        else {}
    )
    prefilled_from = None
    if not response.pk and can_write and request.method == "GET":
        prefilled_from, values = previous_answers(response, form)
    errors, conflict = {}, False
    if request.method == "GET" and response.pk and not rnd.is_published:
        log_event("unpublished-read", request, programme=programme, what="questionnaire-response",
                  region=region.slug, round=rnd.slug, questionnaire=questionnaire.slug)  # fmt: skip
    if request.method == "POST":
        if request.POST.get("action") == "reopen":
            if not access.is_national:
                raise PermissionDenied(_("Alleen het landelijk bureau heropent antwoorden."))
            service.reopen(response, user=request.user)
            messages.success(request, _("Heropend; de regio kan de antwoorden weer wijzigen."))
            return redirect(request.path)
        if not can_write:
            raise PermissionDenied(_("Deze antwoorden kunt u niet (meer) wijzigen."))
        if request.POST.get("version_id") != str(response.version_id):
            errors["form"] = _(
                "Dit formulier hoort bij een andere versie van de vragenlijst. Laad de pagina opnieuw; er is niets opgeslagen."
            )
        raw = form.posted(request.POST)
        submit = request.POST.get("action") == "submit"
        lock = request.POST.get("lock", "0")
        if not re.fullmatch(r"[0-9]{1,18}", lock):  # a tampered form, not a person's typo
            errors["form"] = _(
                "Dit formulier is niet compleet. Laad de pagina opnieuw; er is niets opgeslagen."
            )
        cleaned, field_errors = form.validate(raw, submit)
        errors.update(field_errors)
        values = {**raw}
        if not errors:
            try:
                service.save(
                    response, form, cleaned, user=request.user, lock=int(lock), submit=submit
                )
            except service.Conflict:
                conflict = True
            except service.RoundClosed:
                raise PermissionDenied(
                    _("Deze ronde is gesloten of de antwoorden zijn al ingediend.")
                ) from None
            else:
                messages.success(request, _("Ingediend.") if submit else _("Concept opgeslagen."))
                return redirect(request.path)
    sections = form.sections(values, errors, posted=request.method == "POST")
    return render(request, "questionnaires/response.html", {
        "programme": programme, "access": access, "questionnaire": questionnaire, "region": region, "round": rnd,
        "response": response, "sections": sections, "errors": errors, "can_write": can_write, "conflict": conflict,
        "prefilled_from": prefilled_from,
    })  # fmt: skip


def _rounds_for_comparison(request, programme, questionnaire):
    access = get_access(request, programme)
    rounds = {r.slug: r for r in programme.rounds.all()}
    start, end = rounds.get(request.GET.get("van", "")), rounds.get(request.GET.get("naar", ""))
    if start is None or end is None:
        ordered = sorted(rounds.values(), key=lambda r: r.peildatum)
        if not access.is_national:
            ordered = [r for r in ordered if r.is_published]
        if len(ordered) < 2:
            raise Http404
        start, end = start or ordered[0], end or ordered[-1]
    if not access.is_national and not (start.is_published and end.is_published):
        raise Http404  # individual regions' answers of unpublished rounds stay inside
    return start, end


def comparison(request, slug, q_slug, fmt="html"):
    programme, access = programme_for(request, slug)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    start, end = _rounds_for_comparison(request, programme, questionnaire)
    result = compare(questionnaire, start, end, matrix_page=request.GET.get("regios"))
    if fmt in ("csv", "xlsx"):
        log_event("export", request, programme=programme, what="questionnaire-comparison",
                  format=fmt, start=start.slug, end=end.slug)  # fmt: skip
        return _export(questionnaire, result, fmt)
    rounds = programme.rounds.all() if access.is_national else programme.rounds.visible_to_public()
    return render(request, "questionnaires/compare.html", {
        "programme": programme, "access": access, "questionnaire": questionnaire, "result": result, "rounds": rounds,
    })  # fmt: skip


def _export(questionnaire, result, fmt):
    header = ["item", "level", "label", "start", "start_percent", "end", "end_percent"]
    rows = [[r[h] for h in header] for r in as_rows(result)]
    if questionnaire.fictional:
        header = ["fictieve gegevens", *header]
        rows = [["fictieve gegevens", *r] for r in rows]
    name = f"vergelijking-{questionnaire.slug}-{result['start'].slug}-{result['end'].slug}"
    return spreadsheets.download(name, header, rows, fmt)


@login_required
@require_POST
def retire(request, slug, q_slug):
    """Retire a questionnaire (not offered for new rounds; its answers and comparisons
    stay), or take it back into use. National office only."""
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    retired = request.POST.get("retired") == "1"
    with transaction.atomic():
        recorder = Recorder(request.user, programme=programme)
        recorder.update(questionnaire, {"retired": retired},
                        subject=f"vragenlijst {questionnaire.slug}")  # fmt: skip
        recorder.flush()
    messages.success(request, (_("“%(q)s” is buiten gebruik gesteld.") if retired
                               else _("“%(q)s” is weer in gebruik.")) % {"q": questionnaire.name})  # fmt: skip
    return redirect("questionnaires", programme.slug)
