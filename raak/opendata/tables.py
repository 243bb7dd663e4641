"""The open-data tables of one published round, taken from the code that draws the
national picture, its annexes and the questionnaire comparison, so that the files say
exactly what the pages say (nothing is counted again here).

Only aggregate figures and the statuses and answers the public annexes show go out:
no notes, no evidence, no names, no open answers, nothing of a round that is not
published (`round_tables` refuses one).
"""

from dataclasses import dataclass, field

from django.utils import translation

from raak.lib.geo import province_name
from raak.picture.national import NationalPicture
from raak.programmes import wording
from raak.programmes.models import MilestoneStatus, Round
from raak.programmes.summary import summarise
from raak.questionnaires.compare import compare
from raak.questionnaires.models import Questionnaire, Response

STRING, INTEGER, DECIMAL, DATE, BOOLEAN = "string", "integer", "decimal", "date", "boolean"


@dataclass
class Column:
    name: str
    title_nl: str
    title_en: str
    datatype: str = STRING
    required: bool = False
    # The code list this column takes its values from: (table key, column name).
    reference: tuple | None = None
    pattern: str = ""  # a regular expression every non-empty value matches
    description: str = ""


@dataclass
class Table:
    key: str  # the file name without extension; stable once published
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    columns: list
    primary_key: list
    rows: list = field(default_factory=list)
    code_list: bool = False

    @property
    def references(self):
        return sorted({c.reference[0] for c in self.columns if c.reference})


class NotPublished(Exception):
    pass


REGION = Column(
    "regio", "Regio (code)", "Region (code)", required=True, reference=("regios", "regio")
)
REGION_NAME = Column("regio_naam", "Regio", "Region")
STATUS = Column(
    "status", "Status (code)", "Status (code)", required=True, reference=("statussen", "status")
)


def region_list(picture):
    """The code list of the regions active at the round's peildatum, with their CBS codes."""
    rows = [
        [r.slug, r.name, r.centrumgemeente_code, r.province_code,
         _province(r.province_code)]
        for r in picture.regions
    ]  # fmt: skip
    return Table(
        "regios", "Regio's", "Regions",
        "De regio's van het programma op de peildatum van de ronde, met de CBS-code van "
        "hun centrumgemeente en provincie.",
        "The programme's regions at the round's reference date, with the CBS codes of "
        "their central municipality and province.",
        [
            Column("regio", "Regio (code)", "Region (code)", required=True),
            Column("naam", "Naam", "Name", required=True),
            Column("centrumgemeente_cbscode", "CBS-code centrumgemeente",
                   "CBS code of the central municipality", pattern=r"GM[0-9]{4}",
                   description="CBS-gemeentecode (Gebieden in Nederland), bijvoorbeeld GM0363"),
            Column("provincie_cbscode", "CBS-code provincie", "CBS code of the province",
                   pattern=r"PV[0-9]{2}",
                   description="CBS-provinciecode (Gebieden in Nederland), bijvoorbeeld PV27"),
            Column("provincie", "Provincie", "Province"),
        ],
        ["regio"], rows, code_list=True,
    )  # fmt: skip


def _province(code):
    return province_name(code) if code else ""


def status_list(programme):
    """The programme's code list of milestone statuses, in both languages."""
    with translation.override("nl"):
        nl = wording.status_labels(programme)
    programme.__dict__.pop("_status_labels", None)
    with translation.override("en"):
        en = wording.status_labels(programme)
    programme.__dict__.pop("_status_labels", None)
    rows = [[key, nl[key], en[key]] for key, _label in MilestoneStatus.STATUSES]
    return Table(
        "statussen", "Statussen van mijlpalen", "Milestone statuses",
        "De codelijst van de statussen die een regio per mijlpaal kan hebben.",
        "The code list of the statuses a region can have on a milestone.",
        [
            Column("status", "Status (code)", "Status (code)", required=True),
            Column("label_nl", "Omschrijving (Nederlands)", "Label (Dutch)", required=True),
            Column("label_en", "Omschrijving (Engels)", "Label (English)", required=True),
        ],
        ["status"], rows, code_list=True,
    )  # fmt: skip


