"""Show-if expressions, and genuine XLSForm in (openpyxl-built workbooks) and out (pyxform)."""

from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pyxform import xls2xform

from raak.programmes import expressions
from raak.programmes.tables import FormatError
from raak.questionnaires import exchange, xlsform
from raak.questionnaires.models import Question, Questionnaire

TEMPLATES = Path(xlsform.__file__).parent / "data"
DATA = Path(__file__).resolve().parent / "data" / "test-questionnaire"

# --- the expression language --------------------------------------------------------------


@pytest.mark.parametrize(
    "text,values,expected",
    [
        ("${a} = 'x'", {"a": "x"}, True),
        ("${a} = 'x'", {"a": "y"}, False),
        ("${a} != 'x'", {}, True),
        ("${n} >= 3", {"n": 3}, True),
        ("${n} > 3", {"n": 3}, False),
        ("${n} < 3.5", {"n": 3}, True),
        ("${n} <= 2", {}, False),  # unanswered is no number: never smaller
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
        ("selected(${m}, 'c')", {"m": ["a", "b"]}, False),
        ("selected(${s}, 'a')", {"s": "a"}, True),
        ("${a} = 'x' and ${n} > 1", {"a": "x", "n": 2}, True),
        ("${a} = 'x' and ${n} > 1", {"a": "x", "n": 1}, False),
        ("${a} = 'x' or ${n} > 1", {"a": "y", "n": 2}, True),
        ("not(${a} = 'x')", {"a": "x"}, False),
        ("not(${a} = 'x' or ${a} = 'y') and (${n} > 0)", {"a": "z", "n": 1}, True),
        ('${a}="x"', {"a": "x"}, True),
        ("soort=eigen landelijk", {"soort": "landelijk"}, True),  # the old form
        ("soort=eigen landelijk", {"soort": "geen"}, False),
        ("soort=eigen", {"soort": ["eigen", "x"]}, True),
    ],
)
def test_expressions_evaluate(text, values, expected):
    tree = expressions.parse(text)
    assert expressions.evaluate(tree, values) is expected
    # Written back out, the text parses to the same tree (export uses this).
    assert expressions.parse(expressions.to_text(tree)) == tree


@pytest.mark.parametrize(
    "text,message",
    [
        ("${a} = ", "verwacht een vraag, tekst of getal, maar vond het einde (bij teken 8)"),
        (
            "${a} = 'x' and",
            "verwacht een vraag, tekst of getal, maar vond het einde (bij teken 15)",
        ),
        ("${a} # 'x'", "onverwacht teken “#” (bij teken 6)"),
        (
            "count-selected(${a}) > 1",
            "functie of woord “count-selected” wordt niet ondersteund (bij teken 1)",
        ),
        ("(${a} = 'x'", "verwacht ), maar vond het einde (bij teken 12)"),
        ("${a} = 'x' ${b}", "onverwacht “b” (bij teken 12)"),
        ("", "de uitdrukking is leeg (bij teken 1)"),
    ],
)
def test_expression_errors_name_the_position(text, message):
    with pytest.raises(expressions.ExpressionError) as e:
        expressions.parse(text)
    assert str(e.value) == message


def test_check_names_unknown_questions_and_choices():
    earlier = {"soort": {"eigen", "landelijk"}, "aantal": None}
    assert expressions.check("selected(${soort}, 'eigen') and ${aantal} > 2", earlier)
    with pytest.raises(expressions.ExpressionError, match="“sort” is geen eerdere vraag"):
        expressions.check("${sort} = 'eigen'", earlier)
    with pytest.raises(
        expressions.ExpressionError, match="“misschien” is geen keuze van vraag “soort”"
    ):
        expressions.check("${soort} = 'misschien'", earlier)
    with pytest.raises(expressions.ExpressionError, match="“x” is geen eerdere vraag"):
        expressions.check("x=a", earlier)


# --- XLSForm out: pyxform converts every export ------------------------------------------


def pyxform_warnings(path):
    result = xls2xform.convert(xlsform=str(path), validate=False)
    assert "<h:html" in result.xform
    return result.warnings


@pytest.mark.parametrize("name", ["eindmeting-zorgcontinuum", "slotrapportage"])
def test_every_shipped_template_exports_to_a_valid_xlsform(demo, tmp_path, name):
    version = exchange.load(TEMPLATES / f"{name}.json", publish=True)
    call_command("export", "questionnaire", version.questionnaire.slug, "--format", "xlsform",
                 "--output", str(tmp_path / "out"), stdout=StringIO())  # fmt: skip
    path = next((tmp_path / "out").iterdir())
    assert pyxform_warnings(path) == []
    # Export -> import gives the same questionnaire (as a new version).
    again = xlsform.load(path, publish=True).version
    assert again.number == 2
    assert definition(again) == definition(version)


