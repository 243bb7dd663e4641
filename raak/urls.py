"""The URL table: each app's own `urls.py`, in the order Django tries them.

The order matters where a pattern with a slug could take another's literal word (the
site's `taal/<code>/` before `<programme>/…` pages, for example); tests/test_url_names.py
holds every name's path and which view each path reaches, so a reordering that changes
an answer fails there.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("raak.core.urls")),  # /gezond/gereed, /gezond/werkers
    path("", include("raak.accounts.urls")),  # logins, account, people, security log
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("raak.api.urls")),  # /api/v1/ and the API keys page
    path("", include("raak.routes.urls")),  # route maps
    path("", include("raak.cycle.urls")),  # start page, submissions, progress, reminders
    path("", include("raak.reports.urls")),  # reports
    path("", include("raak.opendata.urls")),  # open data (stable URLs)
    path("", include("raak.look.urls")),  # theme, accessibility, privacy, help
    path("", include("raak.site.urls")),  # home, /gezond, favicon, language switch
    path("", include("raak.questionnaires.urls")),  # questionnaires, comparison, coding
    path("", include("raak.picture.urls")),  # programme, rounds, maps, regions, history
    path("", include("raak.protocols.urls")),  # protocol checklists
    path("", include("raak.training.urls")),  # training and reach
    path("", include("raak.network.urls")),  # institutions and network
    path("", include("raak.knowledge.urls")),  # activities and action points
]
