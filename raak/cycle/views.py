"""Pages of the reporting cycle: the start page, a region's report for a round with
submit / accept / return, the submissions overview with its exports, reminders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from raak.accounts.access import get_access, national_only, programme_for
from raak.accounts.models import Role
from raak.accounts.security import log_event
from raak.cycle import progress, reminders, submissions
from raak.cycle.forms import ReminderPlanForm, ReturnForm
from raak.cycle.models import Reminder, Submission
from raak.cycle.start import open_round, region_tasks
from raak.lib import spreadsheets
from raak.programmes import round_forms, rule_service, rule_tally, rules, wording
from raak.programmes import status as status_service
from raak.programmes.caching import public_page
from raak.programmes.history import Recorder
from raak.programmes.models import (
    IndicatorValue,
    MilestoneStatus,
    Region,
    Round,
    ValidationRule,
)


@login_required
def start(request):
    """Where a login lands: the national office on the submissions overview of the
    open round, a region's members on what their region still has to do."""
    roles = list(Role.objects.filter(user=request.user).select_related("programme", "region"))
    national = next((r for r in roles if r.kind == Role.NATIONAL), None)
    if national is not None:
        rnd = open_round(national.programme)
        if rnd is None:
            return redirect("rounds", national.programme.slug)
        return redirect("submissions", national.programme.slug, rnd.slug)
    if not roles:
        return redirect("home")
    blocks, quiet, advised = [], [], []
    for role in roles:
        if role.kind == Role.ADVISOR:
            advised.append(role)
        elif (rnd := open_round(role.programme)) is not None:
            blocks.append(region_tasks(role.region, rnd, role.kind))
        else:
            quiet.append(role)
    programme = roles[0].programme
    return render(request, "cycle/start.html", {
        "programme": programme, "access": get_access(request, programme),
        "blocks": blocks, "no_open_round": quiet, "advised": advised,
        "today": timezone.localdate(),
    })  # fmt: skip


def _round(programme, round_slug):
    return get_object_or_404(Round, programme=programme, slug=round_slug)


