"""URLs of the questionnaire pages added for XLSForm, response uploads and coding."""

from django.urls import path

from raak.questionnaires import builder, import_views, views

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
]
