from django.urls import path

from raak.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("gezond", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("taal/<str:code>/", views.switch_language, name="switch-language"),
]
