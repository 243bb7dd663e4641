from django.urls import path

from raak.routes import editing, views

R = "<slug:slug>/routekaart/regio/<slug:region_slug>/"

urlpatterns = [
    path("<slug:slug>/routekaart/", views.find, name="route-find"),
    path("<slug:slug>/routekaart/volledigheid/", views.overview, name="route-overview"),
    path(R, views.region_page, name="route-region"),
    path(R + "document/<int:doc_id>/", views.document, name="route-document"),
    path(R + "wijzigen/", editing.edit, name="route-edit"),
    path(R + "wijzigen/protocol/", editing.upload_protocol, name="route-protocol"),
    path(R + "wijzigen/publiceren/", editing.publish, name="route-publish"),
    path(R + "wijzigen/stap/<slug:step_key>/nieuw/", editing.contact, name="route-contact-new"),
    path(R + "wijzigen/contact/<int:contact_id>/", editing.contact, name="route-contact"),
    path(
        R + "wijzigen/contact/<int:contact_id>/verwijderen/",
        editing.delete_contact,
        name="route-contact-delete",
    ),
]
