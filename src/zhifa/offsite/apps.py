from django.apps import AppConfig


class OffsiteConfig(AppConfig):
    name = "zhifa.offsite"
    label = "offsite"
    verbose_name = "非现场执法"
