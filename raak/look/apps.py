from django.apps import AppConfig


class LookConfig(AppConfig):
    name = "raak.look"
    verbose_name = "Look: theme and the pages a public body publishes"

    def ready(self):
        from raak.look import checks, theme  # noqa: F401 -- checks registers itself
        from raak.programmes import caching

        # A theme change reaches every cached public page on the next request: the
        # theme's version is part of the page key, read in the page cache's one query.
        caching.key_pages_on(theme.VERSION_SUBQUERY)