def definition(version):
    tables = exchange.tables(version)
    tables.pop("questionnaire")
    for q in tables["questions"]:  # the old "q=a b" form is written out as XLSForm
        q["show_if"] = expressions.parse(q["show_if"]) if q["show_if"] else ""
    return tables


# --- XLSForm in: workbooks written for the tests -----------------------------------------

SURVEY_HEADER = ["Type", "Name", "Label::Nederlands (nl)", "label::English (en)", "label::Français (fr)",
                 "hint::Nederlands (nl)", "hint::English (en)", "Required", "relevant", "constraint",
                 "constraint_message::Nederlands (nl)", "appearance"]  # fmt: skip
SURVEY = [
    ["begin_group", "algemeen", "Algemeen", "General", "Général"],
    ["select_one soort", "soort", "Welke aanpak?", "Which approach?", "", "Kies er één", "Pick one", "yes"],
    ["select_multiple partners", "partners", "Welke partners?", "Which partners?", "", "", "", "no"],
    ["integer", "aantal", "Hoeveel instellingen?", "How many?", "", "", "", "", "", ". >= 0 and . <= 100",
     "tussen 0 en 100"],
    ["decimal", "budget", "Budget (miljoen)", "Budget", "", "", "", "", "${aantal} > 2", "0 <= ."],
    ["begin group", "details", "Details", "Details"],
    ["date", "sinds", "Sinds wanneer?", "Since when?", "", "", "", "", "selected(${soort}, 'eigen')"],
    ["text", "toelichting", "Toelichting", "Explanation", "", "", "", "", "", "string-length(.) <= 500"],
    ["note", "let-op", "Dank voor het invullen.", "Thank you.", "", "", "", "", "", "", "", "field-list"],
    ["end group"],
    ["end_group"],
    [],  # an empty row, as people leave them
    ["select_one soort or_other", "tweede", "Tweede aanpak?", "Second approach?", "", "", "", "no",
     "not(${soort} = 'landelijk') or ${aantal} >= 10"],
    ["start", "start"],
]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::Nederlands (nl)", "label::English (en)"],
    ["soort", "eigen", "eigen aanpak", "own approach"],
    ["soort", "landelijk", "landelijke aanpak", "national approach"],
    ["partners", "ggd", "GGD", "Public health"],
    ["partners", "politie", "Politie", "Police"],
]


