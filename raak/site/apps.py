from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site shell: home, health, favicon, language switch, the site-wide middleware
    and context processor, the base template and error pages."""

    name = "raak.site"
    verbose_name = "Site"
