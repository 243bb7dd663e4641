"""Data quality in the API: the validation rules' results per region and round
(raak/programmes/rules.py) and the reporting rates per round (raak/cycle/progress.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router

from raak.accounts.access import programme_for
from raak.api import schemas as s
from raak.api.paging import paginate
from raak.api.read import PAGE, PAGE_SIZE, PROGRAMME, REGION, ROUND, round_for_region
from raak.cycle import progress
from raak.programmes import rules
from raak.programmes.models import Region

router = Router()


@router.get("/programmes/{programme}/rounds/{round}/regions/{region}/rule-results",
            response=s.RuleResultPage, operation_id="listRegionRuleResults", tags=["regions"],
            summary="What the programme's validation rules report on one region's data in a "
            "round, errors first; justifications for the region's members and the national "
            "office only")  # fmt: skip
def list_rule_results(request, programme: str = PROGRAMME, round: str = ROUND,
                      region: str = REGION, page: int = PAGE, pageSize: int = PAGE_SIZE):  # fmt: skip
    programme, access = programme_for(request, programme)
    region = get_object_or_404(Region, programme=programme, slug=region)
    rnd = round_for_region(request, programme, access, round, region)
    insider = access.can_read_unpublished(region)

    def build(r):
        return {"round": rnd.slug, "region": region.slug, "rule": r.rule.key,
                "importance": r.rule.importance, "message": r.message, "milestone": r.target,
                "field": r.anchor, "justification": r.justification if insider else ""}  # fmt: skip

    return paginate(request, rules.for_region(rnd, region), page, pageSize, build)


@router.get("/programmes/{programme}/reporting-rates", response=s.ReportingRatePage,
            operation_id="listReportingRates", tags=["rounds"],
            summary="Per round the regions expected, submitted, on time and accepted, with "
            "the rates, and the validation rules' errors and warnings still open; the "
            "national office only (as the submissions overview)")  # fmt: skip
def list_reporting_rates(request, programme: str = PROGRAMME, page: int = PAGE,
                         pageSize: int = PAGE_SIZE):  # fmt: skip
    programme, access = programme_for(request, programme)
    if not access.is_national:
        raise Http404
    rounds = list(programme.rounds.all())
    rates = progress.rates(programme, rounds)
    # The progress page's kept counts (raak/programmes/rule_tally.py).
    tallies = {t.round_id: t for t in progress.outstanding(programme, rounds)}

    def build(r):
        d, t = r.as_dict(), tallies[r.round.id]
        return {"round": d["round"], "expected": d["expected"], "submitted": d["submitted"],
                "onTime": d["on_time"], "accepted": d["accepted"],
                "reportingRate": d["reporting_rate"], "onTimeRate": d["on_time_rate"],
                "acceptedRate": d["accepted_rate"], "ruleErrors": t.errors,
                "ruleWarningsOpen": t.warnings_open,
                "ruleWarningsJustified": t.warnings_justified,
                "regionsWithOpenResults": t.regions}  # fmt: skip

    return paginate(request, rates, page, pageSize, build)
