from django.urls import path

from raak.api import pages, published, quality, read, write
from raak.api.api import api

api.add_router("", read.router)
api.add_router("", write.router)
api.add_router("", published.router)
api.add_router("", quality.router)

urlpatterns = [
    path("api/v1/docs", pages.docs, name="api-docs"),
    path("api/v1/", api.urls),
    path("api-sleutels/", pages.tokens_page, name="api-tokens"),
    path("api-sleutels/<int:token_id>/intrekken/", pages.revoke, name="api-token-revoke"),
]
