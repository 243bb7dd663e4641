"""URLs of the questionnaire pages: the list, responses, builder, XLSForm and response
uploads, the comparison of two rounds and the coding."""

from django.urls import path

from raak.questionnaires import builder, coding_views, import_views, views

urlpatterns = [
    path("<slug:slug>/vragenlijsten/nieuw/", builder.new_questionnaire, name="questionnaire-new"),
    path("<slug:slug>/vragenlijsten/<slug:q_slug>/bouwen/", builder.builder, name="builder"),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/bouwen/voorbeeld/",
        builder.preview,
        name="builder-preview",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/bouwen/toon-als.json",
        builder.check_show_if,
        name="builder-check",
    ),
    path(
        "<slug:slug>/vragenlijsten/importeren/",
        import_views.import_questionnaire,
        name="questionnaire-import",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/antwoorden-importeren/",
        import_views.import_responses,
        name="responses-import",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/buiten-gebruik/",
        views.retire,
        name="questionnaire-retire",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/xlsform.xlsx",
        import_views.download_xlsform,
        name="questionnaire-xlsform",
    ),
    # The list, a region's response, the comparison of two rounds and the coding.
    path("<slug:slug>/vragenlijsten/", views.questionnaire_list, name="questionnaires"),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/ronde/<slug:round_slug>/regio/<slug:region_slug>/",
        views.response_form,
        name="response",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/vergelijk/",
        views.comparison,
        name="compare",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/vergelijk.csv",
        views.comparison,
        {"fmt": "csv"},
        name="compare-csv",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/vergelijk.xlsx",
        views.comparison,
        {"fmt": "xlsx"},
        name="compare-xlsx",
    ),
    path(
        "<slug:slug>/vragenlijsten/<slug:q_slug>/codering/", coding_views.coding_page, name="coding"
    ),
]
