"""The national office's uploads: a questionnaire (XLSForm or RAAK's own format) and a
spreadsheet of responses; and the XLSForm download of a version."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raak.accounts.access import national_only, programme_for
from raak.accounts.security import log_event
from raak.programmes.tables import FormatError
from raak.questionnaires import exchange, response_import, xlsform
from raak.questionnaires.builder import latest_for_national
from raak.questionnaires.models import Questionnaire

MAX_UPLOAD = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bestand"))

    def __init__(self, *args, suffixes, **kwargs):
        super().__init__(*args, **kwargs)
        self.suffixes = suffixes

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in self.suffixes:
            raise forms.ValidationError(
                _("Kies een bestand van het type %(s)s.") % {"s": ", ".join(self.suffixes)}
            )
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Het bestand is groter dan 20 MB."))
        return f


class QuestionnaireUploadForm(UploadForm):
    skip_unsupported = forms.BooleanField(
        required=False,
        label=gettext_lazy("Wat RAAK niet kan weergeven overslaan (en tonen welke rijen)"),
    )
    publish = forms.BooleanField(required=False, label=gettext_lazy("Meteen publiceren"))


class ResponsesUploadForm(UploadForm):
    round = forms.ChoiceField(label=gettext_lazy("Ronde"))

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = {r.slug: r for r in rounds}
        self.fields["round"].choices = [(r.slug, r.name) for r in rounds]

    def clean_round(self):
        return self.rounds[self.cleaned_data["round"]]


def _with_upload(upload, run):
    """Run `run(path)` on a temporary copy of the upload that keeps its suffix."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{Path(upload.name).suffix.lower()}"
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return run(path)


@login_required
def import_questionnaire(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    result, problems = None, []
    form = QuestionnaireUploadForm(
        *((request.POST, request.FILES) if request.method == "POST" else (None, None)),
        suffixes=(".xlsx", ".json"),
    )
    if request.method == "POST" and form.is_valid():
        name = Path(form.cleaned_data["file"].name).name

        def run(path):
            if xlsform.is_xlsform(path):
                return xlsform.load(path, programme.slug, form.cleaned_data["publish"],
                                    form.cleaned_data["skip_unsupported"], filename=name)  # fmt: skip
            return xlsform.Result(exchange.load(path, programme.slug, form.cleaned_data["publish"]))

        try:
            result = _with_upload(form.cleaned_data["file"], run)
        except FormatError as e:
            problems = e.problems
        else:
            if result.version.questionnaire.programme_id != programme.id:
                result = None  # never: the programme is given; guard against a file naming another
    status = 400 if problems or form.errors else 200
    return render(request, "questionnaires/import.html", {
        "programme": programme, "access": access, "form": form, "result": result,
        "problems": problems, "title": _("Vragenlijst importeren"), "kind": "questionnaire",
    }, status=status)  # fmt: skip


@login_required
def import_responses(request, slug, q_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    rounds = [r for r in programme.rounds.all() if r.is_open]
    form = ResponsesUploadForm(
        *((request.POST, request.FILES) if request.method == "POST" else (None, None)),
        suffixes=(".csv", ".xlsx"),
        rounds=rounds,
    )
    count, problems = None, []
    if request.method == "POST" and form.is_valid():
        name = Path(form.cleaned_data["file"].name).name
        rnd = form.cleaned_data["round"]
        try:
            count = _with_upload(form.cleaned_data["file"], lambda path: response_import.load(
                path, questionnaire, rnd, user=request.user,
                actor=f"{request.user.get_username()} (import: {name})", filename=name))  # fmt: skip
        except FormatError as e:
            problems = e.problems
    status = 400 if problems or form.errors else 200
    return render(request, "questionnaires/import.html", {
        "programme": programme, "access": access, "form": form, "count": count, "problems": problems,
        "questionnaire": questionnaire, "title": _("Antwoorden importeren"), "kind": "responses",
        "rounds": rounds,
    }, status=status)  # fmt: skip


@login_required
def download_xlsform(request, slug, q_slug):
    programme, _access, questionnaire, version = latest_for_national(request, slug, q_slug)
    log_event("download", request, programme=programme, questionnaire=questionnaire.slug,
              version=version.number, format="xlsform")  # fmt: skip
    response = HttpResponse(
        xlsform.workbook(version),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{questionnaire.slug}-v{version.number}-xlsform.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
