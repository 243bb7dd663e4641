"""Questionnaires: import, answering, validation, access, comparison, coding."""

import json
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from raak.programmes.models import IndicatorValue, Round
from raak.programmes.status import open_round
from raak.programmes.tables import FormatError
from raak.questionnaires import coding, exchange
from raak.questionnaires.models import Answer, Response, Version
from tests.conftest import sign_in

DATA = Path(__file__).resolve().parent / "data" / "test-questionnaire"
P = "/raak-2008-2010"
WHO = ["anonymous", "coord_a", "coord_b", "viewer_a", "national"]


@pytest.fixture
def version(demo):
    return exchange.load(DATA, publish=True)


@pytest.fixture
def rounds(people, demo):
    """Two rounds after the published demo round: a closed/published start and an open end."""
    start = open_round(
        demo, slug="start", name="Start", peildatum=date(2011, 3, 1), user=people["national"],
        forms=["test-vragenlijst"],
    )  # fmt: skip
    return start


@pytest.fixture
def clients(people):
    out = {"anonymous": Client()}
    for name in WHO[1:]:
        c = Client()
        sign_in(c, people[name])
        out[name] = c
    return out


def url(region="gouda", rnd="start", q="test-vragenlijst"):
    return f"{P}/vragenlijsten/{q}/ronde/{rnd}/regio/{region}/"


def answers(response):
    return {a.question.key: a.value for a in response.answers.select_related("question")}


def post(client, data, version, lock=1, action="save"):
    return client.post(url(), {"version_id": version.id, "lock": lock, "action": action, **data})


def test_import_from_the_spreadsheet_format_and_round_trip(version, tmp_path):
    assert version.published and version.number == 1
    assert [q.key for q in version.questions.order_by("position")] == [
        "voorlichting",
        "calamiteitenplan",
        "aantal",
        "soort",
        "sinds",
        "toelichting",
    ]
    assert version.choices.filter(list_name="yesno").count() == 3  # added for yes/no questions
    for fmt in ("json", "csv", "xlsx"):
        first, second = tmp_path / f"{fmt}1", tmp_path / f"{fmt}2"
        call_command(
            "export",
            "questionnaire",
            "test-vragenlijst",
            "--format",
            fmt,
            "--output",
            str(first),
            stdout=StringIO(),
        )
        source = first if fmt == "csv" else next(first.iterdir())
        call_command("import", "questionnaire", str(source), "--publish", stdout=StringIO())
        call_command(
            "export",
            "questionnaire",
            "test-vragenlijst",
            "--format",
            fmt,
            "--output",
            str(second),
            stdout=StringIO(),
        )

        def names(d):
            # File names carry the version number; the contents must be equal.
            return {re.sub(r"-v\d+", "-vX", p.name): p.read_bytes() for p in d.iterdir()}

        assert names(first) == names(second)


def test_a_published_version_is_never_changed(version, tmp_path):
    (tmp_path / "q").mkdir()
    for f in DATA.iterdir():
        (tmp_path / "q" / f.name).write_text(
            f.read_text().replace("Worden ouders voorgelicht?", "Gewijzigde vraag")
        )
    new = exchange.load(tmp_path / "q")
    assert new.number == 2 and not new.published and new.previous == version
    version.refresh_from_db()
    assert version.questions.get(key="voorlichting").label == "Worden ouders voorgelicht?"


@pytest.mark.parametrize(
    "change,where",
    [
        (("questions.csv", "scale,Worden", "schaal,Worden"), ("questions.csv", "2", "type")),
        (("questions.csv", ",ouders,", ",ouderz,"), ("questions.csv", "2", "choice_list")),
        (("questions.csv", "soort=eigen", "soort=misschien"), ("questions.csv", "6", "show_if")),
        (("questions.csv", "0,100", "100,0"), ("questions.csv", "4", "maximum")),
        (
            ("choices.csv", "ouders,all,alle ouders,2", "ouders,all,alle ouders,veel"),
            ("choices.csv", "2", "score"),
        ),
    ],
)
def test_a_broken_definition_names_its_row_and_imports_nothing(demo, tmp_path, change, where):
    (tmp_path / "q").mkdir()
    for f in DATA.iterdir():
        text = f.read_text()
        if f.name == change[0]:
            text = text.replace(change[1], change[2])
        (tmp_path / "q" / f.name).write_text(text)
    with pytest.raises(FormatError) as e:
        exchange.load(tmp_path / "q")
    assert (where[0], where[1], where[2]) in {(p.file, p.row, p.column) for p in e.value.problems}
    assert not Version.objects.exists()


