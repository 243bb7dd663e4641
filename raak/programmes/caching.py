"""Public pages served from a cache, invalidated exactly when the programme's data changes.

Every change to a programme goes through `history.Recorder`, which writes ChangeRecords
(publishing, withdrawing and correcting a round included) and raises
`Programme.data_version` in the same transaction. That counter is therefore a version
of everything the programme's public pages show, read with the programme itself in one
query. (The newest ChangeRecord id would not do: ids are handed out at insert, not at
commit, so a slow transaction could commit an older id after a newer one was cached.)
A page is stored under (code version, programme, data version, language, day, full
path), so a change makes every older entry unreachable at once, on every app server
that shares the cache.

Fragments (`cached_fragment`: the rendered map of a round) use the same key parts and
so the same invalidation. They hold only data of one round that everyone who may see
that round sees alike, so members share them too; the view checks access before asking.

Only anonymous GETs are stored or served as whole pages: a member sees unpublished data, and their
pages never touch the cache. Requests that carry a session or messages cookie pass by
too, so a one-off message or a CSRF token is never stored for the next visitor.
"""

import hashlib
import hmac
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.text import compress_string

from raak.programmes.models import Programme


def _code_version():
    """Changes with every deploy that changes a template or the code, so a shared cache
    never serves a page made by the previous release."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".html", ".py", ".mo") and "migrations" not in path.parts:
            # Content, not times: app servers of one release share their entries.
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads the header
TIMEOUT = 24 * 60 * 60  # a day at most; the key changes with the day anyway
# The query parameters public pages read. A request with any other parameter is served
# but not stored: otherwise `?x=1`, `?x=2`, ... would each take a cache entry and push
# out the pages people read. Parameters are keyed in a fixed order, so `?a=1&b=2` and
# `?b=2&a=1` share one entry.
PUBLIC_PARAMETERS = frozenset(
    {"kaart", "pagina", "q", "thema", "regio", "provincie", "ronde", "gemeente"}
)
# Whole public pages (and their ETags) follow public_version, which a change in a round
# the public cannot see leaves alone; fragments, which members share, follow data_version.
VERSION_SQL = f"SELECT id, public_version FROM {Programme._meta.db_table} WHERE slug = %s"  # noqa: S608
# Installation-wide versions every page also shows (the theme, raak.look), registered by
# their apps at start-up as scalar subqueries: read in the same one query as the
# programme's version, so a cache hit stays one query.
_SITE_VERSIONS = []


def key_pages_on(subquery):
    """Make every cached page's key include the value of `subquery` (one row, one
    column, or no row)."""
    global VERSION_SQL
    if subquery not in _SITE_VERSIONS:
        _SITE_VERSIONS.append(subquery)
        extra = "".join(f", ({sql})" for sql in _SITE_VERSIONS)
        VERSION_SQL = (
            f"SELECT id, public_version{extra} FROM {Programme._meta.db_table} WHERE slug = %s"  # noqa: S608
        )


def with_site_versions(programmes):
    """`programmes` (a QuerySet) with every registered site version as an annotation:
    a request that reads its programme reads them in the same query (see
    `site_version`), so a signed-in page asks nothing more to know the theme's version."""
    from django.db.models.expressions import RawSQL

    return programmes.annotate(
        **{f"raak_site_version_{i}": RawSQL(sql, []) for i, sql in enumerate(_SITE_VERSIONS)}
    )


NOT_READ = object()


def site_version(request, subquery):
    """The value `subquery` (registered with `key_pages_on`) had when this request read
    its programme through `with_site_versions`, or NOT_READ (a page without a programme,
    or before it read one)."""
    programme = getattr(request, "_raak_versioned_programme", None)
    if programme is None or subquery not in _SITE_VERSIONS:
        return NOT_READ
    return getattr(programme, f"raak_site_version_{_SITE_VERSIONS.index(subquery)}", NOT_READ)


def _language(request):
    return getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)


def cached_fragment(request, programme, parts, make):
    """`make()`'s markup, kept until the programme's data (or the day, or the release)
    changes. `parts` name the fragment; `programme` was read in this request."""
    key = ":".join(
        ["fragment", CODE_VERSION, str(programme.id), str(programme.data_version),
         _language(request), timezone.localdate().isoformat(), *map(str, parts)]
    )  # fmt: skip
    html = cache.get(key)
    if html is None:
        html = make()
        cache.set(key, html, TIMEOUT)
    return html


