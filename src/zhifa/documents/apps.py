from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "zhifa.documents"
    label = "documents"
    verbose_name = "执法文书"

    def ready(self):
        from zhifa.documents import tasks  # noqa: F401 - registers the batch job function