def test_access_to_responses(version, rounds, clients):
    expected = {"anonymous": 302, "coord_a": 200, "coord_b": 404, "viewer_a": 200, "national": 200}
    assert {w: clients[w].get(url()).status_code for w in WHO} == expected
    data = {"version_id": version.id, "lock": 1, "action": "save", "voorlichting": "all"}
    got = {w: clients[w].post(url(), data).status_code for w in WHO}
    assert got == {
        "anonymous": 302,
        "coord_a": 302,
        "coord_b": 404,
        "viewer_a": 403,
        "national": 302,
    }


def test_draft_submit_and_reopen(version, rounds, clients):
    c = clients["coord_a"]
    assert post(c, {"voorlichting": "some"}, version).status_code == 302
    response = Response.objects.get()
    assert (response.state, answers(response)) == ("draft", {"voorlichting": "some"})
    missing = post(c, {"voorlichting": "some"}, version, lock=response.lock, action="submit")
    assert "Deze vraag is verplicht" in missing.content.decode()  # calamiteitenplan
    assert Response.objects.get().state == "draft"
    ok = post(c, {"voorlichting": "all", "calamiteitenplan": "yes", "soort": "eigen", "sinds": "01-02-2010"},
              version, lock=response.lock, action="submit")  # fmt: skip
    assert ok.status_code == 302
    response.refresh_from_db()
    assert response.state == "submitted"
    assert answers(response) == {
        "voorlichting": "all",
        "calamiteitenplan": "yes",
        "soort": "eigen",
        "sinds": "2010-02-01",
    }
    assert post(c, {"voorlichting": "none"}, version, lock=response.lock).status_code == 403
    assert clients["coord_a"].post(url(), {"action": "reopen"}).status_code == 403
    assert clients["national"].post(url(), {"action": "reopen"}).status_code == 302
    response.refresh_from_db()
    assert response.state == "draft"


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"aantal": "veel"}, "aantal", "Vul een getal in"),
        ({"aantal": "101"}, "aantal", "grootste toegestane getal is 100"),
        ({"aantal": "-1"}, "aantal", "kleinste toegestane getal is 0"),
        ({"voorlichting": "soms"}, "voorlichting", "staat niet in de keuzelijst"),
        ({"toelichting": "x" * 51}, "toelichting", "Maximaal 50 tekens"),
        ({"soort": "eigen", "sinds": "vorig jaar"}, "sinds", "dd-mm-jjjj"),
    ],
)
def test_bad_answers_save_nothing(version, rounds, clients, data, field, message):
    response = post(clients["coord_a"], data, version)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_hidden_questions_are_not_stored(version, rounds, clients):
    post(
        clients["coord_a"],
        {"voorlichting": "all", "soort": "landelijk", "sinds": "01-02-2010"},
        version,
    )
    assert "sinds" not in answers(Response.objects.get())


def test_a_tampered_version_id_saves_nothing(version, rounds, clients):
    response = clients["coord_a"].post(
        url(), {"version_id": version.id + 99, "lock": 1, "action": "save", "voorlichting": "all"}
    )
    assert "andere versie van de vragenlijst" in response.content.decode()
    assert not Response.objects.exists()


def test_two_people_at_once(version, rounds, clients):
    # Both opened the empty form (lock 0); the first save creates the response.
    post(clients["coord_a"], {"voorlichting": "all"}, version, lock=0)
    clash = post(clients["national"], {"voorlichting": "none"}, version, lock=0)
    assert "iemand anders heeft dit intussen gewijzigd" in clash.content.decode()
    assert answers(Response.objects.get()) == {"voorlichting": "all"}


