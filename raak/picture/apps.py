from django.apps import AppConfig


class PictureConfig(AppConfig):
    name = "raak.picture"
    verbose_name = "National picture"
