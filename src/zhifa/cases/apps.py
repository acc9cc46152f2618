from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhifa.cases"
    label = "cases"
    verbose_name = "案件办理"

    def ready(self):
        from zhifa.cases import dashboard, selectors
        from zhifa.parties.selectors import CASE_TEAM_CHECKS
        from zhifa.web.dashboard import DASHBOARD_PANELS

        if selectors.on_case_team not in CASE_TEAM_CHECKS:
            CASE_TEAM_CHECKS.append(selectors.on_case_team)
        for panel in dashboard.PANELS:
            if panel not in DASHBOARD_PANELS:
                DASHBOARD_PANELS.append(panel)
