from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "raak.training"
    verbose_name = "Training"
