"""The JSON shapes of the API. Field names are lowerCamelCase (NL API Design Rules);
the views build plain dicts with these names and ninja checks them against these
schemas, which are also what the OpenAPI document says."""

import datetime as dt
import re
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, create_model

from raak.programmes.models import MilestoneStatus, Round

# Exactly the real days from 1800 to 2999 (leap days included), so that the document
# and the check agree on every string: a fuzzer finds no "valid" date we refuse.
_YEAR = r"(?:18|19|2\d)\d{2}"
_LEAP = r"(?:(?:18|19|2\d)(?:0[48]|[2468][048]|[13579][26])|2000|2400|2800)"
DATE_PATTERN = (
    rf"^(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    rf"|02-(?:0[1-9]|1\d|2[0-8]))|{_LEAP}-02-29)$"
)


def _iso_date(value):
    # Pydantic would also take 0 or "1300000000" as a Unix time; input dates are
    # ISO 8601 days (2011-06-01) and nothing else.
    if isinstance(value, str) and re.match(DATE_PATTERN, value):
        return value
    raise ValueError("a date as YYYY-MM-DD")


# `format: date` only annotates in OpenAPI 3.1; the pattern makes the document say it too.
IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]

# Enums from the model's own choices, so a state the model gains cannot make a valid
# row unserialisable (a withdrawn publication once answered 500 on every rounds call).
StatusKey = Literal[tuple(k for k, _l in MilestoneStatus.STATUSES)]
RoundState = Literal[tuple(k for k, _l in Round.STATES)]

# Every text a caller sends: PostgreSQL refuses NUL in text, so the schema refuses it
# first, naming the field (the same rule as the web forms' ProhibitNullCharactersValidator).
NO_NUL = r"^[^\x00]*$"


class Links(Schema):
    self: str
    first: str
    prev: str | None = None
    next: str | None = None
    last: str


def page_of(item, name):
    """A page of `item`s: the items, how many there are in all, and links."""
    return create_model(
        name,
        __base__=Schema,
        items=(list[item], ...),
        count=(int, Field(..., description="items over all pages")),
        page=(int, ...),
        pageSize=(int, ...),
        links=(Links, ...),
    )


class InvalidParam(Schema):
    name: str
    reason: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    invalidParams: list[InvalidParam] | None = None
    current: dict | None = Field(None, description="412: the stored representation")


class ProgrammeOut(Schema):
    slug: str
    name: str
    periodStart: dt.date
    periodEnd: dt.date
    description: str
    source: str


class Municipality(Schema):
    code: str = Field(..., description="CBS gemeentecode, e.g. GM0363")
    name: str


class RegionNote(Schema):
    dateText: str
    text: str
    source: str


class RegionOut(Schema):
    slug: str
    name: str
    centrumgemeenteCode: str = Field(..., description="CBS gemeentecode")
    centrumgemeenteName: str
    provinceCode: str = Field(..., description="CBS provinciecode, e.g. PV27")
    provinceName: str = Field(..., description="the province's name, e.g. Noord-Holland")
    validFrom: dt.date | None
    validTo: dt.date | None
    municipalities: list[Municipality]
    predecessors: list[str] = Field(..., description="slugs of the regions it continues")
    successors: list[str]
    notes: list[RegionNote]


class MilestoneOut(Schema):
    key: str
    name: str
    description: str
    position: int


class CategoryOut(Schema):
    key: str
    label: str
    dateAllowed: bool


class IndicatorOut(Schema):
    key: str
    name: str
    description: str
    position: int
    categories: list[CategoryOut]


class RoundOut(Schema):
    slug: str
    name: str
    peildatum: dt.date
    state: RoundState


class SummaryCategory(Schema):
    key: str
    label: str
    count: int
    percent: float


class SummaryItem(Schema):
    key: str
    label: str
    kind: Literal["milestone", "indicator"]
    categories: list[SummaryCategory]


class SummaryOut(Schema):
    programme: str
    round: str
    peildatum: dt.date
    regions: int = Field(..., description="regions active at the peildatum (the denominator)")
    items: list[SummaryItem]


class StatusOut(Schema):
    round: str
    region: str
    milestone: str
    status: StatusKey
    statusLabel: str
    expectedPeriod: str
    expectedEarliest: dt.date | None
    expectedLatest: dt.date | None
    note: str
    version: int = Field(..., description="0: nothing recorded yet (counts as unknown)")


class IndicatorValueOut(Schema):
    round: str
    region: str
    indicator: str
    category: str
    categoryLabel: str
    date: dt.date | None
    note: str
    version: int


class ForecastOut(Schema):
    region: str
    milestone: str
    status: Literal["partial", "expected"]
    expectedPeriod: str
    expectedEarliest: dt.date | None
    expectedLatest: dt.date | None
    overdue: bool
    note: str


class Theme(Schema):
    key: str
    name: str
    parent: str | None


class ActivityOut(Schema):
    key: str
    title: str
    description: str
    theme: Theme
    regions: list[str]
    provinceCodes: list[str]
    regionLabel: str
    targetSectors: list[str]
    partners: list[str]
    links: list[str]
    status: Literal["unknown", "planned", "running", "finished"]
    note: str
    source: str