def workbook(path, survey=SURVEY, choices=CHOICES, settings=True, header=SURVEY_HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Survey"  # sheet names in any case
    ws.append(header)
    for r in survey:
        ws.append(r)
    c = wb.create_sheet("CHOICES")
    for r in choices:
        c.append(r)
    if settings:
        s = wb.create_sheet("settings")
        s.append(["form_title", "form_id", "default_language"])
        s.append(["Testformulier", "test_formulier", "Nederlands (nl)"])
    wb.save(path)
    return path


def test_a_genuine_xlsform_is_imported_with_every_mapped_feature(demo, tmp_path):
    out = StringIO()
    call_command(
        "import", "questionnaire", str(workbook(tmp_path / "form.xlsx")), "--publish", stdout=out
    )
    assert "let op: survey, rij 15: metadata “start” genegeerd" in out.getvalue()
    assert "let op: survey: kolom “appearance” genegeerd" in out.getvalue()
    assert "andere talen bewaard als vertaling: English (en), Français (fr)" in out.getvalue()
    assert "form_id “test_formulier” wordt slug “test-formulier”" in out.getvalue()
    q = Questionnaire.objects.get(slug="test-formulier")
    assert q.name == "Testformulier"
    version = q.versions.get()
    assert [(s.key, s.title) for s in version.sections.all()] == [
        ("algemeen", "Algemeen"),
        ("algemeen_details", "Algemeen › Details"),
        ("algemeen-2", "Algemeen"),  # questions outside any group
    ]
    questions = {x.key: x for x in version.questions.all()}
    assert {k: x.type for k, x in questions.items()} == {
        "soort": Question.SINGLE, "partners": Question.MULTIPLE, "aantal": Question.INTEGER,
        "budget": Question.NUMBER, "sinds": Question.DATE, "toelichting": Question.TEXT,
        "let-op": Question.NOTE, "tweede": Question.SINGLE, "tweede_other": Question.TEXT,
    }  # fmt: skip
    soort = questions["soort"]
    assert soort.required and soort.help == "Kies er één"
    # French is kept where it was given, English where it was given.
    assert soort.translations == {"English (en)": {"label": "Which approach?", "hint": "Pick one"}}
    assert version.sections.get(key="algemeen").translations == {
        "English (en)": {"label": "General"},
        "Français (fr)": {"label": "Général"},
    }
    assert questions["aantal"].minimum == 0 and questions["aantal"].maximum == 100
    assert questions["aantal"].constraint_message == "tussen 0 en 100"
    assert questions["budget"].minimum == 0 and questions["budget"].maximum is None
    assert questions["budget"].show_if == "${aantal} > 2"
    assert questions["toelichting"].max_length == 500
    assert questions["tweede_other"].show_if == "selected(${tweede}, 'other')"
    assert not version.choices.filter(list_name="soort", key="other").exists()
    assert questions["tweede"].choice_list == "soort_or_other"
    assert list(version.choices.filter(list_name="soort_or_other").values_list("key", flat=True)) == [
        "eigen", "landelijk", "other"
    ]  # fmt: skip
    assert version.choices.get(list_name="partners", key="politie").translations == {
        "English (en)": {"label": "Police"}
    }
    # The exported form converts cleanly, and comes back the same.
    path = xlsform.write(version, tmp_path / "out")
    assert pyxform_warnings(path) == []
    again = xlsform.load(path).version
    assert definition(again) == definition(version)


def test_relevant_and_constraint_behave_in_the_form(demo, tmp_path):
    from raak.questionnaires.answers import Form

    version = xlsform.load(workbook(tmp_path / "form.xlsx")).version
    form = Form(version)
    values, errors = form.validate(
        {"soort": "landelijk", "aantal": "1", "budget": "5", "sinds": "01-01-2010",
         "tweede": "other", "tweede_other": "iets anders"}, submit=True)  # fmt: skip
    # budget needs aantal > 2; sinds needs soort eigen; tweede needs not landelijk or aantal >= 10
    assert errors == {}
    assert set(values) == {"soort", "aantal"}
    values, errors = form.validate({"soort": "eigen", "aantal": "101"}, submit=False)
    assert errors == {"aantal": "tussen 0 en 100"}
    values, errors = form.validate({"soort": "eigen", "aantal": "2.5"}, submit=False)
    assert errors == {"aantal": "Vul een geheel getal in."}


@pytest.mark.parametrize(
    "row,feature",
    [
        (["begin_repeat", "kinderen", "Kinderen"], "begin_repeat"),
        (["calculate", "som", "", "", "", "", "", "", "", "", "", ""], "calculate"),
        (["geopoint", "plek", "Waar?"], "geopoint"),
        (["image", "foto", "Foto"], "media (image)"),
        (["select_one_from_file gemeenten.csv", "gemeente", "Gemeente"], "external select"),
        (
            [
                "select_one soort",
                "keuze",
                "Keuze",
                "",
                "",
                "",
                "",
                "",
                "count-selected(${partners}) > 1",
            ],
            "relevant: functie of woord “count-selected” wordt niet ondersteund (bij teken 1)",
        ),
        (
            ["integer", "getal", "Getal", "", "", "", "", "", "", "regex(., '[0-9]')"],
            "constraint: functie of woord “regex” wordt niet ondersteund (bij teken 1)",
        ),
        (["integer", "getal", "Getal", "", "", "", "", "", "", ". != 5"], "constraint “. != 5”"),
    ],
)
def test_unsupported_features_are_refused_or_skipped_and_listed(demo, tmp_path, row, feature):
    extra = [["text", "naam", "Naam"], ["end_repeat"]] if row[0] == "begin_repeat" else []
    survey = [*SURVEY[:9], row, *extra, *SURVEY[9:]]
    header = SURVEY_HEADER
    if row[0] == "calculate":  # a calculation lives in its own column
        header = [*SURVEY_HEADER, "calculation"]
        row.append("${aantal} * 2")
    path = workbook(tmp_path / "form.xlsx", survey=survey, header=header)
    with pytest.raises(CommandError) as e:
        call_command("import", "questionnaire", str(path), stdout=StringIO())
    message = str(e.value)
    assert "form.xlsx:survey, rij 11" in message and feature in message
    assert f"“{row[1]}”" in message
    assert not Questionnaire.objects.filter(slug="test-formulier").exists()
    out = StringIO()
    call_command("import", "questionnaire", str(path), "--skip-unsupported", stdout=out)
    assert "overgeslagen: form.xlsx:survey, rij 11" in out.getvalue()
    version = Questionnaire.objects.get(slug="test-formulier").versions.get()
    assert row[1] not in set(version.questions.values_list("key", flat=True))
    assert version.questions.count() == 9


def test_a_broken_workbook_never_gives_a_traceback(demo, tmp_path):
    # Formulas, merged cells, a date typed into a label, thousands of choices.
    from datetime import date

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["select_one groot", "veel", '=CONCATENATE("Veel ", "keuzes")'])
    ws.append(["text", "datum", date(2010, 1, 1)])
    ws.append(["text", "samen", "Samengevoegd"])
    ws.merge_cells("C4:D4")
    c = wb.create_sheet("choices")
    c.append(["list_name", "name", "label"])
    for i in range(3000):
        c.append(["groot", f"k{i}", f"Keuze {i}"])
    wb.save(tmp_path / "raar.xlsx")
    with pytest.raises(FormatError) as e:
        xlsform.load(tmp_path / "raar.xlsx")
    # A formula without a stored value is refused with its cell named (RAAK never runs
    # or guesses one); openpyxl, which wrote it, stores none.
    assert [str(p) for p in e.value.problems] == [
        "raar.xlsx:survey, rij 2, kolom label: cel C2 is een formule zonder opgeslagen waarde; "
        "open het bestand in een spreadsheetprogramma en sla het op, of typ de waarde zelf"
    ]
    ws["C2"] = "Veel keuzes"
    wb.save(tmp_path / "raar.xlsx")
    version = xlsform.load(tmp_path / "raar.xlsx").version
    assert version.questions.get(key="datum").label == "2010-01-01"
    assert version.choices.filter(list_name="groot").count() == 3000


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not a zip", "geen leesbaar XLSX-bestand"),
        (None, "geen leesbaar XLSX-bestand: .*"),
    ],
)
def test_unreadable_or_oversized_workbooks_are_refused(demo, tmp_path, content, message):
    import zipfile

    path = tmp_path / "bom.xlsx"
    if content is None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", b"0" * (201 * 2**20))
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import", "questionnaire", str(path), stdout=StringIO())


