from django.urls import include, path

urlpatterns = [
    path("", include("raak.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("raak.picture.urls")),
]
