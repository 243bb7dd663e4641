from django.urls import path

from raak.look import views

urlpatterns = [
    path("thema/tokens-<int:version>.css", views.tokens, name="theme-tokens"),
    path("thema/logo-<int:version>", views.logo, name="theme-logo"),
    path("thema/favicon-<int:version>", views.favicon, name="theme-favicon"),
    path("beheer/thema/", views.theme_settings, name="theme-settings"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("contact/", views.contact, name="contact"),
    path("help/", views.help_index, name="help"),
    path("help/<slug:role>/", views.help_role, name="help-role"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
]