def test_closed_round_refuses_answers(version, rounds, clients):
    Round.objects.filter(pk=rounds.pk).update(state=Round.CLOSED)
    assert post(clients["coord_a"], {"voorlichting": "all"}, version).status_code == 403
    assert not Answer.objects.exists()


def test_slotrapportage_feeds_the_indicators(demo, people, rounds, clients):
    version = exchange.load(
        Path(exchange.__file__).parent / "data" / "slotrapportage.json", publish=True
    )
    data = {"version_id": version.id, "lock": 1, "action": "submit", "resultaat-1": "Samenwerking",
            "knelpunt-1": "Tijd", "levend-houden": "Geld", "regiocoordinator-na-2010": "no", "stuurgroep-na-2010": "yes"}  # fmt: skip
    assert clients["coord_a"].post(url(q="slotrapportage"), data).status_code == 302
    value = IndicatorValue.objects.get(
        round=rounds, region__slug="gouda", indicator__key="regiocoordinator-na-2010"
    )
    assert value.category.key == "no"  # was "yes" (copied from the published round)
    # "Tot wanneer" carries its date to the indicator as the category question does.
    leiden = {**data, "regiocoordinator-na-2010": "yes", "regiocoordinator-tot": "31-12-2012"}
    assert (
        clients["coord_b"]
        .post(url(region="leiden", q="slotrapportage"), {**leiden, "lock": 0})
        .status_code
        == 302
    )
    value = IndicatorValue.objects.get(
        round=rounds, region__slug="leiden", indicator__key="regiocoordinator-na-2010"
    )
    assert (value.category.key, value.date) == ("yes", date(2012, 12, 31))


def _answer(version, rnd, region, values):
    response = Response.objects.create(
        version=version, round=rnd, region=region, state=Response.SUBMITTED
    )
    for q in version.questions.filter(key__in=values):
        Answer.objects.create(response=response, question=q, value=values[q.key])


