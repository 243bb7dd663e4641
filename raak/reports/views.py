"""Report pages: the list per programme, a report's page (draft for the national
office, public once published), its texts, publishing, files made in the background,
and a region's own report."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from raak.accounts.access import national_only, programme_for
from raak.accounts.security import log_event
from raak.lib import locking
from raak.programmes.caching import public_page
from raak.programmes.history import Recorder
from raak.programmes.models import ChangeRecord, Region, Round
from raak.reports import build, service, templates
from raak.reports import region as region_report
from raak.reports.models import Report, ReportFile, ReportTemplate, ReportText
from raak.reports.text import MAX_LENGTH


def _report_for_reading(request, programme, access, round_slug):
    """A published report of a published round for everyone; anything else only for
    the national office (404 outsiders, 403 members)."""
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    report = Report.objects.filter(round=rnd).first()
    if report is not None and report.is_public:
        return rnd, report
    national_only(request, programme)
    return rnd, report


@public_page
def report_list(request, slug):
    programme, access = programme_for(request, slug)
    reports = list(Report.objects.for_list(programme, access.is_national))
    rounds = []
    if access.is_national:
        have = {r.round_id for r in reports}
        rounds = [r for r in programme.rounds.all() if r.id not in have]
    # Region reports: the latest round this user may read region data of.
    region_round = access.visible_rounds().order_by("-peildatum").first()
    regions = list(programme.regions.active_on(region_round.peildatum)) if region_round else []
    if region_round and not region_round.is_published and not access.is_national:
        regions = [r for r in regions if access.can_read_unpublished(r)]
    return render(request, "reports/list.html", {
        "programme": programme, "access": access, "reports": reports, "rounds": rounds,
        "region_round": region_round, "regions": regions,
    })  # fmt: skip


@public_page
def report_page(request, slug, round_slug):
    programme, access = programme_for(request, slug)
    rnd, report = _report_for_reading(request, programme, access, round_slug)
    _r, chapters, texts = service.chapters_and_texts(rnd)
    data = build.build(rnd, chapters, texts, title=report.title if report else "")
    data.state = report.state if report else Report.DRAFT
    if not rnd.is_published:
        log_event("unpublished-read", request, programme=programme, round=rnd.slug, what="report")
    files = ReportFile.objects.filter(round=rnd, region=None, state=ReportFile.DONE)
    if not request.user.is_authenticated:
        # Anonymous visitors get no file list (the page's "PDF" link leads to the file),
        # so their (cached) page does not hash the programme for one.
        files = ReportFile.objects.none()
    elif not access.is_national:
        # The public gets only files of the report as it is now (published): files made
        # from the draft carry draft texts and the "concept" state.
        files = files.filter(fingerprint__in=_current_fingerprints(programme, rnd))
    files = files[:4]
    changes = []
    if access.is_national and report is not None:
        changes = ChangeRecord.objects.filter(
            programme=programme, round=rnd, subject__startswith="rapport "
        )[:100]
    return render(request, "reports/page.html", {
        "programme": programme, "access": access, "round": rnd, "report": report, "data": data,
        "files": files, "changes": changes,
    })  # fmt: skip


@login_required
@require_POST
def report_create(request, slug, round_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    with transaction.atomic():
        template = ReportTemplate.objects.filter(programme=programme).first()
        if template is None:  # a programme without its own: the neutral standard one
            template = templates.load(programme, actor=request.user.get_username())
        report, created = Report.objects.get_or_create(
            round=rnd,
            defaults={"programme": programme, "template": template,
                      "chapters": template.chapters, "title": f"{programme.name}: {rnd.name}"},
        )  # fmt: skip
        if created:
            rec = Recorder(user=request.user, programme=programme)
            rec.record(subject=f"rapport {rnd.slug}", field="aangemaakt", new=report.title,
                       round=rnd)  # fmt: skip
            rec.flush()
    return redirect("report", programme.slug, rnd.slug)


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Tekst"), required=False, max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Alinea's scheiden met een lege regel; **vet**, *cursief* en lijstjes "
                    "met - aan het begin van de regel. HTML wordt als tekst getoond."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


@login_required
def report_text(request, slug, round_slug, key):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    report = get_object_or_404(Report, round=rnd)
    chapter = next((c for c in report.chapters if c["key"] == key and c.get("text")), None)
    if chapter is None:
        raise Http404
    if report.is_published:
        raise PermissionDenied(_("Dit rapport is gepubliceerd; de teksten liggen vast."))
    current = ReportText.objects.filter(report=report, key=key).first()
    version = current.version if current else 0
    conflict = None
    if request.method == "POST":
        form = TextForm(request.POST)
        if form.is_valid():
            new = form.cleaned_data["text"].replace("\r\n", "\n")
            try:
                _save_text(request.user, report, key, chapter, form.cleaned_data["version"], new)
            except locking.Conflict as e:
                conflict = e.current
            else:
                messages.success(request, _("Tekst opgeslagen: %(t)s.") % {"t": chapter["title"]})
                return redirect(f"{report_url(report)}#h-{key}")
            if conflict is None:
                # A stale version for a chapter nobody wrote yet (a tampered or very
                # old form): nothing stored to compare with, so start again from 0.
                form = TextForm(initial={"text": new, "version": 0})
                messages.error(request, _("De versie van dit formulier klopt niet; "
                                          "controleer de tekst en sla opnieuw op."))  # fmt: skip
            else:
                form = TextForm(initial={"text": new, "version": conflict.version})
    else:
        form = TextForm(initial={"text": current.text if current else "", "version": version})
    history = ChangeRecord.objects.filter(
        programme=programme, round=rnd, subject=f"rapport {rnd.slug}: {key}"
    )[:50]
    return render(request, "reports/text.html", {
        "programme": programme, "access": access, "round": rnd, "report": report,
        "chapter": chapter, "form": form, "conflict": conflict, "history": history,
    })  # fmt: skip


def report_url(report):
    from django.urls import reverse

    return reverse("report", args=[report.programme.slug, report.round.slug])


def _save_text(user, report, key, chapter, expected_version, new, *, reason="", reverts=None):
    """Save with optimistic locking (raak.lib.locking): Conflict(stored text) when
    someone else saved in between. A revert from the history (raak.reports.changes)
    passes its reason and the record it undoes."""
    with transaction.atomic():
        locking.lock_row(Report, report.pk)  # one writer per report, a first text included
        current = locking.lock(ReportText.objects.filter(report=report, key=key), expected_version)
        old = current.text if current else ""
        if old == new:
            return
        if current is None:
            current = ReportText.objects.create(report=report, key=key, text=new, updated_by=user)
        else:
            ReportText.objects.filter(pk=current.pk).update(
                text=new, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
            )
        rec = Recorder(user=user, programme=report.programme)
        rec.record(subject=f"rapport {report.round.slug}: {key}", field="tekst", old=old,
                   new=new, round=report.round, kind="report", object_id=current.pk,
                   reason=reason, reverts=reverts)  # fmt: skip
        rec.flush()


@login_required
def report_publish(request, slug, round_slug):
    """The confirmation page, then publishing: the report becomes public and frozen,
    and its PDF is queued for the worker at once, so the public page links a file and
    no visitor has to have it made."""
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    report = get_object_or_404(Report, round=rnd)
    if not rnd.is_published:
        messages.error(request, _("Publiceer eerst de ronde; een rapport toont alleen "
                                  "openbare gegevens."))  # fmt: skip
        return redirect("report", programme.slug, rnd.slug)
    if report.is_published:
        messages.info(request, _("Dit rapport is al gepubliceerd."))
        return redirect("report", programme.slug, rnd.slug)
    if request.method != "POST" or request.POST.get("confirm") != "1":
        if request.method == "POST":
            return redirect("report-publish", programme.slug, rnd.slug)
        return render(request, "reports/publish.html", {
            "programme": programme, "access": access, "round": rnd, "report": report,
            "texts": report.texts.exclude(text="").count(),
            "chapters": [c for c in report.chapters if c.get("text")],
        })  # fmt: skip
    with transaction.atomic():
        n = Report.objects.filter(pk=report.pk, state=Report.DRAFT).update(
            state=Report.PUBLISHED, published_at=timezone.now(), published_by=request.user,
            version=F("version") + 1,
        )  # fmt: skip
        if n:
            rec = Recorder(user=request.user, programme=programme)
            rec.record(subject=f"rapport {rnd.slug}", field="status", old="concept",
                       new="gepubliceerd", round=rnd)  # fmt: skip
            rec.flush()
            # Queued when this commits; the fingerprint is that of the published report.
            service.request_file(rnd, "pdf", user=request.user)
    messages.success(request, _("Het rapport is gepubliceerd; de PDF wordt nu gemaakt."))
    return redirect("report", programme.slug, rnd.slug)


def _region_access(request, programme, access, rnd, region):
    """(unpublished?) for a region's report: published rounds are public; the region
    and national office also see unpublished rounds; others get 404."""
    insider = access.can_read_unpublished(region)
    if not rnd.is_published and not insider:
        raise Http404
    return insider


@public_page
def region_page(request, slug, round_slug, region_slug):
    programme, access = programme_for(request, slug)
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    insider = _region_access(request, programme, access, rnd, region)
    data = region_report.build(region, rnd, unpublished=insider)
    return render(request, "reports/region.html", {
        "programme": programme, "access": access, "round": rnd, "region": region, "data": data,
    })  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def file_request(request, slug, round_slug, fmt, region_slug=None):
    """GET: the page of the file of the report as it is now, when one is made or being
    made; otherwise a page with the button that makes it. POST: make (or reuse) the
    file, then show its progress. The report pages link here instead of carrying the
    button, so they hold no CSRF token and anonymous visitors get them from the page
    cache (issue #12)."""
    programme, access = programme_for(request, slug)
    if fmt not in service.FORMATS:
        raise Http404
    rnd = get_object_or_404(Round, programme=programme, slug=round_slug)
    region, unpublished = None, False
    if region_slug:
        region = get_object_or_404(Region, programme=programme, slug=region_slug)
        unpublished = _region_access(request, programme, access, rnd, region)
        report = None
    else:
        _rnd, report = _report_for_reading(request, programme, access, round_slug)
    if request.method != "POST":
        key = service.current_fingerprint(programme, rnd, fmt, region, unpublished)
        rf = (
            ReportFile.objects.filter(fingerprint=key, format=fmt)
            .exclude(state=ReportFile.FAILED)
            .first()
        )
        if rf is None:
            return render(request, "reports/file_offer.html", {
                "programme": programme, "access": access, "round": rnd, "region": region,
                "report": report, "fmt": fmt,
            })  # fmt: skip
    elif not request.user.is_authenticated:
        # Making a file takes the worker seconds to minutes: an anonymous visitor never
        # starts one (a published report's PDF is made when it is published).
        return redirect(request.path)
    else:
        rf = service.request_file(rnd, fmt, user=request.user, region=region,
                                  unpublished=unpublished)  # fmt: skip
    return redirect("report-file-status", programme.slug, rf.pk)


def file_status(request, slug, file_id):
    programme, access = programme_for(request, slug)
    rf = _file_for_reading(request, programme, access, file_id)
    # The breadcrumb names the report the file was made of (a region's file: its region).
    report = None if rf.region else Report.objects.filter(round=rf.round).first()
    return render(request, "reports/file.html", {
        "programme": programme, "access": access, "file": rf, "round": rf.round,
        "report": report, "refresh": rf.state in (ReportFile.PENDING, ReportFile.RUNNING),
    })  # fmt: skip


def _file_for_reading(request, programme, access, file_id):
    rf = get_object_or_404(
        ReportFile.objects.select_related("round", "region"), pk=file_id, programme=programme
    )
    if rf.region is not None:
        if rf.unpublished or not rf.round.is_published:
            if not access.can_read_unpublished(rf.region):
                raise Http404
    else:
        _report_for_reading(request, programme, access, rf.round.slug)
        if not access.is_national and rf.fingerprint not in _current_fingerprints(
            programme, rf.round
        ):
            raise Http404  # a draft's file, or one of a report that has changed since
    return rf


def _current_fingerprints(programme, rnd):
    return {service.current_fingerprint(programme, rnd, fmt) for fmt in service.FORMATS}


def file_download(request, slug, file_id):
    programme, access = programme_for(request, slug)
    rf = _file_for_reading(request, programme, access, file_id)
    if rf.state != ReportFile.DONE:
        raise Http404
    report = Report.objects.filter(round=rf.round).first()
    public = rf.round.is_published and (
        (rf.region is not None and not rf.unpublished)
        or (rf.region is None and report is not None and report.is_public)
    )
    if not public:
        log_event("download", request, programme=programme, report_file=rf.pk,
                  round=rf.round.slug, unpublished=True)  # fmt: skip
    return FileResponse(
        rf.file.open("rb"),
        as_attachment=rf.format != "html",
        filename=service.file_name(rf.round, rf.format, rf.region),
        content_type=service.FORMATS[rf.format],
    )