def milestone_summary(picture):
    total = picture.summary.regions
    rows = []
    for item in picture.summary.items:
        if item.kind == "milestone":
            for c in item.categories:
                rows.append([item.key, item.label, c.key, c.label, c.count, c.percent, total])
    return Table(
        "mijlpalen", "Mijlpalen: aantal regio's per status", "Milestones: regions per status",
        "Per mijlpaal het aantal en percentage regio's per status, van de regio's die op "
        "de peildatum bestonden.",
        "Per milestone the number and percentage of regions per status, of the regions "
        "that existed at the reference date.",
        [
            Column("mijlpaal", "Mijlpaal (code)", "Milestone (code)", required=True),
            Column("mijlpaal_naam", "Mijlpaal", "Milestone"),
            STATUS,
            Column("status_label", "Status", "Status"),
            Column("aantal", "Aantal regio's", "Number of regions", INTEGER, True),
            Column("percentage", "Percentage van de regio's", "Percentage of regions", DECIMAL),
            Column("regio_totaal", "Regio's op de peildatum", "Regions at the reference date",
                   INTEGER),
        ],
        ["mijlpaal", "status"], rows,
    )  # fmt: skip


def _iso(day):
    return day.isoformat() if day else None


def milestones_per_region(picture):
    """Bijlage 1, one row per region and milestone: the status and the expected
    period the annex shows, never the note."""
    rows = []
    for region in picture.regions:
        for m in picture.milestones:
            cell = picture.milestone_cell(region, m)
            s = cell.obj
            rows.append([
                region.slug, region.name, m.key, wording.local(m), cell.category, cell.label,
                s.expected_text if s and s.status in s.WITH_PERIOD else "",
                _iso(s.expected_earliest) if s and s.status in s.WITH_PERIOD else None,
                _iso(s.expected_latest) if s and s.status in s.WITH_PERIOD else None,
            ])  # fmt: skip
    title = wording.local(picture.programme, "milestone_annex_title")
    return Table(
        "mijlpalen-per-regio", f"{title}: status per regio en mijlpaal",
        "Milestones: status per region and milestone",
        "De bijlage van de mijlpalen: per regio en mijlpaal de status en, voor verwacht en "
        "gedeeltelijk, de verwachte periode.",
        "The milestone annex: per region and milestone the status and, for expected and "
        "partial, the expected period.",
        [
            REGION, REGION_NAME,
            Column("mijlpaal", "Mijlpaal (code)", "Milestone (code)", required=True),
            Column("mijlpaal_naam", "Mijlpaal", "Milestone"),
            STATUS,
            Column("status_label", "Status", "Status"),
            Column("verwachte_periode", "Verwachte periode", "Expected period"),
            Column("verwacht_vanaf", "Vroegste dag van de verwachte periode",
                   "First day of the expected period", DATE),
            Column("verwacht_uiterlijk", "Laatste dag van de verwachte periode",
                   "Last day of the expected period", DATE),
        ],
        ["regio", "mijlpaal"], rows,
    )  # fmt: skip


def indicators_per_region(picture):
    """Bijlage 2, one row per region and indicator: the answer and its date."""
    rows = []
    for region in picture.regions:
        for indicator in picture.indicators:
            cell = picture.indicator_cell(region, indicator)
            v = cell.obj
            rows.append([
                region.slug, region.name, indicator.key, wording.local(indicator),
                cell.category, cell.label, _iso(v.date) if v else None,
            ])  # fmt: skip
    return Table(
        "indicatoren-per-regio", "Indicatoren per regio", "Indicators per region",
        "De bijlage van de indicatoren: per regio en indicator het antwoord en, waar het "
        "antwoord er een heeft, de datum.",
        "The indicator annex: per region and indicator the answer and, where the answer "
        "has one, its date.",
        [
            REGION, REGION_NAME,
            Column("indicator", "Indicator (code)", "Indicator (code)", required=True),
            Column("indicator_naam", "Indicator", "Indicator"),
            Column("antwoord", "Antwoord (code)", "Answer (code)", required=True),
            Column("antwoord_label", "Antwoord", "Answer"),
            Column("datum", "Datum bij het antwoord", "Date of the answer", DATE),
        ],
        ["regio", "indicator"], rows,
    )  # fmt: skip


