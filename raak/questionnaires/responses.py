"""Export of individual responses (for the national office; never public)."""

from raak.lib import spreadsheets
from raak.questionnaires.answers import Form
from raak.questionnaires.models import Response


def write_csv(questionnaire, rnd, out):
    responses = list(
        Response.objects.filter(version__questionnaire=questionnaire, round=rnd)
        .select_related("region", "version").prefetch_related("answers__question")
        .order_by("region__position", "region__name")
    )  # fmt: skip
    version = questionnaire.versions.filter(published=True).order_by("-number").first()
    forms = {}
    keys = [q.key for q in Form(version).questions] if version else []
    w = spreadsheets.csv_writer(out)
    prefix = ["fictieve gegevens"] if questionnaire.fictional else []
    w.writerow(prefix + ["region", "state", "version", *keys])
    for r in responses:
        form = forms.setdefault(r.version_id, Form(r.version))
        by_key = {a.question.key: form.display(a.question, a.value) for a in r.answers.all()}
        w.writerow(
            prefix + [r.region.slug, r.state, r.version.number, *[by_key.get(k, "") for k in keys]]
        )