def _programme_version(slug):
    """(id, public version) of the programme, or None. The one query of a cache hit, in
    plain SQL: building it through the ORM cost more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [slug])
        return cursor.fetchone()


def _canonical_path(request):
    query = sorted(request.GET.lists())  # values of one name keep their order
    return request.path + "?" + urlencode(query, doseq=True)


# The names each stored parameter may take, per programme and public version: a
# value that names nothing real (?regio=<anything>) is served but never stored, so
# varying it cannot grow the cache. Free text (?q=) is never stored either. One entry
# per programme, so this memo cannot grow with requests.
_NAMES = {}  # {programme id: (public version, {parameter: frozenset(values)})}
MAX_PAGE = 1000


def _names(programme_id, version):
    found = _NAMES.get(programme_id)
    if found is not None and found[0] == version:
        return found[1]
    from raak.programmes.models import Indicator, Milestone, Region, RegionMunicipality, Round

    regions = Region.objects.filter(programme_id=programme_id)
    programme = Programme(pk=programme_id)
    # Themes belong to the knowledge app; read through the reverse relation so this
    # module needs no import of that app (tests/test_structure.py).
    themes = getattr(programme, "themes", None)
    names = {
        "regio": set(regions.values_list("slug", flat=True)),
        "provincie": set(regions.exclude(province_code="").values_list("province_code", flat=True)),
        "ronde": set(
            Round.objects.filter(programme_id=programme_id).values_list("slug", flat=True)
        ),
        "kaart": set(
            Milestone.objects.filter(programme_id=programme_id).values_list("key", flat=True)
        )
        | set(Indicator.objects.filter(programme_id=programme_id).values_list("key", flat=True)),
        "gemeente": set(
            RegionMunicipality.objects.filter(region__programme_id=programme_id).values_list(
                "code", flat=True
            )
        ),
        "thema": set(themes.values_list("key", flat=True)) if themes is not None else set(),
        "pagina": {str(n) for n in range(1, MAX_PAGE + 1)},
        "q": set(),
    }
    names = {k: frozenset(v) for k, v in names.items()}
    _NAMES[programme_id] = (version, names)
    return names


def _names_real_things(request, programme_id, version):
    names = _names(programme_id, version)
    for name, values in request.GET.lists():
        if any(v and v not in names.get(name, ()) for v in values):
            return False
    return True


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def public_page(view):
    """For views whose first argument after the request is the programme slug."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        # Downloads (CSV/XLSX) keep their own headers and security-log line.
        if (
            not _cacheable_request(request)
            or kwargs.get("fmt", "html") != "html"
            or not PUBLIC_PARAMETERS.issuperset(request.GET)
        ):
            return view(request, slug, *args, **kwargs)
        found = _programme_version(slug)
        if found is None:
            return view(request, slug, *args, **kwargs)
        programme_id, version, *site_versions = found
        if not _names_real_things(request, programme_id, version):
            return view(request, slug, *args, **kwargs)
        key = ":".join(
            [
                "page",
                CODE_VERSION,
                str(programme_id),
                str(version),
                *map(str, site_versions),
                _language(request),
                timezone.localdate().isoformat(),
                hashlib.sha256(_canonical_path(request).encode()).hexdigest(),
            ]
        )
        # Keyed with the secret: the tag says nothing about the key's parts.
        etag = (
            '"'
            + hmac.new(settings.SECRET_KEY.encode(), key.encode(), "sha256").hexdigest()[:32]
            + '"'
        )
        gzipped = ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) is not None
        if gzipped:
            etag = etag[:-1] + '-gz"'  # another representation, another tag
        # Each representation is an entry of its own, so a hit reads (and the memory
        # cache unpickles) only the bytes it sends: the compressed page is a fifth of
        # the whole, and the largest pages are hundreds of KB.
        stored = cache.get(key + (":gz" if gzipped else ":raw"))
        if stored is not None and etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            _mark_public(response, etag)
            return response
        if stored is None:
            response = view(request, slug, *args, **kwargs)
            if not _storable(request, response):
                return response
            # Compressed once when stored, not per request (what GZipMiddleware would
            # do): a 160 KB page is 20 KB on the wire. No secrets in public pages, so
            # compression cannot leak one (BREACH).
            content_type = response["Content-Type"]
            raw = (response.content, content_type)
            packed = (compress_string(response.content), content_type)
            cache.set_many({key + ":raw": raw, key + ":gz": packed}, TIMEOUT)
            stored = packed if gzipped else raw
        body, content_type = stored
        response = HttpResponse(body, content_type=content_type)
        if gzipped:
            response["Content-Encoding"] = "gzip"
        _mark_public(response, etag)
        return response

    return wrapper


def _storable(request, response):
    # A page that asked for a CSRF token or set a cookie belongs to one visitor.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _mark_public(response, etag):
    response["ETag"] = etag
    # Browsers and proxies keep it but ask again each time; the answer is then a 304.
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
