from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "zhifa.agencies"
    label = "agencies"
    verbose_name = "执法机构与人员"