def test_comparison_agrees_with_hand_counts(version, rounds, people, demo, clients):
    start = rounds
    end = open_round(
        demo, slug="eind", name="Eind", peildatum=date(2011, 9, 1), user=people["national"]
    )
    gouda, leiden, delft = (demo.regions.get(slug=s) for s in ("gouda", "leiden", "delft"))
    _answer(version, start, gouda, {"voorlichting": "none", "calamiteitenplan": "no"})
    _answer(version, start, leiden, {"voorlichting": "some", "calamiteitenplan": "no"})
    _answer(version, start, delft, {"voorlichting": "all", "calamiteitenplan": "yes"})
    _answer(version, end, gouda, {"voorlichting": "all", "calamiteitenplan": "yes"})
    _answer(version, end, leiden, {"voorlichting": "some", "calamiteitenplan": "yes"})
    _answer(version, end, delft, {"voorlichting": "unknown", "calamiteitenplan": "yes"})
    # By hand: voorlichting start all 1 / some 1 / none 1, end all 1 / some 1 / unknown 1;
    # shifts: Gouda up, Leiden same, Delft not comparable (unknown has no score).
    out = StringIO()
    call_command(
        "compare",
        "--questionnaire",
        "test-vragenlijst",
        "--from",
        "start",
        "--to",
        "eind",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    item = next(i for i in data["items"] if i["key"] == "voorlichting")
    levels = {lv["key"]: (lv["from"], lv["to"]) for lv in item["levels"]}
    assert levels == {"all": (1, 1), "some": (1, 1), "none": (1, 0), "unknown": (0, 1)}
    assert item["shift"] == {"up": 1, "down": 0, "same": 1, "not_comparable": 35}
    assert item["no_answer"] == {"from": 34, "to": 34}
    plan = next(i for i in data["items"] if i["key"] == "calamiteitenplan")
    assert {lv["key"]: (lv["from"], lv["to"]) for lv in plan["levels"]}["yes"] == (1, 3)
    # The page shows the same numbers; unpublished rounds are for the national office only.
    page = clients["national"].get(
        f"{P}/vragenlijsten/test-vragenlijst/vergelijk/", {"van": "start", "naar": "eind"}
    )
    result = page.context["result"]
    page_item = next(i for i in result["items"] if i.key == "voorlichting")
    assert {lv.key: (lv.start, lv.end) for lv in page_item.levels} == levels
    assert (page_item.up, page_item.same) == (1, 1)
    assert "Het verschil is klein; voorzichtig interpreteren." in page_item.sentence
    for who in ("anonymous", "coord_a"):
        assert (
            clients[who]
            .get(f"{P}/vragenlijsten/test-vragenlijst/vergelijk/", {"van": "start", "naar": "eind"})
            .status_code
            == 404
        )
    Round.objects.filter(pk__in=[start.pk, end.pk]).update(state=Round.PUBLISHED)
    public = clients["anonymous"].get(
        f"{P}/vragenlijsten/test-vragenlijst/vergelijk/", {"van": "start", "naar": "eind"}
    )
    assert public.status_code == 200
    csv_text = (
        clients["anonymous"]
        .get(f"{P}/vragenlijsten/test-vragenlijst/vergelijk.csv", {"van": "start", "naar": "eind"})
        .content.decode()
    )
    assert "voorlichting,none,geen ouders,1,2.7,0,0.0" in csv_text
    # Individual responses stay inside, also once published.
    assert clients["anonymous"].get(url(rnd="eind")).status_code == 302
    assert clients["coord_b"].get(url(rnd="eind")).status_code == 404
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command(
            "compare",
            "--questionnaire",
            "test-vragenlijst",
            "--from",
            "start",
            "--to",
            "nergens",
            stdout=StringIO(),
        )


def test_export_responses_csv(version, rounds, demo):
    _answer(version, rounds, demo.regions.get(slug="gouda"), {"voorlichting": "some", "aantal": 12})
    out = StringIO()
    call_command(
        "export",
        "responses",
        "--questionnaire",
        "test-vragenlijst",
        "--round",
        "start",
        "--format",
        "csv",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert (
        lines[0]
        == "region,state,version,voorlichting,calamiteitenplan,aantal,soort,sinds,toelichting"
    )
    assert lines[1] == "gouda,submitted,1,een deel van de ouders,,12,,,"


def test_agreement_and_kappa_on_a_hand_computed_fixture():
    # Ten answers; analyst A puts 1-4 in the theme, analyst B 2-5.
    # Both yes: 2,3,4 (3); both no: 6-10 (5); agreement 8/10 = 0.8.
    # pA = 0.4, pB = 0.4; pe = 0.4*0.4 + 0.6*0.6 = 0.52; kappa = (0.8-0.52)/(1-0.52) = 0.5833.
    po, kappa = coding.agreement(range(1, 11), {1, 2, 3, 4}, {2, 3, 4, 5})
    assert po == pytest.approx(0.8)
    assert kappa == pytest.approx(0.28 / 0.48)
    assert coding.agreement(range(1, 5), {1, 2, 3, 4}, {1, 2, 3, 4}) == (
        1.0,
        None,
    )  # pe = 1: undefined
    assert coding.agreement([], set(), set()) == (None, None)


def test_suggestions_explain_themselves():
    coded = {1: ("Meer samenwerking tussen gemeenten en instellingen", {"samenwerking"}),
             2: ("Te weinig geld voor scholing", {"financien"})}  # fmt: skip
    result = coding.suggest({3: "Samenwerking tussen instellingen is beter geworden"}, coded)
    assert result[3]["themes"][0][0] == "samenwerking"
    assert result[3]["nearest"][0][1] == 1


def test_a_new_version_maps_its_items_to_the_previous_one(version, rounds, people, demo, tmp_path):
    # Version 2 renames "voorlichting" to "voorlichting-ouders" and says it continues it.
    (tmp_path / "q").mkdir()
    for f in DATA.iterdir():
        text = f.read_text()
        if f.name == "questions.csv":
            text = text.replace("a,voorlichting,scale,Worden ouders voorgelicht?,,yes,ouders,,,,,,",
                                "a,voorlichting-ouders,scale,Worden alle ouders voorgelicht?,,yes,ouders,,,,,voorlichting,")  # fmt: skip
        (tmp_path / "q" / f.name).write_text(text)
    v2 = exchange.load(tmp_path / "q", publish=True)
    end = open_round(
        demo, slug="eind", name="Eind", peildatum=date(2011, 9, 1), user=people["national"]
    )
    _answer(version, rounds, demo.regions.get(slug="gouda"), {"voorlichting": "none"})
    _answer(v2, end, demo.regions.get(slug="gouda"), {"voorlichting-ouders": "all"})
    out = StringIO()
    call_command(
        "compare",
        "--questionnaire",
        "test-vragenlijst",
        "--from",
        "start",
        "--to",
        "eind",
        stdout=out,
    )
    item = next(i for i in json.loads(out.getvalue())["items"] if i["key"] == "voorlichting")
    assert item["label"] == "Worden alle ouders voorgelicht?"
    assert item["shift"]["up"] == 1


def test_coding_page(version, rounds, people, demo, clients, django_user_model):
    from raak.accounts.models import Role
    from raak.questionnaires.models import Coding

    second = django_user_model.objects.create_user("analist-2")
    Role.objects.create(user=second, programme=demo, kind=Role.NATIONAL)
    for slug, text in (("gouda", "Meer samenwerking tussen partners"), ("leiden", "Samenwerking met scholen verbeterd"),
                       ("delft", "Te weinig geld voor scholing")):  # fmt: skip
        _answer(version, rounds, demo.regions.get(slug=slug), {"toelichting": text})
    page_url = f"{P}/vragenlijsten/test-vragenlijst/codering/?ronde=start"
    assert {w: clients[w].get(page_url).status_code for w in WHO} == {
        "anonymous": 302,
        "coord_a": 403,
        "coord_b": 403,
        "viewer_a": 403,
        "national": 200,
    }
    c = clients["national"]
    c.post(page_url, {"action": "theme", "key": "samenwerking", "name": "Samenwerking"})
    bad = c.post(page_url, {"action": "theme", "key": "Samen Werking", "name": ""}, follow=True)
    assert "Thema niet toegevoegd" in bad.content.decode()
    theme = version.questionnaire.themes.get()
    answers_by_region = {
        a.response.region.slug: a for a in Answer.objects.select_related("response__region")
    }
    gouda, leiden = answers_by_region["gouda"].id, answers_by_region["leiden"].id
    c.post(page_url, {"action": "code", "answer": [gouda], f"themes-{gouda}": [theme.id]})
    refused = c.post(page_url, {"action": "code", "answer": [leiden], f"themes-{leiden}": [theme.id],
                                f"fragment-{leiden}": "niet in het antwoord"}, follow=True)  # fmt: skip
    assert "letterlijk" in refused.content.decode()
    c.post(page_url, {"action": "code", "answer": [gouda, leiden], f"themes-{gouda}": [theme.id],
                      f"themes-{leiden}": [theme.id], f"fragment-{leiden}": "Samenwerking met scholen"})  # fmt: skip
    other = Client()
    sign_in(other, second)
    other.post(page_url, {"action": "code", "answer": [gouda], f"themes-{gouda}": [theme.id]})
    assert Coding.objects.count() == 3
    page = c.get(page_url)
    summary = next(s for s in page.context["summary"] if s["theme"] == theme)
    assert (
        summary["regions"] == ["Gouda", "Leiden"]
        and "Samenwerking met scholen" in summary["quotes"]
    )
    # Units: the two answers anyone coded; both coded Gouda, only one coded Leiden: 1 of 2 agree.
    row = page.context["agreement"][0]
    assert row["percent"] == 50.0
    # The uncoded Delft answer gets an explained suggestion, not a coding.
    delft = next(it for it in page.context["items"] if it["answer"].response.region.slug == "delft")
    assert delft["suggestion"] is not None and not delft["mine"]


def test_synthetic_demo_is_marked_fictional(db, tmp_path):
    call_command("demo", "--no-serve", "--synthetic", stdout=StringIO())
    c = Client()
    page = c.get("/fictief-2008-2010/vragenlijsten/eindmeting-zorgcontinuum/vergelijk/")
    assert page.status_code == 200 and "Fictieve gegevens" in page.content.decode()
    csv_text = c.get(
        "/fictief-2008-2010/vragenlijsten/eindmeting-zorgcontinuum/vergelijk.csv"
    ).content.decode()
    assert csv_text.splitlines()[0].startswith("fictieve gegevens,")
    assert "fictieve gegevens" in c.get("/fictief-2008-2010/vragenlijsten/").content.decode()
    # The demo programme itself has the templates, unanswered.
    assert not Response.objects.filter(round__programme__slug="raak-2008-2010").exists()
    assert (
        Version.objects.filter(
            questionnaire__programme__slug="raak-2008-2010", published=True
        ).count()
        == 2
    )


def test_comparison_follows_a_renamed_question_into_the_next_version(
    version, rounds, people, demo, monkeypatch
):
    """Start answered in version 1, end in version 2 where "voorlichting" is now
    "informatie" (maps_to): the pairs are counted by the database across versions, and
    the regions x items matrix is shown a page of regions at a time (issue #12)."""
    from raak.questionnaires import compare as comparing
    from raak.questionnaires.models import Choice, Section, Version

    start = rounds
    end = open_round(
        demo, slug="eind", name="Eind", peildatum=date(2011, 9, 1), user=people["national"]
    )
    v2 = Version.objects.create(
        questionnaire=version.questionnaire, number=version.number + 1, previous=version
    )
    for c in Choice.objects.filter(version=version):
        c.pk, c.version = None, v2
        c.save()
    for section in Section.objects.filter(version=version):
        questions = list(section.questions.all())
        section.pk, section.version = None, v2
        section.save()
        for q in questions:
            q.pk, q.version, q.section, q.maps_to = None, v2, section, ""
            if q.key == "voorlichting":
                q.key, q.maps_to = "informatie", "voorlichting"
            q.save()
    regions = {s: demo.regions.get(slug=s) for s in ("gouda", "leiden", "delft")}
    for slug, before, after in (("gouda", "none", "all"), ("leiden", "some", "some"),
                                ("delft", "all", "some")):  # fmt: skip
        _answer(version, start, regions[slug], {"voorlichting": before})
        _answer(v2, end, regions[slug], {"informatie": after})
    monkeypatch.setattr(comparing, "MATRIX_REGIONS", 2)
    first = comparing.compare(version.questionnaire, start, end)
    item = next(i for i in first["items"] if i.key == "voorlichting")
    assert {lv.key: (lv.start, lv.end) for lv in item.levels if lv.start or lv.end} == {
        "all": (1, 1), "some": (1, 2), "none": (1, 0),
    }  # fmt: skip
    assert (item.up, item.down, item.same) == (1, 1, 1)
    assert item.unscored == first["n_end"] - 3
    # Every page of the matrix has the same figures and its own regions' cells.
    pages = first["matrix_page"].paginator.num_pages
    assert pages == (first["n_end"] + 1) // 2
    seen = []
    for n in range(1, pages + 1):
        result = comparing.compare(version.questionnaire, start, end, matrix_page=n)
        assert [(i.up, i.down, i.same) for i in result["items"]] == [
            (i.up, i.down, i.same) for i in first["items"]
        ]
        column = [i.key for i in result["items"]].index("voorlichting")
        for region, cells in result["matrix"]:
            seen.append(region.slug)
            level, _rag = cells[column]
            expected = {"gouda": "all", "leiden": "some", "delft": "some"}.get(region.slug)
            assert (level.key if level else None) == expected
    assert sorted(seen) == sorted(r.slug for r in first["regions"])


def test_a_programme_with_answers_can_be_deleted_but_not_their_version_alone(version, rounds, demo):
    from django.db.models import RestrictedError

    from raak.programmes.models import Programme

    _answer(version, rounds, demo.regions.get(slug="gouda"), {})
    with pytest.raises(RestrictedError):
        version.delete()
    Programme.objects.filter(pk=demo.pk).delete()  # as `raak demo --reset` does
    assert not Response.objects.exists()
