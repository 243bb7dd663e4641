"""The analysts' page: codebook, a work list of open answers (filtered, paginated, coded
several at a time, with suggestions to accept), themes with quotes, agreement."""

import re
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from raak.accounts.access import national_only, programme_for
from raak.lib.cleaning import SLUG
from raak.programmes.history import Recorder
from raak.questionnaires import coding
from raak.questionnaires.models import Answer, Coding, Question, Questionnaire, Response, Theme

PER_PAGE = 25
FILTERS = ("ronde", "status", "thema", "regio", "analist", "vraag")


@login_required
def coding_page(request, slug, q_slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, slug=q_slug)
    rounds = list(programme.rounds.all())
    rnd = next(
        (r for r in rounds if r.slug == request.GET.get("ronde")), rounds[-1] if rounds else None
    )
    query = {k: request.GET[k] for k in (*FILTERS, "pagina") if request.GET.get(k)}
    if request.method == "POST":
        bad = _post(request, questionnaire)
        if bad:
            return HttpResponseBadRequest(bad)
        return redirect(f"{request.path}?{urlencode(query)}")
    answers = list(
        Answer.objects.filter(response__version__questionnaire=questionnaire, response__round=rnd,
                              response__state=Response.SUBMITTED, question__type=Question.TEXT)
        .select_related("question", "response__region").order_by("response__region__name", "question__position")
    )  # fmt: skip
    themes = list(questionnaire.themes.select_related("parent"))
    theme_by_id = {t.id: t for t in themes}
    codings = list(Coding.objects.filter(answer__in=answers).select_related("theme", "analyst"))
    mine, by_answer = defaultdict(set), defaultdict(list)
    by_theme = defaultdict(list)
    by_analyst = defaultdict(lambda: defaultdict(set))
    for c in codings:
        if c.analyst_id == request.user.id:
            mine[c.answer_id].add(c.theme_id)
        by_answer[c.answer_id].append(c)
        by_theme[c.theme_id].append(c)
        by_analyst[c.analyst][c.theme_id].add(c.answer_id)
    answer_by_id = {a.id: a for a in answers}
    summary = []
    for t in themes:
        found = by_theme.get(t.id, [])
        regions = sorted({answer_by_id[c.answer_id].response.region.name for c in found})
        quotes = list(dict.fromkeys(c.fragment or answer_by_id[c.answer_id].value for c in found))
        summary.append({"theme": t, "regions": regions, "quotes": quotes[:5]})
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

    # The work list: filters, then one page; suggestions only for the page's answers.
    filters = _filters(request, answers, themes, by_analyst)
    shown = [a for a in answers if _matches(a, filters, by_answer)]
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("pagina"))
    coded_texts = {
        aid: (answer_by_id[aid].value, {c.theme_id for c in cs}) for aid, cs in by_answer.items()
    }
    uncoded = {a.id: a.value for a in page.object_list if a.id not in by_answer}
    suggestions = coding.suggest(uncoded, coded_texts) if coded_texts and uncoded else {}
    items = []
    for a in page.object_list:
        s = suggestions.get(a.id)
        items.append({
            "answer": a, "mine": mine.get(a.id, set()), "suggestion": s,
            "others": sorted({c.theme.name for c in by_answer.get(a.id, []) if c.analyst_id != request.user.id}),
            "suggested": [(theme_by_id[tid], round(score, 2)) for tid, score in s["themes"] if tid not in mine.get(a.id, set())][:3] if s else [],
            "nearest": [(answer_by_id[cid], round(score, 2)) for score, cid in s["nearest"]] if s else [],
        })  # fmt: skip
    base_query = urlencode({k: v for k, v in query.items() if k != "pagina"})
    return render(request, "questionnaires/coding.html", {
        "programme": programme, "access": access, "questionnaire": questionnaire, "round": rnd, "rounds": rounds,
        "items": items, "themes": themes, "summary": summary, "agreement": agreement, "analysts": analysts,
        "page": page, "total": len(answers), "shown": len(shown), "filters": filters, "base_query": base_query,
        "query": urlencode(query), "regions": sorted({a.response.region for a in answers}, key=lambda r: r.name),
        "questions": list(dict.fromkeys(a.question for a in answers)), "all_analysts": list(by_analyst),
    })  # fmt: skip


def _filters(request, answers, themes, by_analyst):
    get = request.GET.get
    return {
        "status": get("status") if get("status") in ("ongecodeerd", "gecodeerd", "mijn") else "",
        "thema": next((t for t in themes if t.key == get("thema")), None),
        "regio": get("regio", ""),
        "analist": next((u for u in by_analyst if u.get_username() == get("analist")), None),
        "vraag": get("vraag", ""),
        "me": request.user,
    }


