"""The coding work list: filters, pages, several answers in one save, accepting a
suggestion, malformed posts refused with 400."""

from datetime import date

import pytest
from django.test import Client

from raak.programmes.models import ChangeRecord
from raak.programmes.status import open_round
from raak.questionnaires import exchange
from raak.questionnaires.models import Answer, Coding, Response
from tests.conftest import sign_in
from tests.test_questionnaires import DATA, P

TEXTS = ["Samenwerking met de scholen is verbeterd", "Te weinig geld voor scholing",
         "Samenwerking met partners in de keten", "Wachtlijsten in de jeugdzorg"]  # fmt: skip


@pytest.fixture
def worklist(demo, people):
    version = exchange.load(DATA, publish=True)
    rnd = open_round(
        demo, slug="start", name="Start", peildatum=date(2011, 3, 1), user=people["national"]
    )
    question = version.questions.get(key="toelichting")
    for i, region in enumerate(demo.regions.order_by("name")):
        response = Response.objects.create(
            version=version, round=rnd, region=region, state=Response.SUBMITTED
        )
        Answer.objects.create(
            response=response, question=question, value=f"{TEXTS[i % 4]} ({region.name})"
        )
    c = Client()
    sign_in(c, people["national"])
    theme = version.questionnaire.themes.create(key="samenwerking", name="Samenwerking")
    geld = version.questionnaire.themes.create(key="geld", name="Geld")
    return c, theme, geld, f"{P}/vragenlijsten/test-vragenlijst/codering/"


def test_pages_filters_and_one_save_for_many_answers(worklist, people):
    c, theme, geld, url = worklist
    page = c.get(url, {"ronde": "start"})
    assert page.context["total"] == 37 and len(page.context["items"]) == 25
    assert len(c.get(url, {"ronde": "start", "pagina": "2"}).context["items"]) == 12
    assert len(c.get(url, {"ronde": "start", "pagina": "abc"}).context["items"]) == 25
    items = page.context["items"]
    first = [it["answer"] for it in items[:4]]
    data = {"action": "code", "answer": [a.id for a in first]}
    for a in first:
        data[f"themes-{a.id}"] = (
            [theme.id] if "Samenwerking" in a.value else [geld.id] if "geld" in a.value else []
        )
    response = c.post(f"{url}?ronde=start&status=ongecodeerd", data)
    assert response.status_code == 302 and response["Location"].endswith(
        "?ronde=start&status=ongecodeerd"
    )
    coded = Coding.objects.filter(analyst=people["national"])
    expected = sum(1 for a in first if "Samenwerking" in a.value or "geld" in a.value)
    assert coded.count() == expected
    assert ChangeRecord.objects.filter(subject="codering test-vragenlijst").count() == expected
    assert c.get(url, {"ronde": "start", "status": "ongecodeerd"}).context["shown"] == 37 - expected
    assert c.get(url, {"ronde": "start", "thema": "samenwerking"}).context["shown"] == sum(
        1 for a in first if "Samenwerking" in a.value
    )
    assert c.get(url, {"ronde": "start", "regio": "gouda"}).context["shown"] == 1
    assert (
        c.get(url, {"ronde": "start", "analist": people["national"].username}).context["shown"]
        == expected
    )
    # Unchecking in a later save removes only that coding.
    a = next(a for a in first if "Samenwerking" in a.value)
    c.post(url, {"action": "code", "answer": [a.id]})
    assert not coded.filter(answer=a).exists() and coded.count() == expected - 1


def test_accepting_a_suggestion(worklist, people):
    c, theme, _geld, url = worklist
    answers = list(Answer.objects.order_by("id"))
    coded = [a for a in answers if a.value.startswith("Samenwerking met de scholen")][:2]
    data = {
        "action": "code",
        "answer": [a.id for a in coded],
        **{f"themes-{a.id}": [theme.id] for a in coded},
    }
    c.post(url, data)
    page = c.get(url, {"ronde": "start", "status": "ongecodeerd", "vraag": "toelichting"})
    item = next(
        it
        for it in page.context["items"]
        if it["answer"].value.startswith("Samenwerking met de scholen")
    )
    assert item["suggested"][0][0] == theme
    assert "Samenwerking accepteren" in page.content.decode()
    aid = item["answer"].id
    c.post(url, {"action": "code", "answer": [aid], "accept": f"{aid}:{theme.id}"})
    assert Coding.objects.filter(answer_id=aid, theme=theme, analyst=people["national"]).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "code", "answer": ["abc"]},
        {"action": "code"},
        {"action": "code", "answer": ["999999"]},
        {"action": "code", "answer": ["ANSWER"], "themes-ANSWER": ["abc"]},
        {"action": "code", "answer": ["ANSWER"], "accept": "abc"},
        {"action": "iets"},
    ],
)
def test_malformed_posts_are_refused_and_change_nothing(worklist, data):
    c, _theme, _geld, url = worklist
    aid = str(Answer.objects.first().id)
    data = {k.replace("ANSWER", aid): [v.replace("ANSWER", aid) for v in vs] if isinstance(vs, list) else vs
            for k, vs in data.items()}  # fmt: skip
    assert c.post(url, data).status_code == 400
    assert not Coding.objects.exists()
