"""`raak publish-static`: the public pages of a programme's published rounds as a
self-contained static site (issue #24, docs/opendata.md "A static site").

The pages are the real ones: every page is asked of RAAK's own views through Django's
test client, as an anonymous visitor (no session, no cookies), so nothing reaches the
site that an anonymous visitor could not see there (unpublished rounds, members'
notes, names without consent). The crawl starts at the programme's public pages and
follows links that stay inside the programme's public URL patterns (`PROGRAMME_PAGES`)
or the installation's public pages (`SITE_PAGES`); query strings are followed only for
the map switcher and paging (`FOLLOWED_QUERY`), so each map is a page of its own.

Every link is then made relative to the file it is in (`dir/index.html` for a URL
ending in `/`; `dir/index.kaart-werkplan.html` for `dir/?kaart=werkplan`), so the tree
works from disk (file://) and served by nginx at the same paths (deploy/nginx-static.conf).
Links to what the site does not hold (log in, the language switch, search forms, the
API) point at the live site (SITE_URL). Scripts are left out: every page works without
JavaScript (the map switcher is a list of links). The static files a page uses are
copied in; a published national report is written as PDF (and the other formats it
links to) by the report service, as `raak archive` does. `sitemap.xml` lists every page
and document with its absolute URL on SITE_URL.
"""

import gzip
import logging
import mimetypes
import os
import re
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from lxml import etree
from lxml import html as lxml_html

from raak.opendata.catalog import modified
from raak.reports import service as reports
from raak.reports.models import Report

# Public pages of a programme (URL names, with `slug` = the programme). Pages that only
# members see answer anonymous visitors 404 and are left out by the crawl itself.
PROGRAMME_PAGES = {
    "programme", "national", "national-map", "region", "document", "forecast",
    "forecast-csv", "forecast-xlsx", "protocols", "protocol-region", "training",
    "questionnaires", "compare", "compare-csv", "compare-xlsx", "network", "catalogue",
    "activity", "action-points", "progress", "route-find", "route-region",
    "route-document", "reports", "report", "region-report", "opendata",
    "opendata-catalog-ttl", "opendata-catalog-jsonld", "opendata-round", "opendata-file",
}  # fmt: skip
# The installation's public pages (no programme in the URL), and its theme's files.
SITE_PAGES = {
    "home", "accessibility", "privacy", "contact", "help", "help-role", "favicon",
    "theme-tokens", "theme-logo", "theme-favicon",
}  # fmt: skip
# Report files: anonymous visitors never have one made, so the site makes them.
REPORT_FILES = {"report-file"}
FOLLOWED_QUERY = {"kaart", "pagina"}
# Not in the sitemap: what a page uses, not what a visitor looks for.
ASSET_NAMES = {"favicon", "theme-tokens", "theme-logo", "theme-favicon"}


class StaticSiteError(ValueError):
    pass


@dataclass
class Result:
    pages: int = 0
    files: int = 0
    skipped: list = field(default_factory=list)  # (url, status) linked but not public


def check_output(output):
    """The output folder must be new or empty, and writable: never overwrite a tree."""
    output = Path(output)
    if output.exists():
        if not output.is_dir():
            raise StaticSiteError(_("--output %(path)s is geen map") % {"path": output})
        if any(output.iterdir()):
            raise StaticSiteError(
                _("--output %(path)s is niet leeg; kies een nieuwe of lege map") % {"path": output}
            )
        writable = os.access(output, os.W_OK | os.X_OK)
    else:
        parent = next((p for p in output.absolute().parents if p.exists()), None)
        writable = parent is not None and parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)
    if not writable:
        raise StaticSiteError(_("--output %(path)s is niet schrijfbaar") % {"path": output})
    return output


def site_url():
    return settings.SITE_URL or settings.DEVELOPMENT_SITE_URL


