from django.urls import path

from raak.core import health

urlpatterns = [
    path("gezond/gereed", health.ready, name="health-ready"),
    path("gezond/werkers", health.workers, name="health-workers"),
]
