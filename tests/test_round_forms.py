"""A region's questionnaires on the cycle's start page and report page, which list them
through programmes.round_forms without knowing raak.questionnaires."""

from pathlib import Path

from raak.programmes import round_forms
from raak.questionnaires import exchange
from tests.test_cycle import R2, cycle, report_url  # noqa: F401 (cycle is a fixture)

P = "/raak-2008-2010"


def test_questionnaires_listed_by_state(cycle):  # noqa: F811
    rnd, users, clients = cycle
    version = exchange.load(Path(__file__).parent / "data" / "test-questionnaire", publish=True)
    gouda = rnd.programme.regions.get(slug="gouda")
    url = f"{P}/vragenlijsten/test-vragenlijst/ronde/{R2}/regio/gouda/"
    [form] = round_forms.for_region(rnd, gouda)
    assert (form.name, form.url, form.started, form.submitted) == (
        "Testvragenlijst",
        url,
        False,
        False,
    )
    c = clients["coord_a"]
    start = c.get("/start/")
    assert start.context["blocks"][0].next_label == "Vul in: Testvragenlijst"
    assert "Testvragenlijst</a>: nog niet beantwoord" in start.content.decode()
    assert "Testvragenlijst</a>: nog niet beantwoord" in c.get(report_url()).content.decode()

    data = {"version_id": version.id, "lock": 0, "action": "save", "voorlichting": "all"}
    assert c.post(url, data).status_code == 302
    assert "Testvragenlijst</a>: concept, nog niet ingediend" in c.get("/start/").content.decode()
    assert "Testvragenlijst</a>: concept</li>" in c.get(report_url()).content.decode()

    full = {"calamiteitenplan": "yes", "soort": "eigen", "sinds": "01-02-2010"}
    assert c.post(url, {**data, **full, "lock": 1, "action": "submit"}).status_code == 302
    [form] = round_forms.for_region(rnd, gouda)
    assert form.submitted and form.state_label == "ingediend"
    assert "Testvragenlijst" not in c.get("/start/").content.decode()
    assert "Testvragenlijst</a>: ingediend</li>" in c.get(report_url()).content.decode()
