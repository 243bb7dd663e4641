from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "inloggen/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("raak.api.urls")),
    path("", include("raak.picture.urls")),
]
