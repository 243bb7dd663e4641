"""The pages of the national picture: a programme's rounds, maps, regions and forecast,
their editing, the validation rules and the change history."""

from django.urls import path

from raak.picture import editing, history, rules_editing, views

urlpatterns = [
    path("<slug:slug>/", views.programme, name="programme"),
    path("<slug:slug>/ronde/<slug:round_slug>/", views.national, name="national"),
    path("<slug:slug>/ronde/<slug:round_slug>/kaarten/", views.national_map, name="national-map"),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/kaarten/<slug:key>/",
        views.map_fragment,
        name="map-fragment",
    ),
    path("<slug:slug>/regio/<slug:region_slug>/", views.region, name="region"),
    path("<slug:slug>/document/<int:doc_id>/", views.document, name="document"),
    path("<slug:slug>/verwacht/", views.forecast, name="forecast"),
    path("<slug:slug>/verwacht.csv", views.forecast, {"fmt": "csv"}, name="forecast-csv"),
    path("<slug:slug>/verwacht.xlsx", views.forecast, {"fmt": "xlsx"}, name="forecast-xlsx"),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/regio/<slug:region_slug>/mijlpaal/<slug:key>/",
        editing.edit_status,
        name="edit-status",
    ),
    path(
        "<slug:slug>/ronde/<slug:round_slug>/regio/<slug:region_slug>/indicator/<slug:key>/",
        editing.edit_indicator,
        name="edit-indicator",
    ),
    path("<slug:slug>/rondes/", editing.rounds, name="rounds"),
    path("<slug:slug>/regels/", rules_editing.rule_list, name="rules"),
    path("<slug:slug>/regels/nieuw/", rules_editing.rule_edit, name="rule-new"),
    path("<slug:slug>/regels/<slug:key>/", rules_editing.rule_edit, name="rule-edit"),
    path("<slug:slug>/rondes/<slug:round_slug>/status/", editing.round_state, name="round-state"),
    path(
        "<slug:slug>/rondes/<slug:round_slug>/heropenen/",
        editing.reopen,
        name="round-reopen",
    ),
    path(
        "<slug:slug>/rondes/<slug:round_slug>/intrekken/",
        editing.round_withdraw,
        name="round-withdraw",
    ),
    path("<slug:slug>/rondes/<slug:round_slug>/termijn/", editing.round_dates, name="round-dates"),
    path("<slug:slug>/wijzigingen/", history.history, name="history"),
    path("<slug:slug>/wijzigingen.csv", history.history, {"fmt": "csv"}, name="history-csv"),
    path("<slug:slug>/wijzigingen.xlsx", history.history, {"fmt": "xlsx"}, name="history-xlsx"),
    path(
        "<slug:slug>/wijzigingen/<int:change_id>/terugdraaien/",
        history.revert,
        name="history-revert",
    ),
]
