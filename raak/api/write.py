"""One region's status or indicator answer in a round: read it with its ETag, change
it with If-Match. Changes go through raak.programmes.status, the same service the
edit pages use (version check, round still open, change records)."""

from django.core.exceptions import PermissionDenied
from django.forms import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Router
from ninja.security import HttpBearer

from raak.accounts.access import programme_for, region_for_writing
from raak.api import schemas as s
from raak.api.api import ProblemError
from raak.api.read import (
    INDICATOR,
    MILESTONE,
    OPEN_ROUND,
    PROGRAMME,
    REGION,
    round_for_region,
    status_dict,
    value_dict,
)
from raak.lib import locking
from raak.lib.fields import PeriodField
from raak.programmes import status as status_service
from raak.programmes.models import (
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneStatus,
    Region,
    Round,
)


class TokenRequired(HttpBearer):
    """Ninja checks this before it reads the body, so a change without a token gets
    401 whatever its input (the middleware already found the token)."""

    def authenticate(self, request, token):
        return getattr(request, "api_token", None)


router = Router(tags=["changes"])
WRITE = {"auth": TokenRequired()}
STATUS_PATH = "/programmes/{programme}/rounds/{round}/regions/{region}/statuses/{milestone}"
VALUE_PATH = "/programmes/{programme}/rounds/{round}/regions/{region}/indicator-values/{indicator}"


_frozen = _lazy("De gegevens van deze regio zijn ingediend of geaccepteerd en liggen vast.")


def etag(obj):
    # The stored version; 0 while nothing is recorded (the page's "version 0" too).
    return f'"{locking.version_of(obj)}"'


def with_etag(response, data):
    response["ETag"] = f'"{data["version"]}"'
    return data


def invalid(name, reason):
    return ProblemError(400, _("De invoer klopt niet; zie invalidParams."), slug="invoer",
                        invalidParams=[{"name": name, "reason": reason}])  # fmt: skip


def _target(request, programme, round, region):
    """(programme, round, region) for a change: 401 without a token, 404 for outsiders,
    403 for read-only members, read-only tokens and rounds no longer open."""
    if getattr(request, "api_token", None) is None:
        raise ProblemError(
            401, _("Een wijziging vraagt een persoonlijk toegangstoken (Authorization: Bearer …)."),
            slug="token", headers={"WWW-Authenticate": 'Bearer realm="raak"'},
        )  # fmt: skip
    programme, _access = programme_for(request, programme)
    region, _can_write = region_for_writing(request, programme, region)
    if not request.api_token.can_write:
        raise PermissionDenied(_("Dit token mag alleen lezen."))
    rnd = get_object_or_404(Round, programme=programme, slug=round)
    if not rnd.is_open:
        raise PermissionDenied(_("Deze ronde is gesloten; de gegevens liggen vast."))
    return programme, rnd, region


def _check_if_match(request, current, represent):
    """428 without If-Match, 412 (with the stored state) when it names another version."""
    header = request.headers.get("If-Match")
    if header is None:
        raise ProblemError(
            428, _("Stuur If-Match mee met de ETag van de versie waarop uw wijziging voortbouwt."),
            slug="if-match-ontbreekt",
        )  # fmt: skip
    tags = {t.strip() for t in header.split(",")}
    if ("*" in tags and current is not None) or etag(current) in tags:
        return locking.version_of(current)
    raise _stale(current, represent)


def _stale(current, represent):
    return ProblemError(
        412, _("Iemand anders heeft dit intussen gewijzigd; zie current voor de opgeslagen stand."),
        slug="verouderd", headers={"ETag": etag(current)}, current=represent(current),
    )  # fmt: skip


def _saved(response, represent, save):
    """Run `save` (a programmes.status change) and answer with the saved state and its
    ETag; a version moved on meanwhile is 412 with the stored state, a region frozen or a
    round closed meanwhile 403."""
    try:
        saved = save()
    except status_service.Conflict as e:
        raise _stale(e.current, represent) from None
    except status_service.RegionFrozen:
        raise PermissionDenied(_frozen) from None
    except status_service.RoundClosed:
        raise PermissionDenied(_("Deze ronde is zojuist gesloten.")) from None
    return with_etag(response, represent(saved))


def _readable(request, programme, round, region):
    programme, access = programme_for(request, programme)
    region = get_object_or_404(Region, programme=programme, slug=region)
    return programme, round_for_region(request, programme, access, round, region), region


@router.get(STATUS_PATH, response=s.StatusOut, operation_id="getStatus",
            summary="One region's status on one milestone in a round")  # fmt: skip
def get_status(
    request,
    response: HttpResponse,
    programme: str = PROGRAMME,
    round: str = OPEN_ROUND,
    region: str = REGION,
    milestone: str = MILESTONE,
):
    programme, rnd, region = _readable(request, programme, round, region)
    milestone = get_object_or_404(Milestone, programme=programme, key=milestone)
    current = MilestoneStatus.objects.filter(round=rnd, region=region, milestone=milestone).first()
    return with_etag(response, status_dict(current, rnd=rnd, region=region, milestone=milestone))