def _matches(answer, f, by_answer):
    codings = by_answer.get(answer.id, [])
    if f["status"] == "ongecodeerd" and codings:
        return False
    if f["status"] == "gecodeerd" and not codings:
        return False
    if f["status"] == "mijn" and any(c.analyst_id == f["me"].id for c in codings):
        return False  # not yet coded by me
    if f["thema"] and not any(c.theme_id == f["thema"].id for c in codings):
        return False
    if f["analist"] and not any(c.analyst_id == f["analist"].id for c in codings):
        return False
    if f["regio"] and answer.response.region.slug != f["regio"]:
        return False
    return not f["vraag"] or answer.question.key == f["vraag"]


ID = re.compile(r"[0-9]{1,18}")  # a database id as a form sends it


def _ids(values):
    """Ids from a form, or None when any is not one (a tampered form)."""
    if not all(isinstance(v, str) and ID.fullmatch(v) for v in values):
        return None
    return [int(v) for v in values]


def _post(request, questionnaire):
    """Handle a POST; return a message for a malformed request (400), else None."""
    action = request.POST.get("action")
    if action == "theme":
        key, name = request.POST.get("key", "").strip(), request.POST.get("name", "").strip()
        parent = questionnaire.themes.filter(key=request.POST.get("parent", "")).first()
        if not SLUG.match(key) or not name or questionnaire.themes.filter(key=key).exists():
            messages.error(
                request,
                _("Thema niet toegevoegd: geef een unieke sleutel (kleine letters) en een naam."),
            )
            return None
        Theme.objects.create(questionnaire=questionnaire, key=key, name=name[:200], parent=parent)
        recorder = Recorder(request.user, programme=questionnaire.programme)
        recorder.record(subject=f"codeboek {questionnaire.slug}", field=key, new=name[:200])
        recorder.flush()
        messages.success(request, _("Thema toegevoegd."))
        return None
    if action != "code":
        return _("Onbekende actie.")
    answer_ids = _ids(request.POST.getlist("answer"))
    if not answer_ids:
        return _("Geen geldige antwoorden in het formulier.")
    answers = {
        a.id: a
        for a in Answer.objects.filter(
            id__in=answer_ids, response__version__questionnaire=questionnaire
        ).select_related("response__region", "response__round")
    }
    if len(answers) != len(set(answer_ids)):
        return _("Een antwoord in het formulier hoort niet bij deze vragenlijst.")
    theme_ids = set(questionnaire.themes.values_list("id", flat=True))
    accept = request.POST.get("accept", "")
    accepted = _ids(accept.split(":")) if accept else []
    if accepted is None or (accepted and len(accepted) != 2):
        return _("Ongeldige suggestie.")
    plan, errors = {}, []
    for aid, answer in answers.items():
        wanted = _ids(request.POST.getlist(f"themes-{aid}"))
        if wanted is None:
            return _("Ongeldig thema.")
        wanted = set(wanted) & theme_ids
        if accepted and accepted[0] == aid and accepted[1] in theme_ids:
            wanted.add(accepted[1])
        fragment = request.POST.get(f"fragment-{aid}", "").strip()
        if fragment and fragment not in answer.value:
            errors.append(answer.response.region.name)
        plan[aid] = (wanted, fragment)
    if errors:
        messages.error(request, _("Het fragment moet letterlijk in het antwoord staan (%(r)s); niets opgeslagen.")
                       % {"r": ", ".join(errors)})  # fmt: skip
        return None
    recorder = Recorder(request.user, programme=questionnaire.programme)
    names = dict(questionnaire.themes.values_list("id", "key"))
    with transaction.atomic():
        before = defaultdict(set)
        for aid, tid in Coding.objects.filter(answer_id__in=plan, analyst=request.user).values_list(
            "answer_id", "theme_id"
        ):
            before[aid].add(tid)
        for aid, (wanted, fragment) in plan.items():
            if before[aid] != wanted:
                answer = answers[aid]
                recorder.record(
                    subject=f"codering {questionnaire.slug}", field=f"antwoord {aid}",
                    old=" ".join(sorted(names[t] for t in before[aid])),
                    new=" ".join(sorted(names[t] for t in wanted)),
                    round=answer.response.round, region=answer.response.region,
                )  # fmt: skip
            Coding.objects.filter(answer_id=aid, analyst=request.user).exclude(
                theme_id__in=wanted
            ).delete()
            for theme_id in wanted:
                Coding.objects.get_or_create(
                    answer_id=aid, theme_id=theme_id, analyst=request.user, fragment=fragment
                )
        recorder.flush()
    messages.success(request, _("Codering van %(n)s antwoorden opgeslagen.") % {"n": len(plan)})
    return None
