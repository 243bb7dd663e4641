"""The site's own pages: the home page, the liveness check, /favicon.ico and the
language switch. Every app's pages hang below these (raak/urls.py)."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from raak.programmes.models import Programme


@never_cache
def health(request):
    """A trivial view: the baseline for load benchmarks and the liveness check (the
    readiness checks are in raak/core/health.py)."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def favicon(request):
    """/favicon.ico: browsers and feed readers ask for it whatever the page links to
    (pages link the SVG); answering it keeps a 404 out of every page's log."""
    response = FileResponse(
        (settings.BASE_DIR / "static" / "raak" / "favicon.ico").open("rb"),
        content_type="image/x-icon",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def switch_language(request, code):
    """Set the interface language (a cookie) and go back to the page the visitor was on."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 60 * 60, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE, httponly=True,
    )  # fmt: skip
    return response


def home(request):
    programmes = list(Programme.objects.all())
    if len(programmes) == 1:
        return redirect("programme", programmes[0].slug)
    return render(request, "site/home.html", {"programmes": programmes})