def questionnaire_distributions(rnd):
    """Per questionnaire answered in the round, per closed question the regions per
    answer, as the comparison page counts them (the round compared with itself).
    Open answers never go out."""
    rows = []
    answered = Questionnaire.objects.filter(
        versions__responses__round=rnd, versions__responses__state=Response.SUBMITTED
    ).distinct()
    for q in answered:
        result = compare(q, rnd, rnd)
        for item in result["items"]:
            for lv in item.levels:
                rows.append([q.slug, q.name, item.key, item.label, lv.key, lv.label, lv.end,
                             lv.end_percent, item.end_missing, result["n_end"], q.fictional])  # fmt: skip
    return Table(
        "vragenlijsten", "Vragenlijsten: antwoorden per vraag",
        "Questionnaires: answers per question",
        "Per vragenlijst en gesloten vraag het aantal en percentage regio's per antwoord "
        "(alleen ingediende antwoorden; open antwoorden worden niet gepubliceerd).",
        "Per questionnaire and closed question the number and percentage of regions per "
        "answer (submitted answers only; open answers are not published).",
        [
            Column("vragenlijst", "Vragenlijst (code)", "Questionnaire (code)", required=True),
            Column("vragenlijst_naam", "Vragenlijst", "Questionnaire"),
            Column("vraag", "Vraag (code)", "Question (code)", required=True),
            Column("vraag_tekst", "Vraag", "Question"),
            Column("antwoord", "Antwoord (code)", "Answer (code)", required=True),
            Column("antwoord_label", "Antwoord", "Answer"),
            Column("aantal", "Aantal regio's", "Number of regions", INTEGER, True),
            Column("percentage", "Percentage van de regio's", "Percentage of regions", DECIMAL),
            Column("geen_antwoord", "Regio's zonder antwoord op de vraag",
                   "Regions without an answer to the question", INTEGER),
            Column("regio_totaal", "Regio's op de peildatum", "Regions at the reference date",
                   INTEGER),
            Column("fictieve_gegevens", "Fictieve gegevens", "Fictional data", BOOLEAN),
        ],
        ["vragenlijst", "vraag", "antwoord"], rows,
    )  # fmt: skip


def change(picture):
    """Per milestone and indicator and per category: the regions in the previous
    published round and now, and the difference."""
    previous = picture.previous
    before = {i.key: i for i in summarise(previous).items}
    rows = []
    for item in picture.summary.items:
        old = before.get(item.key)
        keys = [c.key for c in item.categories]
        if old:
            keys += [c.key for c in old.categories if c.key not in keys]
        for key in keys:
            now, then = item.category(key), old.category(key) if old else None
            label = (now or then).label
            n_now, n_then = (now.count if now else 0), (then.count if then else None)
            rows.append([
                "mijlpaal" if item.kind == "milestone" else "indicator", item.key, item.label,
                key, label, previous.slug, n_then,
                then.percent if then else None, n_now, now.percent if now else 0.0,
                n_now - n_then if n_then is not None else None,
            ])  # fmt: skip
    return Table(
        "verandering", "Verandering sinds de vorige gepubliceerde ronde",
        "Change since the previous published round",
        f"Per mijlpaal en indicator en per categorie het aantal regio's in de vorige "
        f"gepubliceerde ronde ({previous.name}) en in deze ronde, en het verschil.",
        f"Per milestone and indicator and per category the number of regions in the "
        f"previous published round ({previous.name_en or previous.name}) and in this "
        f"round, and the difference.",
        [
            Column("soort", "Soort (mijlpaal of indicator)", "Kind (milestone or indicator)",
                   required=True),
            Column("onderdeel", "Mijlpaal of indicator (code)", "Milestone or indicator (code)",
                   required=True),
            Column("onderdeel_naam", "Mijlpaal of indicator", "Milestone or indicator"),
            Column("categorie", "Status of antwoord (code)", "Status or answer (code)",
                   required=True),
            Column("categorie_label", "Status of antwoord", "Status or answer"),
            Column("vorige_ronde", "Vorige ronde (code)", "Previous round (code)"),
            Column("aantal_vorige_ronde", "Aantal regio's in de vorige ronde",
                   "Regions in the previous round", INTEGER),
            Column("percentage_vorige_ronde", "Percentage in de vorige ronde",
                   "Percentage in the previous round", DECIMAL),
            Column("aantal", "Aantal regio's", "Number of regions", INTEGER, True),
            Column("percentage", "Percentage van de regio's", "Percentage of regions", DECIMAL),
            Column("verschil", "Verschil in aantal regio's", "Difference in regions", INTEGER),
        ],
        ["soort", "onderdeel", "categorie"], rows,
    )  # fmt: skip


