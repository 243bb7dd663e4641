"""The questionnaire builder: a draft built in the browser (without JavaScript), checked
with the import's rules, previewed, published; conflicts and access."""

import pytest
from django.test import Client

from raak.programmes.models import ChangeRecord
from raak.questionnaires.models import Questionnaire
from tests.conftest import sign_in

P = "/raak-2008-2010"
B = f"{P}/vragenlijsten/gebouwd/bouwen/"


@pytest.fixture
def national(people):
    c = Client()
    sign_in(c, people["national"])
    return c


def draft():
    return Questionnaire.objects.get(slug="gebouwd").versions.order_by("-number").first()


def act(c, action, **data):
    return c.post(B, {"action": action, "draft": draft().id, **data})


def question(c, **data):
    base = {"section": "deel-1", "type": "text", "label": "Vraag", "help": "", "choice_list": "",
            "minimum": "", "maximum": "", "max_length": "", "show_if": "", "maps_to": "",
            "indicator": "", "constraint_message": ""}  # fmt: skip
    return act(c, "question", **{**base, **data})


def test_build_preview_publish_and_continue(demo, national):
    r = national.post(f"{P}/vragenlijsten/nieuw/", {"slug": "gebouwd", "name": "Gebouwd"})
    assert r.status_code == 302 and r["Location"] == B
    assert (
        national.post(f"{P}/vragenlijsten/nieuw/", {"slug": "gebouwd", "name": "X"}).status_code
        == 400
    )
    assert act(national, "section", key="deel-2", title="Deel 2").status_code == 302
    assert act(national, "section", key="deel-3", title="Deel 3").status_code == 302
    assert (
        act(
            national,
            "choices",
            list_name="aanpak",
            lines="eigen | eigen aanpak\nlandelijk | landelijke aanpak",
        ).status_code
        == 302
    )
    assert (
        question(
            national,
            key="aanpak",
            type="single",
            choice_list="aanpak",
            label="Welke aanpak?",
            section="deel-2",
            required="on",
        ).status_code
        == 302
    )
    # Show-if naming an unknown question or choice: refused, named, nothing changed.
    r = question(
        national,
        key="sinds",
        type="date",
        label="Sinds?",
        section="deel-3",
        show_if="${aanpk} = 'eigen'",
    )
    assert r.status_code == 400 and "“aanpk” is geen eerdere vraag" in r.content.decode()
    r = question(
        national,
        key="sinds",
        type="date",
        label="Sinds?",
        section="deel-3",
        show_if="${aanpak} = 'eigne'",
    )
    assert r.status_code == 400 and "“eigne” is geen keuze van vraag “aanpak”" in r.content.decode()
    r = question(
        national, key="sinds", type="date", label="Sinds?", section="deel-3", show_if="${aanpak} = "
    )
    assert "(bij teken 12)" in r.content.decode()
    assert question(national, key="sinds", type="date", label="Sinds?", section="deel-3",
                    show_if="${aanpak} = 'eigen'").status_code == 302  # fmt: skip
    assert question(national, key="aantal", type="integer", label="Hoeveel?", section="deel-3",
                    minimum="0", maximum="10", max_length="abc").status_code == 400  # fmt: skip
    # Reorder by buttons: "sinds" cannot move above the question it depends on.
    r = act(national, "question-up", key="sinds")
    assert r.status_code == 302  # moves to the end of deel-2, after aanpak: still fine
    r = act(national, "question-up", key="sinds")
    assert r.status_code == 400 and "“aanpak” is geen eerdere vraag" in r.content.decode()
    keys = [q.key for q in draft().questions.order_by("section__position", "position")]
    assert keys == ["vraag-1", "aanpak", "sinds"]
    assert act(national, "section-delete", key="deel-3").status_code == 302
    # The check endpoint the page calls as you type.
    check = national.get(
        f"{P}/vragenlijsten/gebouwd/bouwen/toon-als.json", {"vraag": "sinds", "expr": "${x} = 'a'"}
    ).json()
    assert check == {"ok": False, "message": "“x” is geen eerdere vraag"}
    assert national.get(
        f"{P}/vragenlijsten/gebouwd/bouwen/toon-als.json",
        {"vraag": "sinds", "expr": "${aanpak} = 'eigen'"},
    ).json()["ok"]
    # The preview is the region's page: the same fields, the same show-if tree.
    page = national.get(f"{P}/vragenlijsten/gebouwd/bouwen/voorbeeld/").content.decode()
    assert (
        'data-show-if="[&quot;cmp&quot;, &quot;=&quot;, [&quot;q&quot;, &quot;aanpak&quot;]' in page
    )
    assert "Voorbeeld zoals een regio het ziet" in page
    r = national.post(
        f"{P}/vragenlijsten/gebouwd/bouwen/voorbeeld/", {"action": "submit", "aanpak": ""}
    )
    assert "Deze vraag is verplicht." in r.content.decode()
    # A stale form is a conflict, not an overwrite.
    stale = draft().id
    act(national, "section", key="deel-4", title="Deel 4")
    r = national.post(B, {"action": "section", "draft": stale, "key": "deel-5", "title": "Deel 5"})
    assert r.status_code == 409 and not draft().sections.filter(key="deel-5").exists()
    assert act(national, "publish").status_code == 302
    v1 = draft()
    assert v1.published and v1.number == 1
    assert ChangeRecord.objects.filter(
        subject="vragenlijst gebouwd", new="1 (gepubliceerd)"
    ).exists()
    assert (
        national.post(
            B, {"action": "section", "draft": v1.id, "key": "x", "title": "X"}
        ).status_code
        == 404
    )
    assert national.post(B, {"action": "new-draft"}).status_code == 302
    v2 = draft()
    assert v2.number == 2 and not v2.published and v2.previous == v1
    assert set(v2.questions.values_list("maps_to", flat=True)) == {"vraag-1", "aanpak", "sinds"}


