from django.apps import AppConfig


class OffsiteConfig(AppConfig):
    name = "zhifa.offsite"
    label = "offsite"
    verbose_name = "非现场执法"

    def ready(self):
        from zhifa.offsite import tasks  # noqa: F401 - registers the import job function
