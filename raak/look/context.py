from django.conf import settings

from raak.look import theme


def site_theme(request):
    """`raak_theme` for base.html: class name, organisation, files' URLs (by version)."""
    return {"raak_theme": theme.current(request), "raak_source_url": settings.SOURCE_URL}
