from django.conf import settings


def site(request):
    return {"raak_site_name": settings.SITE_NAME}
