"""Responses from a spreadsheet: all or nothing, each bad cell named, the same comparison
as answering in the browser."""

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from raak.programmes.models import ChangeRecord
from raak.programmes.status import open_round
from raak.questionnaires import exchange, service
from raak.questionnaires.answers import Form
from raak.questionnaires.compare import compare
from raak.questionnaires.models import Response

TEMPLATE = Path(exchange.__file__).parent / "data" / "eindmeting-zorgcontinuum.json"


@pytest.fixture
def eindmeting(demo, people):
    # Without the demo's validation rules, which would block submitting at these
    # peildata (as tests/conftest.py's open_round; the rules have their own tests).
    demo.rules.all().delete()
    version = exchange.load(TEMPLATE, publish=True)
    a = open_round(demo, slug="a", name="A", peildatum=date(2011, 3, 1), user=people["national"])
    b = open_round(demo, slug="b", name="B", peildatum=date(2011, 9, 1), user=people["national"])
    return version, a, b


def values_for(form, i):
    """Region i's answers: option i mod n for every choice question; open text for a few."""
    out = {}
    for q in form.questions:
        options = form.options(q)
        if options:
            out[q.key] = options[i % len(options)].key
    if i % 3 == 0:
        out["toelichting"] = f"Toelichting van regio {i}, met een komma"
    return out


def write_csv(path, form, regions, change=None):
    keys = [q.key for q in form.questions]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["region", *keys, "_submission_time"])  # Kobo adds columns like this
        for i, region in enumerate(regions):
            v = values_for(form, i)
            if change and change[0] == i:
                v[change[1]] = change[2]
            w.writerow([region.slug, *[v.get(k, "") for k in keys], "2011-09-01T10:00:00"])
    return path


def test_a_37_row_csv_gives_the_same_comparison_as_answering_in_the_browser(
    eindmeting, demo, people, tmp_path
):
    version, a, b = eindmeting
    form = Form(version)
    regions = list(demo.regions.order_by("position", "name"))
    assert len(regions) == 37
    out = StringIO()
    path = write_csv(tmp_path / "eind.csv", form, regions)
    call_command("import", "responses", "--questionnaire", version.questionnaire.slug,
                 "--round", "a", str(path), stdout=out)  # fmt: skip
    assert "Antwoorden van 37 regio's geïmporteerd" in out.getvalue()
    # The same answers through the browser's path (Form.validate, service.save).
    for i, region in enumerate(regions):
        raw = {k: str(v) for k, v in values_for(form, i).items()}
        values, errors = form.validate(raw, submit=True)
        assert errors == {}
        service.save(Response(version=version, round=b, region=region), form, values,
                     user=people["national"], lock=0, submit=True)  # fmt: skip
    result = compare(version.questionnaire, a, b)
    item = next(x for x in result["items"] if x.key == "voorlichting-ouders")
    # By hand: 37 regions over 4 options in turn -> all 10, some 9, none 9, unknown 9.
    assert {lv.key: (lv.start, lv.end) for lv in item.levels} == {
        "all": (10, 10), "some": (9, 9), "none": (9, 9), "unknown": (9, 9)
    }  # fmt: skip
    assert (item.up, item.down, item.same, item.unscored) == (0, 0, 28, 9)
    plan = next(x for x in result["items"] if x.key == "calamiteitenplan")
    # yes/no/unknown in turn: yes 13, no 12, unknown 12.
    assert {lv.key: (lv.start, lv.end) for lv in plan.levels} == {
        "yes": (13, 13), "no": (12, 12), "unknown": (12, 12)
    }  # fmt: skip
    for x in result["items"]:
        assert [(lv.start, lv.end) for lv in x.levels] == [(lv.end, lv.end) for lv in x.levels]
    # The change history says where the answers came from.
    records = ChangeRecord.objects.filter(round=a, field="status")
    assert records.count() == 37
    assert {r.actor for r in records} == {"import: eind.csv"}
    assert {r.new for r in records} == {"ingediend (import)"}
    first = Response.objects.get(round=a, region=regions[0])
    assert first.state == Response.SUBMITTED
    assert first.answers.get(question__key="toelichting").value.endswith("met een komma")


def test_one_bad_cell_refuses_the_whole_file_and_names_it(eindmeting, demo, tmp_path):
    version, a, _b = eindmeting
    form = Form(version)
    regions = list(demo.regions.order_by("position", "name"))
    path = write_csv(
        tmp_path / "eind.csv", form, regions, change=(20, "screening-zwangeren", "misschien")
    )
    with pytest.raises(CommandError) as e:
        call_command("import", "responses", "--questionnaire", version.questionnaire.slug,
                     "--round", "a", str(path), stdout=StringIO())  # fmt: skip
    assert (
        "eind.csv, rij 22, kolom screening-zwangeren: “misschien” staat niet in de keuzelijst."
        in str(e.value)
    )
    assert "1 probleem" in str(e.value)
    assert (
        not Response.objects.exists()
        and not ChangeRecord.objects.filter(subject__contains="(import").exists()
    )


