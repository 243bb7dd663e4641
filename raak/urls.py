from django.urls import include, path

urlpatterns = [
    path("", include("raak.core.urls")),
    path("", include("raak.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("raak.api.urls")),
    path("", include("raak.routes.urls")),
    path("", include("raak.cycle.urls")),
    path("", include("raak.reports.urls")),
    path("", include("raak.opendata.urls")),
    path("", include("raak.questionnaires.urls")),
    path("", include("raak.look.urls")),
    path("", include("raak.site.urls")),
    path("", include("raak.picture.urls")),
]