def test_export_of_each_feature_converts_without_warnings(demo, tmp_path):
    version = exchange.load(DATA, publish=True)  # scale, yes/no, number bounds, text limit, show-if
    path = xlsform.write(version, tmp_path)
    assert pyxform_warnings(path) == []
    wb = openpyxl.load_workbook(path)
    survey = [[c.value for c in r] for r in wb["survey"].iter_rows()]
    header = survey[0]
    rows = {r[1]: dict(zip(header, r, strict=False)) for r in survey[1:]}
    assert rows["aantal"]["constraint"] == ". >= 0 and . <= 100"
    assert rows["aantal"]["type"] == "decimal"
    assert rows["toelichting"]["constraint"] == "string-length(.) <= 50"
    assert rows["sinds"]["relevant"] == "selected(${soort}, 'eigen')"
    assert rows["voorlichting"]["raak_type"] == "scale"
    assert rows["calamiteitenplan"]["type"] == "select_one yesno"
    assert definition(xlsform.load(path).version) == definition(version)


def test_overlong_cells_are_named_not_a_database_error(demo, tmp_path):
    choices = [*CHOICES, ["soort", "lang", "x" * 301, ""]]
    with pytest.raises(FormatError) as e:
        xlsform.load(workbook(tmp_path / "form.xlsx", choices=choices))
    assert [str(p) for p in e.value.problems] == [
        "form.xlsx:choices, rij 6, kolom label: langer dan 300 tekens"
    ]


# --- formula cells with stored values (issue #22) ------------------------------------------


def with_stored_values(path, values):
    """Give the formula cells of an openpyxl-written workbook the values a spreadsheet
    program stores with them on saving: {(sheet title, "B2"): value}. openpyxl writes a
    formula with an empty value; Excel and LibreOffice write the value they computed."""
    import re
    import shutil
    import zipfile
    from xml.sax.saxutils import escape

    wb = openpyxl.load_workbook(path)
    files = {f"xl/worksheets/sheet{n}.xml": ws.title for n, ws in enumerate(wb.worksheets, 1)}
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename in files:
                title = files[item.filename]

                def fill(m, title=title):
                    ref, formula = m.group(1), m.group(2)
                    if (title, ref) not in values:
                        return m.group(0)
                    value = values[title, ref]
                    kind = ' t="str"' if isinstance(value, str) else ""
                    return f'<c r="{ref}"{kind}><f>{formula}</f><v>{escape(str(value))}</v></c>'

                # An empty value is <v/> or <v></v>, depending on whether lxml is there.
                text = re.sub(r'<c r="([A-Z]+[0-9]+)"><f>(.*?)</f><v\s*(?:/>|></v>)</c>', fill,
                              data.decode())  # fmt: skip
                data = text.encode()
            zout.writestr(item, data)
    shutil.move(tmp, path)
    return path


