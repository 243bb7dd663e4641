from django.urls import path

from raak.protocols import views

urlpatterns = [
    path("<slug:slug>/protocollen/", views.overview, name="protocols"),
    path(
        "<slug:slug>/protocollen/<slug:region_slug>/",
        views.region_checklist,
        name="protocol-region",
    ),
    path(
        "<slug:slug>/protocollen/<slug:region_slug>/wijzigen/",
        views.edit_checklist,
        name="protocol-edit",
    ),
]
