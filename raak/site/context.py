from django.conf import settings

from raak.programmes import mail


def site(request):
    # Absolute URLs on pages come from SITE_URL, never from the Host header (a cached
    # public page must not carry an address an attacker sent).
    return {"raak_site_name": settings.SITE_NAME, "raak_site_url": mail.site_url()}