def _change_status(request, response, programme, round, region, milestone, changes):
    programme, rnd, region = _target(request, programme, round, region)
    milestone = get_object_or_404(Milestone, programme=programme, key=milestone)

    def represent(st):
        return status_dict(st, rnd=rnd, region=region, milestone=milestone)

    current = MilestoneStatus.objects.filter(round=rnd, region=region, milestone=milestone).first()
    version = _check_if_match(request, current, represent)
    wanted = {
        "status": current.status if current else MilestoneStatus.UNKNOWN,
        "expectedPeriod": current.expected_text if current else "",
        "note": current.note if current else "",
        **changes,
    }
    # The edit page's rules (raak.picture.forms.StatusForm), field by field.
    if wanted["status"] not in milestone.status_keys:
        raise invalid("status", _("Mijlpaal “%(m)s” kent de status “%(s)s” niet; kies %(keys)s.")
                      % {"m": milestone.key, "s": wanted["status"],
                         "keys": ", ".join(milestone.status_keys)})  # fmt: skip
    try:
        period = PeriodField(required=False).clean(wanted["expectedPeriod"] or "")
    except ValidationError as e:
        raise invalid("expectedPeriod", " ".join(e.messages)) from None
    if wanted["status"] == MilestoneStatus.EXPECTED and period is None:
        raise invalid("expectedPeriod", _("Bij de status ‘verwacht’ hoort een verwachte periode."))
    if period is not None and wanted["status"] not in MilestoneStatus.WITH_PERIOD:
        raise invalid("expectedPeriod", _("Een verwachte periode hoort alleen bij ‘gedeeltelijk’ "
                                          "of ‘verwacht’; maak het veld leeg."))  # fmt: skip
    return _saved(response, represent, lambda: status_service.save_milestone_status(
        rnd, region, milestone, user=request.user, expected_version=version,
        status=wanted["status"], period=period, note=wanted["note"].strip(),
    ))  # fmt: skip


@router.put(STATUS_PATH, **WRITE, response=s.StatusOut, operation_id="replaceStatus",
            summary="Replace a status (all fields); needs If-Match")  # fmt: skip
def put_status(request, response: HttpResponse, payload: s.StatusIn, programme: str = PROGRAMME, round: str = OPEN_ROUND, region: str = REGION,
    milestone: str = MILESTONE):  # fmt: skip
    return _change_status(request, response, programme, round, region, milestone,
                          payload.model_dump())  # fmt: skip


@router.patch(STATUS_PATH, **WRITE, response=s.StatusOut, operation_id="updateStatus",
              summary="Change some fields of a status; needs If-Match")  # fmt: skip
def patch_status(request, response: HttpResponse, payload: s.StatusPatch, programme: str = PROGRAMME, round: str = OPEN_ROUND, region: str = REGION,
    milestone: str = MILESTONE):  # fmt: skip
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name == "status":
            raise invalid(name, _("Kies een status."))
    changes = {k: (v or "") if k != "status" else v for k, v in changes.items()}
    return _change_status(request, response, programme, round, region, milestone, changes)


@router.get(VALUE_PATH, response=s.IndicatorValueOut, operation_id="getIndicatorValue",
            summary="One region's answer on one indicator in a round")  # fmt: skip
def get_value(
    request,
    response: HttpResponse,
    programme: str = PROGRAMME,
    round: str = OPEN_ROUND,
    region: str = REGION,
    indicator: str = INDICATOR,
):
    programme, rnd, region = _readable(request, programme, round, region)
    indicator = get_object_or_404(Indicator, programme=programme, key=indicator)
    current = (IndicatorValue.objects.filter(round=rnd, region=region, indicator=indicator)
               .select_related("category").first())  # fmt: skip
    return with_etag(response, value_dict(current, rnd=rnd, region=region, indicator=indicator))


def _change_value(request, response, programme, round, region, indicator, changes):
    programme, rnd, region = _target(request, programme, round, region)
    indicator = get_object_or_404(Indicator, programme=programme, key=indicator)
    categories = {c.key: c for c in indicator.categories.all()}

    def represent(v):
        return value_dict(v, rnd=rnd, region=region, indicator=indicator)

    current = (IndicatorValue.objects.filter(round=rnd, region=region, indicator=indicator)
               .select_related("category").first())  # fmt: skip
    version = _check_if_match(request, current, represent)
    wanted = {
        "category": current.category.key if current else "unknown",
        "date": current.date if current else None,
        "note": current.note if current else "",
        **changes,
    }
    category = categories.get(wanted["category"])
    if category is None:
        raise invalid("category", _("Kies een van: %(keys)s.") % {"keys": ", ".join(categories)})
    if wanted["date"] and not category.takes_date:
        raise invalid("date", _("Bij dit antwoord hoort geen datum; maak het veld leeg."))
    return _saved(response, represent, lambda: status_service.save_indicator_value(
        rnd, region, indicator, user=request.user, expected_version=version,
        category=category, day=wanted["date"], note=(wanted["note"] or "").strip(),
    ))  # fmt: skip


@router.put(VALUE_PATH, **WRITE, response=s.IndicatorValueOut, operation_id="replaceIndicatorValue",
            summary="Replace an indicator answer (all fields); needs If-Match")  # fmt: skip
def put_value(request, response: HttpResponse, payload: s.IndicatorValueIn, programme: str = PROGRAMME, round: str = OPEN_ROUND, region: str = REGION,
    indicator: str = INDICATOR):  # fmt: skip
    return _change_value(request, response, programme, round, region, indicator,
                         payload.model_dump())  # fmt: skip


@router.patch(VALUE_PATH, **WRITE, response=s.IndicatorValueOut, operation_id="updateIndicatorValue",
              summary="Change some fields of an indicator answer; needs If-Match")  # fmt: skip
def patch_value(request, response: HttpResponse, payload: s.IndicatorValuePatch, programme: str = PROGRAMME, round: str = OPEN_ROUND, region: str = REGION,
    indicator: str = INDICATOR):  # fmt: skip
    changes = payload.model_dump(exclude_unset=True)
    if "category" in changes and changes["category"] is None:
        raise invalid("category", _("Kies een antwoord."))
    return _change_value(request, response, programme, round, region, indicator, changes)