def test_only_the_national_office_builds(demo, people, national):
    national.post(f"{P}/vragenlijsten/nieuw/", {"slug": "gebouwd", "name": "Gebouwd"})
    urls = [f"{P}/vragenlijsten/nieuw/", B, f"{B}voorbeeld/", f"{B}toon-als.json"]
    for who, status in (("anonymous", 302), ("coord_a", 403), ("coord_b", 403), ("viewer_a", 403)):
        c = Client()
        if who != "anonymous":
            sign_in(c, people[who])
        for url in urls:
            assert c.get(url).status_code == status, (who, url)
            assert (
                c.post(
                    url, {"action": "section", "key": "x", "title": "X", "slug": "x", "name": "X"}
                ).status_code
                == status
            )
    for url in urls:
        assert national.get(url).status_code == 200, url
    assert national.post(B, {"action": "iets", "draft": draft().id}).status_code == 400
    assert (
        national.post(
            B, {"action": "section", "draft": "abc", "key": "y", "title": "Y"}
        ).status_code
        == 409
    )
    assert Questionnaire.objects.count() == 1 and not draft().sections.filter(key="x").exists()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_standard_yes_no_list_speaks_dutch(demo, national, lang):
    """The builder's standard yes/no list has Dutch labels (the data's language), in the
    builder, its preview and the XLSForm export, whatever the interface language."""
    import io

    from openpyxl import load_workbook

    national.cookies["django_language"] = lang
    national.post(f"{P}/vragenlijsten/nieuw/", {"slug": "gebouwd", "name": "Gebouwd"})
    assert question(national, key="jn", type="yesno", label="Ja of nee?").status_code == 302
    page = national.get(B).content.decode()
    assert "yes | Ja | 1\nno | Nee | 0\nunknown | Onbekend" in page
    preview = national.get(B + "voorbeeld/").content.decode()
    for label in ("Ja", "Nee", "Onbekend"):
        assert f"> {label}</label>" in preview, label
    assert "> Yes</label>" not in preview
    act(national, "publish")
    sheet = load_workbook(
        io.BytesIO(national.get(f"{P}/vragenlijsten/gebouwd/xlsform.xlsx").content)
    )["choices"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    labels = {r[1]: r[2] for r in rows[1:] if r[0] == "yesno"}
    assert labels == {"yes": "Ja", "no": "Nee", "unknown": "Onbekend"}
