from django.urls import path

from raak.opendata import views

# The URLs of published open data are stable: never change these patterns.
urlpatterns = [
    path("<slug:slug>/open-data/", views.index, name="opendata"),
    path(
        "<slug:slug>/open-data/catalog.ttl",
        views.catalog_file,
        {"ext": "ttl"},
        name="opendata-catalog-ttl",
    ),
    path(
        "<slug:slug>/open-data/catalog.jsonld",
        views.catalog_file,
        {"ext": "jsonld"},
        name="opendata-catalog-jsonld",
    ),
    path("<slug:slug>/open-data/<slug:round_slug>/", views.round_page, name="opendata-round"),
    path(
        "<slug:slug>/open-data/<slug:round_slug>/<str:filename>",
        views.data_file,
        name="opendata-file",
    ),
]
