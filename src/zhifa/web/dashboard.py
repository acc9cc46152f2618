"""Dashboard panels contributed by apps: callables (request) -> dict(title, items) or None."""

DASHBOARD_PANELS: list = []