@login_required
def region_report(request, slug, round_slug, region_slug):
    """One page with the region's statuses, indicators and questionnaires of a round;
    the region submits here, the national office accepts or returns."""
    programme, access = programme_for(request, slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    if not access.can_read_unpublished(region):
        raise Http404
    rnd = _round(programme, round_slug)
    if request.method == "POST":
        return _report_action(request, programme, access, rnd, region)
    statuses = list(
        MilestoneStatus.objects.filter(round=rnd, region=region).select_related("milestone")
        .prefetch_related("documents").order_by("milestone__position", "milestone__key")
    )  # fmt: skip
    labels = wording.status_labels(programme)
    for s in statuses:
        s.label = labels[s.status]
    values = list(
        IndicatorValue.objects.filter(round=rnd, region=region)
        .select_related("indicator", "category").order_by("indicator__position", "indicator__key")
    )  # fmt: skip
    # Under the programme's indicator groups, in its words (not the seed's "Continuering").
    by_indicator = {v.indicator_id: v for v in values}
    value_groups = [
        (g, [by_indicator[i.id] for i in g.indicators])
        for g in wording.indicator_groups(programme, [v.indicator for v in values])
    ]
    questionnaires = round_forms.for_region(rnd, region)
    sub = Submission.objects.filter(round=rnd, region=region).first()
    state = submissions.state_of(sub, submissions._has_changes(rnd, region))
    results = rules.for_region(rnd, region)
    for r in results:
        r.link = r.url(rnd, region)
    can_submit = (
        access.can_write(region) and rnd.is_open
        and state in submissions.TRANSITIONS["submit"][0]
    )  # fmt: skip
    if not access.is_national:
        log_event("unpublished-read", request, programme=programme, region=region.slug,
                  round=rnd.slug, page="submission")  # fmt: skip
    return render(request, "cycle/report.html", {
        "programme": programme, "access": access, "round": rnd, "region": region,
        "statuses": statuses, "values": values, "value_groups": value_groups,
        "questionnaires": questionnaires,
        "submission": sub, "state": state, "state_label": dict(Submission.STATES)[state],
        "events": list(sub.events.select_related("user")) if sub else [],
        "can_submit": can_submit, "can_edit": access.can_write(region) and rnd.is_open
        and state not in Submission.FROZEN,
        "return_form": ReturnForm(submitted_forms=_submitted_forms(questionnaires)),
        "today": timezone.localdate(),
        "results": results, "open_results": rules.open_results(results),
    })  # fmt: skip


def _submitted_forms(forms):
    return [(f.key, f.name) for f in forms if f.submitted and f.key]


def _justify(request, programme, rnd, region):
    """A region's written justification of a warning (kept when a report is returned)."""
    rule = ValidationRule.objects.filter(
        programme=programme, key=request.POST.get("rule", "")
    ).first()
    target = request.POST.get("target", "")
    if rule is None or (target and not programme.milestones.filter(key=target).exists()):
        return HttpResponseBadRequest(_("Onbekende regel of mijlpaal."))
    text = request.POST.get("justification", "")
    if len(text) > 4000:
        messages.error(request, _("Een toelichting is hoogstens 4000 tekens."))
    else:
        try:
            rule_service.justify(rnd, region, rule, target, text, user=request.user)
            messages.success(request, _("Toelichting opgeslagen."))
        except ValueError as e:
            messages.error(request, str(e))
        except status_service.RoundClosed:
            messages.error(request, _("De gegevens liggen vast; toelichten kan nu niet."))
    return redirect(reverse("submission", args=[programme.slug, rnd.slug, region.slug])
                    + "#controles")  # fmt: skip


def _report_action(request, programme, access, rnd, region):
    action = request.POST.get("action", "")
    if not access.can_write(region):
        raise PermissionDenied(_("U kunt deze rapportage alleen lezen."))
    if action == "justify":
        return _justify(request, programme, rnd, region)
    if action not in submissions.TRANSITIONS:
        return HttpResponseBadRequest(
            _("Onbekende actie: kies indienen, accepteren of terugsturen.")
        )
    if action == "submit":
        if not access.can_write(region):
            raise PermissionDenied(_("Alleen de regiocoördinator dient de rapportage in."))
        comment = ""
    else:
        if not access.is_national:
            raise PermissionDenied(_("Alleen het landelijk bureau accepteert of stuurt terug."))
        submitted = _submitted_forms(round_forms.for_region(rnd, region))
        form = ReturnForm(request.POST, submitted_forms=submitted)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        if not form.is_valid():
            messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
            return redirect("submission", programme.slug, rnd.slug, region.slug)
        # A form without the ticks (an older page, a script) reopens them all.
        reopen = form.cleaned_data["reopen"] if "reopen-shown" in request.POST else None
    try:
        sub = submissions.transition(rnd, region, action, user=request.user, comment=comment,
                                     reopen=reopen if action == "return" else None)  # fmt: skip
    except submissions.NotAllowed as e:
        messages.error(request, str(e))
        return redirect("submission", programme.slug, rnd.slug, region.slug)
    done = {
        "submit": _("Ingediend. Het landelijk bureau bekijkt de rapportage; tot dan ligt ze vast."),
        "accept": _("Geaccepteerd: de rapportage van %(r)s.") % {"r": region.name},
        "return": _("Teruggestuurd naar %(r)s met uw toelichting.") % {"r": region.name},
    }[action]
    if action == "return" and getattr(sub, "reopened", None):
        done += " " + _("Heropend: %(names)s.") % {"names": ", ".join(sub.reopened)}
    messages.success(request, done)
    if action == "submit":
        return redirect("start")
    return redirect("submissions", programme.slug, rnd.slug)


FILTERS = ["alle", "te-laat", *[s for s, _label in Submission.STATES]]


PAGE_SIZE = 50


@login_required
def overview(request, slug, round_slug, fmt="html"):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rnd = _round(programme, round_slug)
    if fmt != "html":
        log_event("export", request, programme=programme, what="submissions", round=rnd.slug,
                  format=fmt)  # fmt: skip
        return _export(submissions.overview(rnd), fmt)
    # The counts need every region's state (cheap); reminders, notes and the table only
    # the page's 50 rows, so the page stays quick at 1,000 regions.
    ov = submissions.overview(rnd, details=False)
    chosen = request.GET.get("filter", "alle")
    if chosen not in FILTERS:
        chosen = "alle"
    rows = ov.rows
    if chosen == "te-laat":
        rows = [r for r in rows if r.overdue]
    elif chosen != "alle":
        rows = [r for r in rows if r.state == chosen]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    submissions.add_details(ov, page.object_list)
    filters = [(f, {"alle": _("alle"), "te-laat": _("te laat")}.get(f) or dict(Submission.STATES)[f])
               for f in FILTERS]  # fmt: skip
    return render(request, "cycle/overview.html", {
        "rates": progress.rates(programme, [rnd])[0],
        "rule_counts": rule_tally.for_rounds(programme, [rnd])[rnd.id],
        "programme": programme, "access": access, "round": rnd, "ov": ov, "rows": rows,
        "page": page, "filters": filters, "chosen": chosen,
        "open_rounds": programme.rounds.filter(state=Round.OPEN).exclude(pk=rnd.pk),
    })  # fmt: skip


def _export(ov, fmt):
    name = f"indieningen-{ov.round.programme.slug}-{ov.round.slug}"
    # User text starting with = + - @ is written as text (raak.lib.spreadsheets).
    rows = submissions.table_rows(ov)
    return spreadsheets.download(name, submissions.COLUMNS, rows, fmt, sheet="indieningen")


@login_required
def reminder_plan(request, slug, round_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rnd = _round(programme, round_slug)
    plan = reminders.plan_for(rnd)
    if request.method == "POST":
        before = {f: getattr(plan, f) for f in ReminderPlanForm.Meta.fields} if plan.pk else {}
        form = ReminderPlanForm(request.POST, instance=plan)
        if form.is_valid():
            with transaction.atomic():
                form.save()
                recorder = Recorder(request.user, programme=programme)
                for name in ReminderPlanForm.Meta.fields:
                    old, new = before.get(name, ""), getattr(plan, name)
                    if old != new:
                        recorder.record(subject="herinneringsregels", field=name, old=old,
                                        new=new, round=rnd)  # fmt: skip
                recorder.flush()
            messages.success(request, _("Herinneringsregels opgeslagen."))
            return redirect("reminder-plan", programme.slug, rnd.slug)
    else:
        form = ReminderPlanForm(instance=plan)
    today = timezone.localdate()
    schedule = reminders.occurrences(plan, rnd.closes_on) if rnd.closes_on else []
    log = list(Reminder.objects.filter(round=rnd).select_related("region")[:500])
    return render(request, "cycle/reminders.html", {
        "programme": programme, "access": access, "round": rnd, "form": form,
        "schedule": schedule, "today": today, "log": log, "saved": plan.pk is not None,
        "due": reminders.due(rnd, today), "placeholders": reminders.PLACEHOLDERS,
    })  # fmt: skip


@login_required
def remind_now(request, slug, round_slug):
    """ "Nu herinneren": one region or all late ones; GET previews, POST sends."""
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rnd = _round(programme, round_slug)
    which = request.GET.get("regio") or request.POST.get("regio") or ""
    ov = submissions.overview(rnd)
    if which:
        rows = [r for r in ov.rows if r.region.slug == which]
        if not rows:
            raise Http404
    else:
        rows = [r for r in ov.rows if r.overdue]
    regions = [r.region for r in rows]
    today = timezone.localdate()
    rule = f"nu-{today.isoformat()}"
    preview = reminders.due(rnd, today, regions=regions, rule=rule) if rnd.is_open else []
    if request.method == "POST":
        created, _retried = reminders.remind(rnd, today, actor=request.user.get_username(),
                                             regions=regions, rule=rule)  # fmt: skip
        messages.success(
            request, _("%(n)d herinnering(en) in de wachtrij gezet.") % {"n": len(created)}
        )
        return redirect("submissions", programme.slug, rnd.slug)
    return render(request, "cycle/remind_now.html", {
        "programme": programme, "access": access, "round": rnd, "which": which,
        "rows": rows, "preview": preview,
    })  # fmt: skip


@public_page
def progress_page(request, slug):
    """Progress over rounds: per milestone the share of regions done at each published
    round's peildatum (a line chart with its data table), expected versus achieved,
    and for the national office the reporting rates of every round and the errors and
    warnings still open in each (a bar chart with its data table)."""
    programme, access = programme_for(request, slug)
    published = list(programme.rounds.visible_to_public())
    series = progress.milestone_progress(programme, published)
    context = {
        "programme": programme, "access": access, "rounds": published, "series": series,
        "chart": progress.line_chart(series, published) if published else None,
        "expected": progress.expected_vs_achieved(published),
    }  # fmt: skip
    if access.is_national:
        every = list(programme.rounds.all())
        context["rates"] = progress.rates(programme, every)
        # Rule results of every round, open ones too: the office's, like the rates.
        context["outstanding"] = progress.outstanding(programme, every)
        context["outstanding_chart"] = progress.bar_chart(context["outstanding"]) if every else None
    return render(request, "cycle/progress.html", context)
