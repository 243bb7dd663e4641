"""A public body's site publishes /.well-known/security.txt (RFC 9116): production
refuses to start without the contact it names. It also says where its source is
(EUPL-1.2): a warning, not a refusal, when it does not."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


@register(Tags.security, deploy=True)
def source_url_check(app_configs, **kwargs):
    url = settings.SOURCE_URL
    if settings.DEBUG or url.startswith("https://"):
        return []
    return [
        Warning(
            "SOURCE_URL is not set to where this deployment's source code can be had.",
            hint="EUPL-1.2 asks that the users of a service can find its source: set "
            "SOURCE_URL to the https: address of the repository you deploy from; every "
            "page's footer links to it (README, Configuration).",
            id="raak.W032",
        )
    ]