# The data tables of a round, in the order of the open-data page. Their keys are
# part of the stable URLs: never rename one.
DATA_TABLES = ("mijlpalen", "mijlpalen-per-regio", "indicatoren-per-regio", "vragenlijsten",
               "verandering")  # fmt: skip
CODE_LISTS = ("regios", "statussen")
TITLES = {
    "mijlpalen": ("Mijlpalen: aantal regio's per status", "Milestones: regions per status"),
    "mijlpalen-per-regio": ("Status per regio en mijlpaal", "Status per region and milestone"),
    "indicatoren-per-regio": ("Indicatoren per regio", "Indicators per region"),
    "vragenlijsten": ("Vragenlijsten: antwoorden per vraag", "Questionnaires: answers per question"),
    "verandering": ("Verandering sinds de vorige gepubliceerde ronde",
                    "Change since the previous published round"),
    "regios": ("Regio's (codelijst)", "Regions (code list)"),
    "statussen": ("Statussen van mijlpalen (codelijst)", "Milestone statuses (code list)"),
}  # fmt: skip


def title(key):
    nl, en = TITLES[key]
    return en if wording.english() else nl


@dataclass
class RoundTables:
    round: Round
    tables: dict  # key -> Table, data tables and code lists

    def data_tables(self):
        return [self.tables[k] for k in DATA_TABLES if k in self.tables]


def available(rnd):
    """The keys of the tables a published round has, without building them: the
    change table only with a previous published round, the questionnaire table only
    with submitted answers."""
    keys = ["mijlpalen", "mijlpalen-per-regio", "indicatoren-per-regio"]
    if Response.objects.filter(round=rnd, state=Response.SUBMITTED).exists():
        keys.append("vragenlijsten")
    if (
        Round.objects.filter(programme=rnd.programme, peildatum__lt=rnd.peildatum)
        .visible_to_public()
        .exists()
    ):
        keys.append("verandering")
    return keys


def round_tables(rnd, only=None):
    """Every table of a published round (or those named in `only`), in Dutch."""
    if not rnd.is_published:
        raise NotPublished(rnd.slug)
    wanted = set(only or (*DATA_TABLES, *CODE_LISTS))
    with translation.override("nl"):
        picture = NationalPicture(rnd)
        out = {}
        if "regios" in wanted or wanted & {"mijlpalen-per-regio", "indicatoren-per-regio"}:
            out["regios"] = region_list(picture)
        if wanted & {"statussen", "mijlpalen", "mijlpalen-per-regio"}:
            out["statussen"] = status_list(rnd.programme)
        if "mijlpalen" in wanted:
            out["mijlpalen"] = milestone_summary(picture)
        if "mijlpalen-per-regio" in wanted:
            out["mijlpalen-per-regio"] = milestones_per_region(picture)
        if "indicatoren-per-regio" in wanted:
            out["indicatoren-per-regio"] = indicators_per_region(picture)
        if "vragenlijsten" in wanted:
            table = questionnaire_distributions(rnd)
            if table.rows:
                out["vragenlijsten"] = table
        if "verandering" in wanted and picture.previous is not None:
            out["verandering"] = change(picture)
    return RoundTables(rnd, out)
