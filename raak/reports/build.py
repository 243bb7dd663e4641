"""Everything one report shows, read from the other apps' query and summary code.

A report uses only what is public once it is published: the round itself (publishing
a report needs a published round), comparisons and changes only against *published*
earlier rounds, and the knowledge, protocol and training lists, which are public.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import translation

from raak.cycle import progress
from raak.knowledge.models import ActionPoint, Activity, Theme
from raak.lib import geo
from raak.picture.national import FULL_OVERVIEW_MAX, NationalPicture
from raak.programmes import wording
from raak.programmes.models import RegionMunicipality, Round
from raak.programmes.summary import percent, summarise
from raak.protocols.models import Finding
from raak.questionnaires.compare import compare
from raak.questionnaires.models import Coding, Question, Questionnaire, Response
from raak.reports.figures import map_figures
from raak.reports.text import render_markdown
from raak.training.models import Reach


@dataclass
class Chapter:
    key: str
    title: str
    number: int
    text_html: str = ""
    has_text: bool = False
    blocks: list = field(default_factory=list)


@dataclass
class ReportData:
    programme: object
    round: object
    title: str
    chapters: list
    picture: object
    previous: object  # the latest published round before this one, or None
    items: list  # milestone and indicator figures, with change since `previous`
    figures: dict  # "milestones"/"indicators" -> [Figure]
    annex: list
    forecast: list
    findings: list
    reach: dict
    action_points: list
    themes: list
    activity_count: int
    comparisons: list
    coded: list
    labels: dict = field(default_factory=dict)  # the programme's status labels
    sections: dict = field(default_factory=dict)  # its section names (wording.sections)
    groups: list = field(default_factory=list)  # indicator groups, each with its `rows`
    annex_groups: list = field(default_factory=list)  # per group its annex (annex_groups)
    state: str = "draft"
    # Above FULL_OVERVIEW_MAX regions (the size at which the national picture pages its
    # annex) the annex tables come per province and every long table is laid out with
    # fixed column widths: one 1,000-row table made the PDF slow (bench/report.py).
    large: bool = False
    annex_parts: list = field(default_factory=list)  # [(province or "", rows)]
    # A large report's forecast: counts per milestone and period, the regions in the
    # annex (its title here); the full list is the forecast page's and its CSV's.
    forecast_summary: list = field(default_factory=list)
    forecast_annex: str = ""
    # A large report's action points and reach: totals; each region's report has its own.
    action_point_counts: dict = None
    progress: object = None
    over_rounds: dict = None  # the reporting-rates block: rates and shares per round

    @property
    def regions(self):
        return self.picture.summary.regions


def previous_published(rnd):
    return (
        Round.objects.filter(
            programme=rnd.programme, peildatum__lt=rnd.peildatum, state=Round.PUBLISHED
        )
        .order_by("-peildatum")
        .first()
    )


def _items(picture, previous):
    prev = {i.key: i for i in summarise(previous).items} if previous else {}
    out = []
    for item in picture.summary.items:
        partial = item.category("partial")
        row = {
            "item": item,
            "achieved": item.achieved if item.kind == "milestone" else None,
            "achieved_percent": percent(item.achieved, picture.summary.regions),
            "partial": partial.count if partial else 0,
            "change": None,
            "previous": None,
        }
        if item.key in prev and item.kind == "milestone":
            row["previous"] = prev[item.key].achieved
            row["change"] = item.achieved - row["previous"]
        elif item.key in prev:
            row["previous"] = {c.key: c.count for c in prev[item.key].categories}
        out.append(row)
    return out


def _forecast(picture):
    rows = []
    for m in picture.milestones:
        for p in picture.pending(m):
            if p.status and p.status.status in p.status.WITH_PERIOD:
                rows.append({"milestone": m, "pending": p})
    rows.sort(
        key=lambda r: (
            not r["pending"].overdue,
            r["pending"].status.expected_earliest or picture.round.peildatum,
            r["milestone"].position,
            r["pending"].region.name,
        )
    )
    return rows


def _forecast_summary(rows):
    """The forecast of a large programme: per milestone and expected period the number
    of regions and how many of them are overdue, in milestone order, soonest first."""
    periods = {}
    for r in rows:
        status = r["pending"].status
        key = (r["milestone"].position, r["milestone"].id, status.expected_earliest or date.max,
               status.expected_text)  # fmt: skip
        row = periods.setdefault(key, {"milestone": r["milestone"], "period": status.expected_text,
                                       "regions": 0, "overdue": 0})  # fmt: skip
        row["regions"] += 1
        row["overdue"] += r["pending"].overdue
    return [periods[k] for k in sorted(periods)]


def _reach(programme):
    rows = list(Reach.objects.filter(programme=programme).select_related("region"))
    by_sector, by_region = defaultdict(int), defaultdict(int)
    for r in rows:
        by_sector[r.sector] += r.professionals
        by_region[r.region.name] += r.professionals
    return {
        "by_sector": sorted(by_sector.items(), key=lambda x: (-x[1], x[0])),
        "by_region": sorted(by_region.items()),
        "total": sum(by_sector.values()),
        "rows": rows,
    }


def _action_points(programme, regions):
    by_region = defaultdict(list)
    for p in ActionPoint.objects.filter(programme=programme).select_related("region"):
        by_region[p.region_id].append(p)
    return [(r, by_region[r.id]) for r in regions if by_region[r.id]]


def _action_point_counts(listed):
    """A large report's action points: how many per status, and in how many regions
    (each region's own report lists its points)."""
    counts = defaultdict(int)
    for _region, points in listed:
        for p in points:
            counts[p.get_status_display()] += 1
    labels = [str(label) for _key, label in ActionPoint.STATUSES]
    return {"regions": len(listed), "total": sum(counts.values()),
            "by_status": [(label, counts[label]) for label in labels if counts[label]]}  # fmt: skip


def _themes(programme):
    """Rubrics with their sub-themes and activities, as Bijlage 3 lists them."""
    activities = defaultdict(list)
    for a in Activity.objects.filter(programme=programme).for_catalogue():
        activities[a.theme_id].append(a)
    themes = list(Theme.objects.filter(programme=programme).select_related("parent"))
    out = []
    for t in themes:
        if t.parent_id is None:
            children = [
                {"theme": c, "activities": activities[c.id]}
                for c in themes
                if c.parent_id == t.id and activities[c.id]
            ]
            if children or activities[t.id]:
                out.append({"theme": t, "activities": activities[t.id], "children": children})
    total = sum(len(v) for v in activities.values())
    return out, total


def _comparisons(programme, rnd):
    """Each questionnaire's comparison between its first published round with
    answers and this round, only when both are published."""
    if not rnd.is_published:
        return []
    out = []
    for q in Questionnaire.objects.filter(programme=programme):
        answered = (
            Round.objects.filter(
                state=Round.PUBLISHED,
                peildatum__lte=rnd.peildatum,
                questionnaire_responses__version__questionnaire=q,
                questionnaire_responses__state=Response.SUBMITTED,
            )
            .distinct()
            .order_by("peildatum")
        )
        rounds = list(answered)
        if len(rounds) >= 2 and rounds[-1] == rnd:
            out.append({"questionnaire": q, "result": compare(q, rounds[0], rnd)})
    return out


def _coded(programme, rnd):
    """Themes of the coded open answers of this round, with regions and quotes."""
    if not rnd.is_published:
        return []
    out = []
    for q in Questionnaire.objects.filter(programme=programme):
        codings = list(
            Coding.objects.filter(
                theme__questionnaire=q,
                answer__response__round=rnd,
                answer__response__state=Response.SUBMITTED,
                answer__question__type=Question.TEXT,
            ).select_related("theme", "answer__response__region")
        )
        if not codings:
            continue
        by_theme = defaultdict(list)
        for c in codings:
            by_theme[c.theme].append(c)
        themes = []
        for theme, found in sorted(by_theme.items(), key=lambda x: x[0].name):
            regions = sorted({c.answer.response.region.name for c in found})
            quotes = list(dict.fromkeys(c.fragment or str(c.answer.value) for c in found))[:5]
            themes.append({"theme": theme, "regions": regions, "quotes": quotes})
        out.append({"questionnaire": q, "themes": themes})
    return out


def _over_rounds(programme, rnd):
    """The published rounds up to this one and this one itself: reporting rates, the
    rule results still open, and per milestone the share done (raak/cycle/progress.py,
    as on the progress page)."""
    rounds = [r for r in programme.rounds.filter(peildatum__lte=rnd.peildatum)
              if r.is_published or r.pk == rnd.pk]  # fmt: skip
    rates = progress.rates(programme, rounds)
    # The validation rules' errors and warnings still open, as the progress page counts.
    for rate, tally in zip(rates, progress.outstanding(programme, rounds), strict=True):
        rate.rule_tally = tally
    return {
        "rates": rates,
        "series": progress.milestone_progress(programme, rounds),
        "rounds": rounds,
    }


def chapters_of(chapters, texts):
    out = []
    for n, ch in enumerate(chapters, 1):
        text = texts.get(ch["key"], "") if ch.get("text") else ""
        out.append(
            Chapter(
                ch["key"],
                ch["title"],
                n,
                render_markdown(text),
                bool(ch.get("text")),
                list(ch.get("blocks", [])),
            )
        )
    return out


def _groups(picture, items):
    """The indicator rows of `items` under the programme's indicator groups."""
    rows = {r["item"].key: r for r in items if r["item"].kind == "indicator"}
    return [
        {"group": g, "rows": [rows[i.key] for i in g.indicators if i.key in rows]}
        for g in picture.groups
    ]


def by_province(rows, split):
    """[(province name, rows)] in the order of the provinces' names, regions without a
    province last; when not `split`, one part with every row and no name."""
    if not split:
        return [("", rows)]
    parts = defaultdict(list)
    for row in rows:
        code = row["region"].province_code
        parts[geo.province_name(code) if code else ""].append(row)
    return sorted(parts.items(), key=lambda part: (part[0] == "", part[0]))


def build(rnd, chapters, texts, title="", progress=None):
    """`chapters` from a template or report; `texts` maps chapter key -> Markdown.
    `progress(percent, step)` is called along the way. The report is Dutch whatever
    the interface language (its words, the programme's, included)."""
    with translation.override("nl"):
        return _build(rnd, chapters, texts, title, progress)


def _build(rnd, chapters, texts, title, progress):
    step = progress or (lambda pct, text: None)
    programme = rnd.programme
    step(5, "landelijk beeld")
    picture = NationalPicture(rnd)
    previous = previous_published(rnd)
    items = _items(picture, previous)
    wanted = {b for ch in chapters for b in ch.get("blocks", [])}
    large = picture.summary.regions > FULL_OVERVIEW_MAX
    # The chapters that list every region's status: a large report's maps refer to them.
    annex_titles = (
        {b: ch["title"] for ch in chapters for b in ch.get("blocks", [])} if large else {}
    )
    figures = {"milestones": [], "indicators": []}
    if wanted & {"milestone-maps", "indicator-maps"}:
        step(15, "kaarten")
        memberships = defaultdict(list)
        for region_id, code in RegionMunicipality.objects.filter(
            region__programme=programme
        ).values_list("region_id", "code"):
            memberships[region_id].append(code)
        if "milestone-maps" in wanted:
            figures["milestones"] = map_figures(
                picture, [i for i in picture.summary.items if i.kind == "milestone"], memberships,
                annex=annex_titles.get("annex-milestones", ""),
            )  # fmt: skip
        if "indicator-maps" in wanted:
            figures["indicators"] = map_figures(
                picture, [i for i in picture.summary.items if i.kind == "indicator"], memberships,
                annex=annex_titles.get("annex-continuation", ""),
            )  # fmt: skip
    step(30, "tabellen en lijsten")
    themes, activity_count = _themes(programme) if "activities" in wanted else ([], 0)
    annex = picture.annex_rows()
    forecast = _forecast(picture) if "forecast" in wanted else []
    wants_points = "action-points" in wanted
    action_points = _action_points(programme, picture.regions) if wants_points else []
    # Each region's expected period (and "over tijd") stands in the milestone annex.
    forecast_annex = annex_titles.get("annex-milestones", "") if large else ""
    annex_groups = picture.annex_groups(annex)
    for g in annex_groups:
        g["parts"] = by_province(g["rows"], large)
    return ReportData(
        programme=programme,
        round=rnd,
        title=title or f"{programme.name}: {rnd.name}",
        chapters=chapters_of(chapters, texts),
        picture=picture,
        previous=previous,
        items=items,
        figures=figures,
        annex=annex,
        forecast=[] if forecast_annex else forecast,
        forecast_summary=_forecast_summary(forecast) if forecast_annex else [],
        forecast_annex=forecast_annex,
        findings=list(Finding.objects.filter(programme=programme).select_related("component"))
        if "protocol-findings" in wanted
        else [],
        reach=_reach(programme) if "training-reach" in wanted else {},
        action_points=[] if large else action_points,
        action_point_counts=_action_point_counts(action_points) if large else None,
        themes=themes,
        activity_count=activity_count,
        comparisons=_comparisons(programme, rnd) if "questionnaire-comparison" in wanted else [],
        coded=_coded(programme, rnd) if "coded-themes" in wanted else [],
        labels=wording.status_labels(programme),
        sections=wording.sections(programme),
        groups=_groups(picture, items),
        annex_groups=annex_groups,
        large=large,
        annex_parts=by_province(annex, large),
        over_rounds=_over_rounds(programme, rnd) if "reporting-rates" in wanted else None,
    )