class ActionPointOut(Schema):
    id: int
    region: str
    year: int
    number: int
    text: str
    context: str
    plannedPeriod: str
    plannedEarliest: dt.date | None
    plannedLatest: dt.date | None
    status: Literal["planned", "running", "done", "dropped"]
    overdue: bool
    obstacles: str
    tags: list[str]
    note: str
    source: str


class Input(Schema):
    # An unknown field is a typo (expectedperiod, notes): refuse it rather than ignore it.
    model_config = ConfigDict(extra="forbid")


class StatusIn(Input):
    status: StatusKey
    expectedPeriod: str = Field(
        "", max_length=100, pattern=NO_NUL, description="e.g. “Voorjaar 2011”"
    )
    note: str = Field("", max_length=4000, pattern=NO_NUL)


class StatusPatch(Input):
    status: StatusKey | None = None
    expectedPeriod: str | None = Field(None, max_length=100, pattern=NO_NUL)
    note: str | None = Field(None, max_length=4000, pattern=NO_NUL)


class IndicatorValueIn(Input):
    category: str = Field(..., max_length=50, pattern=NO_NUL)
    date: IsoDate | None = None
    note: str = Field("", max_length=4000, pattern=NO_NUL)


class IndicatorValuePatch(Input):
    category: str | None = Field(None, max_length=50, pattern=NO_NUL)
    date: IsoDate | None = None
    note: str | None = Field(None, max_length=4000, pattern=NO_NUL)


ProgrammePage = page_of(ProgrammeOut, "ProgrammePage")
RegionPage = page_of(RegionOut, "RegionPage")
MilestonePage = page_of(MilestoneOut, "MilestonePage")
IndicatorPage = page_of(IndicatorOut, "IndicatorPage")
RoundPage = page_of(RoundOut, "RoundPage")
StatusPage = page_of(StatusOut, "StatusPage")
IndicatorValuePage = page_of(IndicatorValueOut, "IndicatorValuePage")
ForecastPage = page_of(ForecastOut, "ForecastPage")
ActivityPage = page_of(ActivityOut, "ActivityPage")
ActionPointPage = page_of(ActionPointOut, "ActionPointPage")


# --- open data and published reports (issue #24) ---------------------------------


class OpenDataFiles(Schema):
    csv: str = Field(..., description="CSV, UTF-8, RFC 4180")
    xlsx: str
    csvw: str = Field(..., description="CSV on the Web metadata (application/csvm+json)")


class OpenDataSet(Schema):
    key: str = Field(..., description="the table's key: stable, part of every URL")
    title: str
    titleEn: str
    description: str
    descriptionEn: str
    codeList: bool = Field(..., description="a code list other tables refer to")
    license: str
    files: OpenDataFiles
    table: str = Field(..., description="the rows of the table in this API")


OpenDataSetPage = page_of(OpenDataSet, "OpenDataSetPage")


class OpenDataColumn(Schema):
    name: str
    title: str
    titleEn: str
    datatype: Literal["string", "integer", "decimal", "date", "boolean"]


class OpenDataTable(Schema):
    key: str
    title: str
    titleEn: str
    round: str
    license: str
    columns: list[OpenDataColumn]
    items: list[dict[str, str | int | float | bool | None]] = Field(
        ..., description="one object per row, keyed by column name"
    )
    count: int = Field(..., description="rows over all pages")
    page: int
    pageSize: int
    links: Links


class ReportFileLink(Schema):
    format: Literal["pdf", "html"]
    url: str = Field(..., description="the file (made on first request, then kept)")


class PublishedReport(Schema):
    round: str
    roundName: str
    peildatum: dt.date
    title: str
    publishedAt: dt.datetime | None
    page: str = Field(..., description="the report as a web page")
    files: list[ReportFileLink]
    openData: str = Field(..., description="the round's open data in this API")


PublishedReportPage = page_of(PublishedReport, "PublishedReportPage")


class RuleResultOut(Schema):
    round: str
    region: str
    rule: str = Field(..., description="the rule's key")
    importance: Literal["error", "warning"]
    message: str = Field(..., description="the rule's message, in the requested language")
    milestone: str = Field(..., description="the milestone of a per-milestone rule, else empty")
    field: str = Field(..., description="where to fix it: milestone-KEY, indicator-KEY, answer-KEY")
    justification: str = Field(
        ..., description="the region's justification of a warning; only for the region's "
        "members and the national office",
    )  # fmt: skip


RuleResultPage = page_of(RuleResultOut, "RuleResultPage")


class ReportingRateOut(Schema):
    round: str
    expected: int = Field(..., description="regions that exist on the round's peildatum")
    submitted: int = Field(..., description="regions whose report is submitted or accepted")
    onTime: int | None = Field(..., description="of those, submitted by the deadline "
                               "(null: the round has no deadline)")  # fmt: skip
    accepted: int
    reportingRate: int | None = Field(..., description="submitted / expected, in percent")
    onTimeRate: int | None
    acceptedRate: int | None
    ruleErrors: int = Field(..., description="errors the validation rules report on the "
                            "round's data now, over every region")  # fmt: skip
    ruleWarningsOpen: int = Field(..., description="warnings without a justification")
    ruleWarningsJustified: int = Field(..., description="warnings the region justified")
    regionsWithOpenResults: int = Field(..., description="regions with an error or a warning "
                                        "without a justification")  # fmt: skip


ReportingRatePage = page_of(ReportingRateOut, "ReportingRatePage")