def _query_key(query):
    """The followed part of a query string, or None when it holds anything else."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if v]
    if any(k not in FOLLOWED_QUERY for k, _v in pairs):
        return None
    return urlencode(sorted(pairs))


def _safe(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "bestand"


class Builder:
    def __init__(self, programme, progress=None):
        self.programme = programme
        self.progress = progress or (lambda done, total, url: None)
        parts = urlsplit(site_url())
        self.scheme, self.host = parts.scheme, parts.netloc
        self.client = Client(HTTP_HOST=self.host)
        self.files = {}  # URL (path?query) -> relative file path in the site
        self.html = {}  # URL -> rendered HTML, rewritten once every file is known
        self.written = {}  # relative file path -> bytes (non-HTML)
        self.redirects = set()  # URLs answered with a redirect: a page that links on
        self.result = Result()

    # -- what belongs to the site --------------------------------------------------

    def kind(self, path, query):
        """'page', 'static', 'report' or None (not in the site: link to the live site)."""
        if _query_key(query) is None:
            return None
        static = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static):
            return "static"
        try:
            match = resolve(path)
        except Resolver404:
            return None
        slug = match.kwargs.get("slug")
        if match.url_name in SITE_PAGES and slug is None:
            return "page"
        if slug != self.programme.slug:
            return None
        if match.url_name in PROGRAMME_PAGES:
            return "page"
        if match.url_name in REPORT_FILES:
            return "report"
        return None

    def seeds(self, rounds):
        p = self.programme.slug
        urls = [f"/{p}/", f"/{p}/verwacht/", f"/{p}/open-data/", f"/{p}/rapporten/",
                f"/{p}/activiteiten/", f"/{p}/actiepunten/", f"/{p}/routekaart/",
                f"/{p}/voortgang/", "/"]  # fmt: skip
        for rnd in rounds:
            urls += [f"/{p}/ronde/{rnd.slug}/", f"/{p}/open-data/{rnd.slug}/",
                     f"/{p}/rapporten/{rnd.slug}/"]  # fmt: skip
        for region in self.programme.regions.order_by("slug").values_list("slug", flat=True):
            urls += [f"/{p}/regio/{region}/", f"/{p}/routekaart/regio/{region}/"]
        return urls

    # -- crawling ----------------------------------------------------------------

    def crawl(self, rounds):
        queue = deque()
        queued = set()

        def add(url):
            if url not in queued:
                queued.add(url)
                queue.append(url)

        self.seeded = set(self.seeds(rounds))
        for url in self.seeds(rounds):
            add(url)
        done = 0
        while queue:
            url = queue.popleft()
            done += 1
            self.progress(done, done + len(queue), url)
            for link in self.fetch(url):
                add(link)

    def fetch(self, url):
        """Fetch one URL; return the in-site URLs it links to."""
        parts = urlsplit(url)
        kind = self.kind(parts.path, parts.query)
        if kind == "static":
            return self._static(url, parts.path)
        if kind == "report":
            return self._report(url, parts.path)
        response = self.client.get(url, secure=self.scheme == "https")
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(urljoin(url, response["Location"]))
            if target.netloc and target.netloc != self.host:
                self.result.skipped.append((url, response.status_code))
                return []
            link = urlunsplit(("", "", target.path, _query_key(target.query) or "", ""))
            self.files[url] = self._file_name(parts.path, parts.query, "text/html", None)
            self.html[url] = self._redirect_page(link)
            self.redirects.add(url)
            return [link] if self.kind(target.path, target.query) else []
        if response.status_code != 200:
            if url not in self.seeded:  # a seed may well not exist (no report yet)
                self.result.skipped.append((url, response.status_code))
            return []
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.files[url] = self._file_name(
            parts.path, parts.query, content_type, response.get("Content-Disposition")
        )
        if content_type != "text/html":
            self.written[self.files[url]] = body
            return []
        self.html[url] = body
        return self._links(url, body)

    def _static(self, url, path):
        name = path[len("/" + settings.STATIC_URL.lstrip("/")) :]
        found = finders.find(name) or (
            staticfiles_storage.exists(name) and staticfiles_storage.path(name)
        )
        if not found:
            self.result.skipped.append((url, 404))
            return []
        self.files[url] = path.lstrip("/")
        self.written[self.files[url]] = Path(found).read_bytes()
        return []

    def _report(self, url, path):
        """A published national report's file, made by the report service (anonymous
        visitors never have one made, so the live page may not have it yet)."""
        match = resolve(path)
        rnd = self.programme.rounds.visible_to_public().filter(slug=match.kwargs["round_slug"])
        report = Report.objects.filter(round__in=rnd).select_related("round").first()
        fmt = match.kwargs["fmt"]
        if report is None or not report.is_public or fmt not in reports.FORMATS:
            self.result.skipped.append((url, 404))
            return []
        content, name = reports.make(report.round, fmt)
        # …/rapporten/<round>/maken/pdf/ -> …/rapporten/<round>/<file name>
        self.files[url] = str(PurePosixPath(path.strip("/")).parent.parent / _safe(name))
        self.written[self.files[url]] = content
        return []

    def _links(self, url, body):
        doc = lxml_html.document_fromstring(body)
        found = []
        for element, attribute, link, _pos in doc.iterlinks():
            if element.tag == "script" or (element.tag == "form" and attribute == "action"):
                continue
            target = urlsplit(urljoin(url, link))
            if target.scheme or target.netloc or not target.path:
                continue
            if self.kind(target.path, target.query):
                found.append(urlunsplit(("", "", target.path, _query_key(target.query), "")))
        return found

    # -- file names --------------------------------------------------------------

    def _file_name(self, path, query, content_type, disposition):
        """dir/ -> dir/index.html, dir/?kaart=x -> dir/index.kaart-x.html; a file
        served at a URL ending in / (an evidence document) takes its own name."""
        pure = PurePosixPath(path.strip("/") or ".")
        suffix = "." + ".".join(_safe(f"{k}-{v}") for k, v in parse_qsl(query)) if query else ""
        if path.endswith("/"):
            if content_type == "text/html":
                return str(pure / f"index{suffix}.html")
            named = re.search(r'filename="?([^";]+)"?', disposition or "")
            extension = mimetypes.guess_extension(content_type) or ""
            return str(pure / _safe(named.group(1) if named else f"index{extension}"))
        name = pure.name
        if not pure.suffix:
            name += mimetypes.guess_extension(content_type) or ""
        stem, dot, ext = name.rpartition(".")
        return str(pure.parent / (f"{stem}{suffix}.{ext}" if dot and suffix else name))

    def _redirect_page(self, target):
        return render_to_string("opendata/static_redirect.html", {"target": target}).encode()

    # -- rewriting and writing ---------------------------------------------------

    def live(self, target):
        return urlunsplit((self.scheme, self.host, target.path, target.query, target.fragment))

    def rewrite(self, url, body):
        here = PurePosixPath(self.files[url]).parent
        doc = lxml_html.document_fromstring(body)
        for script in doc.xpath("//script"):
            script.drop_tree()
        # Search and filter forms need RAAK: they go to the live site.
        for form in doc.xpath("//form"):
            form.set("action", self.live(urlsplit(urljoin(url, form.get("action") or url))))

        def relative(link):
            if link.startswith("#") or not link:
                return link
            target = urlsplit(urljoin(url, link))
            if target.scheme and target.netloc != self.host:
                return link
            key = urlunsplit(("", "", target.path, _query_key(target.query) or "", ""))
            if self.kind(target.path, target.query) and key in self.files:
                rel = os.path.relpath(self.files[key], here)
                return rel + (f"#{target.fragment}" if target.fragment else "")
            return self.live(target)

        doc.rewrite_links(relative, resolve_base_href=False)
        return lxml_html.tostring(doc, doctype="<!DOCTYPE html>", encoding="utf-8")

    def sitemap(self):
        urlset = etree.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
        lastmod = modified(self.programme).date().isoformat()
        for url in sorted(self.files):
            parts = urlsplit(url)
            if self.kind(parts.path, parts.query) == "static" or url in self.redirects:
                continue
            if resolve(parts.path).url_name in ASSET_NAMES:
                continue
            entry = etree.SubElement(urlset, "url")
            etree.SubElement(entry, "loc").text = self.live(parts)
            etree.SubElement(entry, "lastmod").text = lastmod
        return etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def write(self, folder, gzip_pages=False):
        for name, body in self.written.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(body)
        for url, body in self.html.items():
            path = folder / self.files[url]
            path.parent.mkdir(parents=True, exist_ok=True)
            page = self.rewrite(url, body)
            path.write_bytes(page)
            if gzip_pages:  # for nginx's gzip_static: compressed once, not per request
                path.with_name(path.name + ".gz").write_bytes(gzip.compress(page, 9, mtime=0))
        (folder / "sitemap.xml").write_bytes(self.sitemap())
        self.result.pages = len(self.html)
        self.result.files = len(self.written)


def build(programme, output, progress=None, gzip_pages=False):
    """Write the static site of `programme`'s published rounds to `output` (a new or
    empty folder); return a Result. Nothing is left behind when it fails."""
    output = check_output(output)
    rounds = list(programme.rounds.visible_to_public().order_by("peildatum"))
    if not rounds:
        raise StaticSiteError(
            _("%(programme)s heeft geen gepubliceerde ronde") % {"programme": programme.slug}
        )
    builder = Builder(programme, progress)
    # The client asks with the site's own host name, which production allows; a seed
    # that does not exist (a round without a report) is no error worth a log line.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, builder.host.split(":")[0]]):
            builder.crawl(rounds)
    finally:
        request_log.setLevel(level)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=f".{output.name}-") as tmp:
        folder = Path(tmp) / "site"
        folder.mkdir()
        builder.write(folder, gzip_pages)
        if output.exists():
            output.rmdir()  # empty, checked above
        folder.rename(output)
    return builder.result
