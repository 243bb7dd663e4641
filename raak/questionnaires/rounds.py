"""Which questionnaires a round asks, and a returned report's questionnaires reopened:
the `Kind` this app registers in programmes.round_forms, so the round and cycle pages
choose and reopen questionnaires without knowing this app."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from raak.programmes import round_forms
from raak.programmes.models import Round
from raak.questionnaires.models import Questionnaire, Response


class Questionnaires(round_forms.Kind):
    def offered(self, programme):
        published = Questionnaire.objects.filter(
            programme=programme, retired=False, versions__published=True
        ).distinct()
        return [(q.slug, q.name) for q in published.order_by("name")]

    def asked(self, rnd):
        return list(rnd.asked_questionnaires.order_by("name").values_list("slug", flat=True))

    def ask(self, rnd, keys, *, recorder):
        current = {q.slug: q for q in rnd.asked_questionnaires.all()}
        keys = set(keys)
        gone = [q for slug, q in current.items() if slug not in keys]
        answered = (
            Response.objects.filter(round=rnd, version__questionnaire__in=gone)
            .values_list("version__questionnaire__name", flat=True)
            .distinct()
        )
        if gone and (names := sorted(answered)):
            raise round_forms.Refused(
                _("Al beantwoord in deze ronde, dus blijft gevraagd: %(names)s.")
                % {"names": ", ".join(names)}
            )
        new = list(
            Questionnaire.objects.filter(
                programme_id=rnd.programme_id, slug__in=keys - set(current)
            )
        )
        if not new and not gone:
            return
        rnd.asked_questionnaires.remove(*gone)
        rnd.asked_questionnaires.add(*new)
        recorder.record(
            subject=f"ronde {rnd.slug}", field="vragenlijsten", round=rnd,
            old=", ".join(sorted(q.name for q in current.values())),
            new=", ".join(sorted([q.name for s, q in current.items() if s in keys]
                                 + [q.name for q in new])),
        )  # fmt: skip

    def reopen(self, rnd, region, keys, *, recorder):
        submitted = Response.objects.filter(
            round=rnd, region=region, state=Response.SUBMITTED
        ).select_related("version__questionnaire")
        if keys is not None:
            submitted = submitted.filter(version__questionnaire__slug__in=keys)
        names = []
        for response in submitted:
            slug = response.version.questionnaire.slug
            Response.objects.filter(pk=response.pk).update(
                state=Response.DRAFT, lock=response.lock + 1
            )
            recorder.record(subject=f"vragenlijst {slug}", field="status", old="ingediend",
                            new="heropend", round=rnd, region=region)  # fmt: skip
            names.append(response.version.questionnaire.name)
        return names


def round_forms_of(rnd, region):
    """The questionnaires a round asks, and any the region answered in it before the
    choice changed, for one region (registered in programmes.round_forms); two queries."""
    responses = {
        r.version.questionnaire_id: r
        for r in Response.objects.filter(round=rnd, region=region).select_related("version")
    }
    asked = (
        Questionnaire.objects.filter(programme_id=rnd.programme_id)
        .filter(Q(rounds=rnd) | Q(id__in=list(responses)))
        .annotate(published=Count("versions", filter=Q(versions__published=True)))
        .filter(published__gt=0)
        .order_by("name")
    )
    forms = []
    for q in asked:
        resp = responses.get(q.id)
        url = reverse("response", args=[rnd.programme.slug, q.slug, rnd.slug, region.slug])
        forms.append(round_forms.RoundForm(
            name=q.name, url=url, started=resp is not None,
            submitted=resp is not None and resp.state == Response.SUBMITTED,
            state_label=resp.get_state_display() if resp else "", key=q.slug,
        ))  # fmt: skip
    return forms


def is_asked(questionnaire, rnd):
    """May a region start answering `questionnaire` in `rnd`? (Answers it already has
    stay readable and editable whatever the round asks now.)"""
    return questionnaire.rounds.filter(pk=rnd.pk).exists()


def previous_answers(response, form):
    """(the earlier round, {question key: value}) of the region's latest answers to the
    same questionnaire before this round, for a response not yet saved: the region
    confirms or changes them. A question takes the answer to the question of the same
    key, or to the one it continues (`maps_to`); answers no longer valid are left out.
    (None, {}) when there are none."""
    earlier = (
        Response.objects.filter(
            version__questionnaire_id=response.version.questionnaire_id,
            region=response.region, round__peildatum__lt=response.round.peildatum,
        )
        .select_related("round")
        .order_by("-round__peildatum")
        .first()
    )  # fmt: skip
    if earlier is None:
        return None, {}
    old = {a.question.key: a.value for a in earlier.answers.select_related("question")}
    values = {}
    for q in form.questions:
        value = old.get(q.key, old.get(q.maps_to) if q.maps_to else None)
        if value is None:
            continue
        try:
            form.clean(q, value if isinstance(value, list) else str(value))
        except ValueError:
            continue  # e.g. a choice the new version no longer has
        values[q.key] = value
    return (earlier.round, values) if values else (None, {})


def first_published(questionnaire, recorder):
    """A questionnaire published for the first time is asked by the rounds open now
    (the national office unticks it on a round's questionnaire page if not wanted);
    later versions change nothing. Inside the publishing transaction."""
    if questionnaire.versions.filter(published=True).count() != 1 or questionnaire.retired:
        return
    for rnd in Round.objects.filter(programme_id=questionnaire.programme_id, state=Round.OPEN):
        if not questionnaire.rounds.filter(pk=rnd.pk).exists():
            questionnaire.rounds.add(rnd)
            recorder.record(subject=f"ronde {rnd.slug}", field="vragenlijsten", round=rnd,
                            new=f"+ {questionnaire.name}")  # fmt: skip
