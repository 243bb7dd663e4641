from django.urls import path

from raak.network import views

urlpatterns = [
    path("<slug:slug>/netwerk/", views.coverage, name="network"),
    path("<slug:slug>/netwerk/<slug:region_slug>/", views.region_network, name="network-region"),
    path(
        "<slug:slug>/netwerk/<slug:region_slug>/<str:what>/nieuw/",
        views.add,
        name="network-add",
    ),
]
