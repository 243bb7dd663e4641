from django.urls import path

from raak.knowledge import editing, views

urlpatterns = [
    path("<slug:slug>/activiteiten/", views.catalogue, name="catalogue"),
    # Before <slug:key>/, which would take "nieuw" for an activity's key.
    path("<slug:slug>/activiteiten/nieuw/", editing.edit_activity, name="activity-new"),
    path("<slug:slug>/activiteiten/<slug:key>/", views.activity, name="activity"),
    path(
        "<slug:slug>/activiteiten/<slug:key>/wijzigen/",
        editing.edit_activity,
        name="activity-edit",
    ),
    path("<slug:slug>/actiepunten/", views.action_points, name="action-points"),
    path(
        "<slug:slug>/actiepunten/<slug:region_slug>/nieuw/",
        editing.edit_action_point,
        name="action-point-new",
    ),
    path(
        "<slug:slug>/actiepunten/<slug:region_slug>/<int:point_id>/wijzigen/",
        editing.edit_action_point,
        name="action-point-edit",
    ),
]
