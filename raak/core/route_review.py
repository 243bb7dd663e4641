"""Route maps ride along with the reporting cycle (raak.cycle): when the national office
accepts a region's submission, the region's route map draft is published with it, but
only when the draft has not changed since the region submitted, so what goes public is
what was reviewed. A draft changed later waits for the next acceptance or for the
publish button on the route map editor."""

from raak.cycle.models import Submission
from raak.routes import service
from raak.routes.models import RegionRoute


def publish_with_accepted_submission(sender, instance, **kwargs):
    if instance.state != Submission.ACCEPTED or instance.submitted_at is None:
        return
    region = instance.region
    route = RegionRoute.objects.filter(region=region).first()
    if route is None or not route.revision or route.updated_at > instance.submitted_at:
        return
    published = service.current_publication(region)
    if published is not None and published.revision >= route.revision:
        return
    try:
        service.publish(region, expected_revision=route.revision, user=None,
                        programme=region.programme,
                        actor=f"indiening {instance.round.slug} geaccepteerd")  # fmt: skip
    except service.Conflict:  # changed in this very moment: it waits for the button
        pass
