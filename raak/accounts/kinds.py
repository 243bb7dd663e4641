"""The kinds of role, apart from the Role model: the Invitation (invitations.py) offers
one of them, and models.py, which registers the Invitation with Django, holds the Role.
Kept here so neither of those two modules has to import the other."""

from django.utils.translation import gettext_lazy as _

NATIONAL, COORDINATOR, OFFICER, VIEWER = "national", "coordinator", "officer", "viewer"
# An implementation advisor follows a set of regions (one Role per region): reads
# their unpublished data, writes advisor notes, never changes the region's data.
ADVISOR = "advisor"
KINDS = [
    (NATIONAL, _("landelijk bureau")),
    (COORDINATOR, _("regiocoördinator")),
    (OFFICER, _("gemeentelijk beleidsmedewerker")),
    (VIEWER, _("meelezer")),
    (ADVISOR, _("implementatieadviseur")),
]
# Kinds that may change a region's data; a viewer only reads.
WRITERS = (NATIONAL, COORDINATOR, OFFICER)
