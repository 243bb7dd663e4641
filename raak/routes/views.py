"""Public pages of the route map: the finder, a region's published route map and its
protocol document; and the completeness overview for the national office."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from raak.accounts.access import national_only, programme_for
from raak.accounts.security import log_event
from raak.knowledge.models import Activity
from raak.programmes import evidence
from raak.programmes.caching import public_page
from raak.programmes.models import Region, RegionMunicipality
from raak.routes import completeness, finder
from raak.routes.models import ProtocolDocument, RegionRoute
from raak.routes.service import current_publication
from raak.training.models import Offer


@public_page
def find(request, slug):
    """A municipality by name or CBS code leads to its region's route map. Works as a
    plain GET form; the datalist only helps typing."""
    programme, access = programme_for(request, slug)
    today = timezone.localdate()
    regions = list(
        programme.regions.active_on(today).prefetch_related(
            Prefetch(
                "municipalities", queryset=RegionMunicipality.objects.only("region_id", "code")
            )
        )
    )
    query = request.GET.get("gemeente", "").strip()[:100]
    found = finder.search(query) if query else []
    match = finder.region_for(found[0], regions) if len(found) == 1 else None
    if match and match.how != "nearest":
        return redirect(
            f"/{programme.slug}/routekaart/regio/{match.region.slug}/?gemeente={match.municipality.code}"
        )
    published = {r.region.id for r in completeness.overview(programme, today)[1] if r.publication}
    return render(request, "routes/find.html", {
        "programme": programme, "access": access, "query": query, "found": found, "match": match,
        "municipalities": finder.municipalities(), "regions": regions, "published": published,
        "knows_members": any(r.municipalities.all() for r in regions),
    })  # fmt: skip


@public_page
def region_page(request, slug, region_slug):
    programme, access = programme_for(request, slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    publication = current_publication(region)
    data = publication.data if publication else {}
    contacts = data.get("contacts", {})
    steps = [(s, contacts.get(s.key, [])) for s in programme.route_steps.all()]
    municipality = None
    code = request.GET.get("gemeente", "")
    if code:
        found = finder.search(code)
        municipality = found[0] if len(found) == 1 else None
    route = RegionRoute.objects.filter(region=region).first()
    insider = access.can_read_unpublished(region)
    return render(request, "routes/region.html", {
        "programme": programme, "access": access, "region": region, "publication": publication,
        "steps": steps, "sectors": data.get("sectors", []), "protocol": data.get("protocol"),
        "municipality": municipality, "can_write": access.can_write(region), "insider": insider,
        "pending": bool(insider and route and route.revision and
                        (publication is None or route.revision > publication.revision)),
        "activities": Activity.objects.filter(programme=programme, regions=region).order_by("key")[:8],
        "offers": Offer.objects.filter(programme=programme, regions=region).order_by("title")[:8],
    })  # fmt: skip


def document(request, slug, region_slug, doc_id):
    """The published protocol document for everyone; drafts only for the region and the
    national office (404 to anyone else: we do not confirm a draft exists)."""
    programme, access = programme_for(request, slug)
    region = get_object_or_404(Region, programme=programme, slug=region_slug)
    doc = get_object_or_404(ProtocolDocument, region=region, id=doc_id)
    publication = current_publication(region)
    public = bool(publication and (publication.data.get("protocol") or {}).get("id") == doc.id)
    if not public and not access.can_read_unpublished(region):
        raise Http404
    log_event("download", request, programme=programme, region=region.slug,
              route_document=doc.id, published=public)  # fmt: skip
    ext = {v: k for k, v in evidence.TYPES.items()}.get(doc.content_type, "bin")
    return FileResponse(doc.file.open("rb"), as_attachment=True, content_type=doc.content_type,
                        filename=f"routekaart-{region.slug}.{ext}")  # fmt: skip


@login_required
def overview(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    steps, rows = completeness.overview(programme, timezone.localdate())
    return render(request, "routes/overview.html", {
        "programme": programme, "access": access, "steps": steps, "rows": rows,
        "months": completeness.stale_months(),
        "summary": completeness.summary(programme, timezone.localdate()),
    })  # fmt: skip
