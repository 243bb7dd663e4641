"""Pages with links. Query parameters `page` and `pageSize` (lowerCamelCase, NL API
Design Rules); the links keep every other parameter of the request, so a filter or
search carries over to the next page and never widens what the caller may see."""

import math

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from raak.api.api import ProblemError

MAX_PAGE_SIZE = 100


def _link(request, page):
    query = request.GET.copy()
    query["page"] = str(page)
    # Absolute from SITE_URL, never from the request's Host header.
    return f"{settings.SITE_URL.rstrip('/')}{request.path}?{query.urlencode()}"


def paginate(request, items, page, page_size, build):
    """One page of `items` (a QuerySet or a list), each turned into a dict by `build`."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    last = max(1, math.ceil(count / page_size))
    if page > last:
        raise ProblemError(404, _("Deze pagina bestaat niet; de laatste is %(n)s.") % {"n": last})
    start = (page - 1) * page_size
    return {
        "items": [build(obj) for obj in items[start : start + page_size]],
        "count": count,
        "page": page,
        "pageSize": page_size,
        "links": {
            "self": _link(request, page),
            "first": _link(request, 1),
            "prev": _link(request, page - 1) if page > 1 else None,
            "next": _link(request, page + 1) if page < last else None,
            "last": _link(request, last),
        },
    }
