from django.urls import path

from raak.training import views

urlpatterns = [
    path("<slug:slug>/scholing/", views.overview, name="training"),
    path(
        "<slug:slug>/scholing/bereik/<slug:region_slug>/nieuw/",
        views.add_reach,
        name="training-reach-add",
    ),
]
