from django.urls import path

from raak.knowledge import editing as knowledge_editing
from raak.knowledge import views as knowledge
from raak.network import views as network
from raak.picture import editing, history, rules_editing, views
from raak.protocols import views as protocols
from raak.questionnaires import coding_views
from raak.questionnaires import views as questionnaires
from raak.training import views as training

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
    path("<slug:slug>/protocollen/", protocols.overview, name="protocols"),
    path(
        "<slug:slug>/protocollen/<slug:region_slug>/",
        protocols.region_checklist,
        name="protocol-region",
    ),
    path(
        "<slug:slug>/protocollen/<slug:region_slug>/wijzigen/",
        protocols.edit_checklist,
        name="protocol-edit",
    ),
    path("<slug:slug>/scholing/", training.overview, name="training"),
    path(
        "<slug:slug>/scholing/bereik/<slug:region_slug>/nieuw/",
        training.add_reach,
        name="training-reach-add",
    ),
    path("<slug:slug>/vragenlijsten/", questionnaires.questionnaire_list, name="questionnaires"),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/ronde/<slug:round_slug>/regio/<slug:region_slug>/",
        questionnaires.response_form,
        name="response",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/vergelijk/",
        questionnaires.comparison,
        name="compare",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/vergelijk.csv",
        questionnaires.comparison,
        {"fmt": "csv"},
        name="compare-csv",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/vergelijk.xlsx",
        questionnaires.comparison,
        {"fmt": "xlsx"},
        name="compare-xlsx",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/codering/", coding_views.coding_page, name="coding"
    ),
    path("<slug:slug>/netwerk/", network.coverage, name="network"),
    path("<slug:slug>/netwerk/<slug:region_slug>/", network.region_network, name="network-region"),
    path(
        "<slug:slug>/netwerk/<slug:region_slug>/<str:what>/nieuw/",
        network.add,
        name="network-add",
    ),
    path("<slug:slug>/activiteiten/", knowledge.catalogue, name="catalogue"),
    path("<slug:slug>/activiteiten/nieuw/", knowledge_editing.edit_activity, name="activity-new"),
    path("<slug:slug>/activiteiten/<slug:key>/", knowledge.activity, name="activity"),
    path(
        "<slug:slug>/activiteiten/<slug:key>/wijzigen/",
        knowledge_editing.edit_activity,
        name="activity-edit",
    ),
    path("<slug:slug>/actiepunten/", knowledge.action_points, name="action-points"),
    path(
        "<slug:slug>/actiepunten/<slug:region_slug>/nieuw/",
        knowledge_editing.edit_action_point,
        name="action-point-new",
    ),
    path(
        "<slug:slug>/actiepunten/<slug:region_slug>/<int:point_id>/wijzigen/",
        knowledge_editing.edit_action_point,
        name="action-point-edit",
    ),
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
