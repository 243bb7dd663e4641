"""A public body's site publishes /.well-known/security.txt (RFC 9116): production
refuses to start without the contact it names."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def security_contact_check(app_configs, **kwargs):
    if not settings.DEBUG and not settings.SECURITY_CONTACT:
        return [
            Error(
                "SECURITY_CONTACT is not set.",
                hint="Set SECURITY_CONTACT to a mailto: or https: address for security "
                "reports; /.well-known/security.txt names it (README, Configuration).",
                id="raak.E030",
            )
        ]
    if settings.SECURITY_CONTACT and not settings.SECURITY_CONTACT.startswith(
        ("mailto:", "https://", "tel:")
    ):
        return [
            Error(
                "SECURITY_CONTACT must be a URI: mailto:, https: or tel:.",
                hint="e.g. SECURITY_CONTACT=mailto:security@example.org",
                id="raak.E031",
            )
        ]
    return []