def formula_form(path, stored=True):
    """A small XLSForm as a spreadsheet program leaves it: `version` as =TEXT(NOW(),...),
    `form_id` as =$C2 pointing at a helper column, a label built with a formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["text", "toelichting", '=CONCATENATE("Toe", "lichting")'])
    ws.append(["select_one jn", "akkoord", "Akkoord?"])
    c = wb.create_sheet("choices")
    c.append(["list_name", "name", "label"])
    c.append(["jn", "ja", "Ja"])
    c.append(["jn", "nee", "Nee"])
    s = wb.create_sheet("settings")
    s.append(["form_title", "form_id", "helper", "version"])
    s.append(["Formuleformulier", "=$C2", "formule-formulier", '=TEXT(NOW(),"yyyymmddhhmm")'])
    wb.save(path)
    if stored:
        with_stored_values(path, {
            ("survey", "C2"): "Toelichting", ("settings", "B2"): "formule-formulier",
            ("settings", "D2"): "202612072100",
        })  # fmt: skip
    return path


def test_formula_cells_of_an_xlsform_give_their_stored_values(demo, tmp_path):
    path = formula_form(tmp_path / "formules.xlsx")
    # The file really holds formulas, with values beside them.
    ws = openpyxl.load_workbook(path)["settings"]
    assert ws["B2"].data_type == "f" and ws["D2"].value.startswith("=TEXT(NOW()")
    assert openpyxl.load_workbook(path, data_only=True)["settings"]["B2"].value == (
        "formule-formulier"
    )
    version = xlsform.load(path, publish=True).version
    assert version.questionnaire.slug == "formule-formulier"
    assert version.questionnaire.name == "Formuleformulier"
    assert version.questions.get(key="toelichting").label == "Toelichting"


def test_a_formula_without_a_stored_value_is_refused_by_sheet_row_and_column(demo, tmp_path):
    path = formula_form(tmp_path / "formules.xlsx", stored=False)
    with pytest.raises(FormatError) as e:
        xlsform.load(path)
    problems = [str(p) for p in e.value.problems]
    assert problems[0].startswith(
        "formules.xlsx:survey, rij 2, kolom label: cel C2 is een formule zonder opgeslagen waarde"
    )
    assert any(
        p.startswith("formules.xlsx:settings, rij 2, kolom form_id: cel B2") for p in problems
    )
    assert any(
        p.startswith("formules.xlsx:settings, rij 2, kolom version: cel D2") for p in problems
    )
    assert not Questionnaire.objects.filter(slug="formule-formulier").exists()


def test_raaks_own_formats_keep_refusing_formulas_with_stored_values(demo, tmp_path):
    """A RAAK programme file (XLSX) with a formula that has a stored value: refused."""
    from raak.programmes import tables
    from raak.programmes.exporting import export_programme

    path = export_programme(demo, "xlsx", tmp_path / "out")[0]
    wb = openpyxl.load_workbook(path)
    ws = wb["regions"]
    ws["B2"] = '=CONCATENATE("Regio ", "X")'
    wb.save(path)
    with_stored_values(path, {("regions", "B2"): "Regio X"})
    with pytest.raises(FormatError) as e:
        tables.read(path)
    assert "is een formule; typ de waarde zelf" in str(e.value)


def test_allow_choice_duplicates_is_honoured(demo, tmp_path):
    def form(allow):
        path = tmp_path / f"dubbel-{allow}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "survey"
        ws.append(["type", "name", "label"])
        ws.append(["select_one kleur", "kleur", "Welke kleur?"])
        c = wb.create_sheet("choices")
        c.append(["list_name", "name", "label"])
        for name, label in (("rood", "Rood"), ("blauw", "Blauw"), ("rood", "Karmijn")):
            c.append(["kleur", name, label])
        s = wb.create_sheet("settings")
        s.append(["form_id", "allow_choice_duplicates"])
        s.append([f"dubbel-{allow}", allow])
        wb.save(path)
        return path

    with pytest.raises(FormatError) as e:
        xlsform.load(form("no"))
    assert "dubbel-no.xlsx:choices, rij 4, kolom key" in str(e.value)
    assert "“rood” staat al in lijst kleur" in str(e.value)
    result = xlsform.load(form("yes"))
    choices = list(result.version.choices.filter(list_name="kleur").values_list("key", "label"))
    assert choices == [("rood", "Rood"), ("blauw", "Blauw")]
    assert any("rij 4: “rood” staat al in lijst kleur (rij 2)" in n for n in result.notes)
