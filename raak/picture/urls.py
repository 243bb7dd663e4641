from django.urls import path

from raak.picture import views

urlpatterns = [
    path("", views.home, name="home"),
]
