from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "raak.opendata"

    def ready(self):
        from raak.look.theme import theme_changed
        from raak.opendata import public, public_site
        from raak.programmes.status import round_state_changed

        round_state_changed.connect(public.on_round_state_changed, dispatch_uid="opendata-public")
        round_state_changed.connect(
            public_site.on_round_state_changed, dispatch_uid="opendata-public-site"
        )
        theme_changed.connect(public.on_theme_changed, dispatch_uid="opendata-theme")
        theme_changed.connect(public_site.on_theme_changed, dispatch_uid="opendata-theme-site")
