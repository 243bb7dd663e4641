from django.urls import path

from raak.reports import views

urlpatterns = [
    path("<slug:slug>/rapporten/", views.report_list, name="reports"),
    path("<slug:slug>/rapporten/<slug:round_slug>/", views.report_page, name="report"),
    path(
        "<slug:slug>/rapporten/<slug:round_slug>/nieuw/", views.report_create, name="report-create"
    ),
    path(
        "<slug:slug>/rapporten/<slug:round_slug>/tekst/<slug:key>/",
        views.report_text,
        name="report-text",
    ),
    path(
        "<slug:slug>/rapporten/<slug:round_slug>/publiceren/",
        views.report_publish,
        name="report-publish",
    ),
    path(
        "<slug:slug>/rapporten/<slug:round_slug>/maken/<str:fmt>/",
        views.file_request,
        name="report-file",
    ),
    path(
        "<slug:slug>/rapporten/<slug:round_slug>/regio/<slug:region_slug>/",
        views.region_page,
        name="region-report",
    ),
    path(
        "<slug:slug>/rapporten/<slug:round_slug>/regio/<slug:region_slug>/maken/<str:fmt>/",
        views.file_request,
        name="region-report-file",
    ),
    path("<slug:slug>/rapportbestand/<int:file_id>/", views.file_status, name="report-file-status"),
    path(
        "<slug:slug>/rapportbestand/<int:file_id>/download/",
        views.file_download,
        name="report-file-download",
    ),
]