@pytest.mark.parametrize(
    "change,message",
    [
        ((3, "region", "atlantis"), "rij 5, kolom region: onbekende regio “atlantis”"),
        ((3, "region", "REGION0"), "rij 5, kolom region: “REGION0” staat er al"),
        ((4, "capaciteit-amk", ""), "rij 6, kolom groep/capaciteit-amk: Deze vraag is verplicht."),
        # A formula is refused, its cell named.
        (
            (5, "voorlichting-ouders", "=1+1"),
            "rij 7, kolom groep/voorlichting-ouders: cel B7 is een formule",
        ),
    ],
)
def test_bad_rows_in_an_xlsx_are_named(eindmeting, demo, tmp_path, change, message):
    version, a, _b = eindmeting
    form = Form(version)
    keys = [q.key for q in form.questions]
    regions = list(demo.regions.order_by("position", "name")[:6])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Region", *[f"groep/{k}" for k in keys]])  # Kobo writes group paths
    for i, region in enumerate(regions):
        v = {"region": region.slug, **values_for(form, i)}
        if i == change[0]:
            v[change[1]] = change[2].replace("REGION0", regions[0].slug)
        ws.append([v.get("region"), *[v.get(k, "") for k in keys]])
    wb.save(tmp_path / "eind.xlsx")
    message = message.replace("REGION0", regions[0].slug)
    with pytest.raises(CommandError, match=message):
        call_command("import", "responses", "--questionnaire", version.questionnaire.slug,
                     "--round", "a", str(tmp_path / "eind.xlsx"), stdout=StringIO())  # fmt: skip
    assert not Response.objects.exists()


def test_unknown_columns_closed_rounds_and_submitted_regions_are_refused(
    eindmeting, demo, people, tmp_path
):
    version, a, _b = eindmeting
    form = Form(version)
    path = tmp_path / "x.csv"
    path.write_text("region,voorlichting-ouder\ngouda,all\n")
    with pytest.raises(
        CommandError, match="rij 1, kolom voorlichting-ouder: geen vraag van deze vragenlijst"
    ):
        call_command("import", "responses", "--questionnaire", version.questionnaire.slug,
                     "--round", "a", str(path), stdout=StringIO())  # fmt: skip
    gouda = demo.regions.get(slug="gouda")
    values, _e = form.validate(values_for(form, 0), submit=True)
    service.save(Response(version=version, round=a, region=gouda), form, values,
                 user=people["national"], lock=0, submit=True)  # fmt: skip
    path = write_csv(tmp_path / "y.csv", form, [gouda])
    with pytest.raises(CommandError, match="“gouda” heeft al ingediend; heropen eerst"):
        call_command("import", "responses", "--questionnaire", version.questionnaire.slug,
                     "--round", "a", str(path), stdout=StringIO())  # fmt: skip
    a.state = a.CLOSED
    a.save()
    with pytest.raises(CommandError, match="ronde “a” is niet open"):
        call_command("import", "responses", "--questionnaire", version.questionnaire.slug,
                     "--round", "a", str(path), stdout=StringIO())  # fmt: skip


def test_the_comparison_says_plainly_when_there_are_no_or_few_answers(
    eindmeting, demo, people, tmp_path
):
    from django.test import Client

    from raak.programmes.models import Round
    from tests.conftest import sign_in

    version, a, b = eindmeting
    c = Client()
    sign_in(c, people["national"])
    url = f"/{demo.slug}/vragenlijsten/{version.questionnaire.slug}/vergelijk/"
    page = c.get(url, {"van": "a", "naar": "b"}).content.decode()
    assert "Nog niets te vergelijken" in page and "Ingediende antwoorden: 0 in A, 0 in B." in page
    assert "Even veel" not in page
    form = Form(version)
    regions = list(demo.regions.order_by("position", "name"))
    call_command("import", "responses", "--questionnaire", version.questionnaire.slug, "--round", "a",
                 str(write_csv(tmp_path / "a.csv", form, regions)), stdout=StringIO())  # fmt: skip
    call_command("import", "responses", "--questionnaire", version.questionnaire.slug, "--round", "b",
                 str(write_csv(tmp_path / "b.csv", form, regions[:3])), stdout=StringIO())  # fmt: skip
    page = c.get(url, {"van": "a", "naar": "b"}).content.decode()
    assert "Weinig antwoorden: 37 regio’s in A en 3 in B." in page
    # The public list links to what the public may see, or says why there is nothing.
    public = Client()
    text = public.get(f"/{demo.slug}/vragenlijsten/").content.decode()
    assert "De gepubliceerde rondes hebben nog geen antwoorden op deze vragenlijst." in text
    Round.objects.filter(pk=a.pk).update(state=Round.PUBLISHED)
    text = public.get(f"/{demo.slug}/vragenlijsten/").content.decode()
    assert "Alleen A heeft antwoorden; een vergelijking heeft twee rondes nodig." in text
    Round.objects.filter(pk=b.pk).update(state=Round.PUBLISHED)
    text = public.get(f"/{demo.slug}/vragenlijsten/").content.decode()
    assert f"{url}?van=a&amp;naar=b" in text
    assert public.get(url, {"van": "a", "naar": "b"}).status_code == 200


def test_a_region_whose_report_is_submitted_is_refused(eindmeting, demo, people, tmp_path):
    from raak.cycle.submissions import transition

    version, a, _b = eindmeting
    form = Form(version)
    leiden = demo.regions.get(slug="leiden")
    transition(a, leiden, "submit", user=people["national"])
    path = write_csv(tmp_path / "z.csv", form, [leiden])
    with pytest.raises(CommandError, match="rapportage van “leiden” is ingediend"):
        call_command("import", "responses", "--questionnaire", version.questionnaire.slug,
                     "--round", "a", str(path), stdout=StringIO())  # fmt: skip
    assert not Response.objects.filter(round=a, region=leiden).exists()
