from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhifa.cases"
    label = "cases"
    verbose_name = "案件办理"

    def ready(self):
        from zhifa.cases import selectors
        from zhifa.parties.selectors import CASE_TEAM_CHECKS

        if selectors.on_case_team not in CASE_TEAM_CHECKS:
            CASE_TEAM_CHECKS.append(selectors.on_case_team)
