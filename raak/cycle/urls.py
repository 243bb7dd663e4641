from django.urls import path

from raak.cycle import advisors, mail_log, rounds, views

urlpatterns = [
    path("start/", views.start, name="start"),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/regio/<slug:region_slug>/rapportage/",
        views.region_report,
        name="submission",
    ),
    path("<slug:slug>/ronde/<slug:round_slug>/indieningen/", views.overview, name="submissions"),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/indieningen.csv",
        views.overview,
        {"fmt": "csv"},
        name="submissions-csv",
    ),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/indieningen.xlsx",
        views.overview,
        {"fmt": "xlsx"},
        name="submissions-xlsx",
    ),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/herinneringen/",
        views.reminder_plan,
        name="reminder-plan",
    ),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/herinneringen/nu/",
        views.remind_now,
        name="remind-now",
    ),
    path("<slug:slug>/berichten/", mail_log.log, name="messages"),
    path("<slug:slug>/berichten/opnieuw/", mail_log.retry, name="messages-retry"),
    path("<slug:slug>/rondes/<slug:round_slug>/sluiten/", rounds.close, name="round-close"),
    path("<slug:slug>/rondes/<slug:round_slug>/publiceren/", rounds.publish, name="round-publish"),
    path(
        "<slug:slug>/rondes/<slug:round_slug>/vragenlijsten/",
        rounds.questionnaires,
        name="round-questionnaires",
    ),
    path("<slug:slug>/voortgang/", views.progress_page, name="progress"),
    path("<slug:slug>/adviseurs/", advisors.notes, name="advisor-notes"),
    path(
        "<slug:slug>/adviseurs/<slug:region_slug>/nieuw/",
        advisors.new_note,
        name="advisor-note-new",
    ),
]
