from django.urls import path

from raak.accounts import office, oidc_views, people_views, twofactor, views

urlpatterns = [
    path("inloggen/", views.Login.as_view(), name="login"),
    path("inloggen/code/", twofactor.verify, name="otp-verify"),
    path("inloggen/oidc/", oidc_views.start, name="oidc-start"),
    path("inloggen/oidc/terug/", oidc_views.callback, name="oidc-callback"),
    path("uitloggen/", oidc_views.Logout.as_view(), name="logout"),
    path("mijn-account/", views.account, name="account"),
    path("mijn-account/tweestaps/", twofactor.setup, name="otp-setup"),
    path("mijn-account/herstelcodes/", twofactor.recovery, name="otp-recovery"),
    path("mijn-account/wachtwoord/", views.PasswordChange.as_view(), name="password_change"),
    path("wachtwoord-vergeten/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verzonden/",
        views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("<slug:slug>/beveiliging/", office.security, name="security"),
    path("<slug:slug>/beveiliging/logboek/", office.security_log, name="security-log"),
    path(
        "<slug:slug>/beveiliging/logboek.csv",
        office.security_log,
        {"fmt": "csv"},
        name="security-log-csv",
    ),
    # People and roles (people_views.py).
    path("uitnodiging/<str:token>/", people_views.accept, name="invitation-accept"),
    path("<slug:slug>/mensen/", people_views.people, name="people"),
    path("<slug:slug>/mensen/uitnodigen/", people_views.invite, name="people-invite"),
    path("<slug:slug>/mensen/<int:user_id>/", people_views.person, name="person"),
    path(
        "<slug:slug>/uitnodigingen/<int:invitation_id>/",
        people_views.invitation_action,
        name="invitation-action",
    ),
]
