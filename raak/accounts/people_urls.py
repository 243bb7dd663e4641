from django.urls import path

from raak.accounts import people_views as views

urlpatterns = [
    path("uitnodiging/<str:token>/", views.accept, name="invitation-accept"),
    path("<slug:slug>/mensen/", views.people, name="people"),
    path("<slug:slug>/mensen/uitnodigen/", views.invite, name="people-invite"),
    path("<slug:slug>/mensen/<int:user_id>/", views.person, name="person"),
    path(
        "<slug:slug>/uitnodigingen/<int:invitation_id>/",
        views.invitation_action,
        name="invitation-action",
    ),
]
