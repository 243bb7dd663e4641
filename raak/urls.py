from django.urls import include, path

urlpatterns = [
    path("", include("raak.picture.urls")),
]
