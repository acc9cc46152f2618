from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhifa.catalog"
    label = "catalog"
    verbose_name = "权责清单与裁量"
