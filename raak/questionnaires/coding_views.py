"""The analysts' page: codebook, coding of open answers, themes with quotes, agreement."""

import re
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from raak.accounts.access import national_only, programme_for
from raak.accounts.security import log_event
from raak.programmes.cleaning import SLUG
from raak.questionnaires import coding
from raak.questionnaires.models import Answer, Coding, Question, Questionnaire, Response, Theme

ID = re.compile(r"[0-9]{1,18}")  # a database id as a form sends it


@login_required
def coding_page(request, slug, q_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    rounds = list(programme.rounds.all())
    rnd = next(
        (r for r in rounds if r.slug == request.GET.get("ronde")), rounds[-1] if rounds else None
    )
    if request.method == "POST":
        _post(request, questionnaire)
        return redirect(f"{request.path}?ronde={rnd.slug if rnd else ''}")
    if rnd is not None and not rnd.is_published:
        log_event("unpublished-read", request, programme=programme, what="open-answers",
                  round=rnd.slug, questionnaire=questionnaire.slug)  # fmt: skip
    answers = list(
        Answer.objects.filter(response__version__questionnaire=questionnaire, response__round=rnd,
                              response__state=Response.SUBMITTED, question__type=Question.TEXT)
        .select_related("question", "response__region").order_by("response__region__name", "question__position")
    )  # fmt: skip
    themes = list(questionnaire.themes.select_related("parent"))
    codings = list(Coding.objects.filter(answer__in=answers).select_related("theme", "analyst"))
    mine = defaultdict(set)
    by_theme = defaultdict(list)
    by_analyst = defaultdict(lambda: defaultdict(set))
    for c in codings:
        if c.analyst_id == request.user.id:
            mine[c.answer_id].add(c.theme_id)
        by_theme[c.theme_id].append(c)
        by_analyst[c.analyst][c.theme_id].add(c.answer_id)
    answer_by_id = {a.id: a for a in answers}
    summary = []
    for t in themes:
        found = by_theme.get(t.id, [])
        regions = sorted({answer_by_id[c.answer_id].response.region.name for c in found})
        quotes = list(dict.fromkeys(c.fragment or answer_by_id[c.answer_id].value for c in found))[
            :5
        ]
        summary.append({"theme": t, "regions": regions, "quotes": quotes})
    analysts = list(by_analyst)[:2]
    agreement = []
    if len(analysts) == 2:
        a, b = analysts
        units = {aid for an in analysts for ids in by_analyst[an].values() for aid in ids}
        for t in themes:
            po, kappa = coding.agreement(units, by_analyst[a][t.id], by_analyst[b][t.id])
            agreement.append(
                {"theme": t, "percent": None if po is None else round(po * 100, 1), "kappa": kappa}
            )
    coded_texts = {
        a.id: (a.value, {c.theme.name for c in codings if c.answer_id == a.id})
        for a in answers
        if any(c.answer_id == a.id for c in codings)
    }
    uncoded = {a.id: a.value for a in answers if a.id not in coded_texts}
    suggestions = coding.suggest(uncoded, coded_texts) if coded_texts else {}
    items = [
        {"answer": a, "mine": mine.get(a.id, set()), "suggestion": suggestions.get(a.id)}
        for a in answers
    ]
    return render(request, "questionnaires/coding.html", {
        "programme": programme, "access": access, "questionnaire": questionnaire, "round": rnd, "rounds": rounds,
        "items": items, "themes": themes, "summary": summary, "agreement": agreement, "analysts": analysts,
        "answer_by_id": answer_by_id,
    })  # fmt: skip


def _post(request, questionnaire):
    action = request.POST.get("action")
    if action == "theme":
        key, name = request.POST.get("key", "").strip(), request.POST.get("name", "").strip()
        parent = questionnaire.themes.filter(key=request.POST.get("parent", "")).first()
        if not SLUG.match(key) or not name or questionnaire.themes.filter(key=key).exists():
            messages.error(
                request,
                _("Thema niet toegevoegd: geef een unieke sleutel (kleine letters) en een naam."),
            )
            return
        Theme.objects.create(questionnaire=questionnaire, key=key, name=name[:200], parent=parent)
        messages.success(request, _("Thema toegevoegd."))
    elif action == "code":
        answer_id = request.POST.get("answer", "")
        if not ID.fullmatch(answer_id):  # a tampered form; no such answer
            raise Http404
        answer = get_object_or_404(
            Answer, id=int(answer_id), response__version__questionnaire=questionnaire
        )
        theme_ids = [int(t) for t in request.POST.getlist("themes") if ID.fullmatch(t)]
        wanted = set(questionnaire.themes.filter(id__in=theme_ids).values_list("id", flat=True))
        fragment = request.POST.get("fragment", "").strip()
        if fragment and fragment not in answer.value:
            messages.error(
                request, _("Het fragment moet letterlijk in het antwoord staan; niets opgeslagen.")
            )
            return
        with transaction.atomic():
            Coding.objects.filter(answer=answer, analyst=request.user).exclude(
                theme_id__in=wanted
            ).delete()
            for theme_id in wanted:
                Coding.objects.get_or_create(
                    answer=answer, theme_id=theme_id, analyst=request.user, fragment=fragment
                )
        messages.success(request, _("Codering opgeslagen."))
