from zhifa.core.permissions import officer_of
from zhifa.web.nav import resolved_modules


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    officer = officer_of(user)
    return {"nav_modules": resolved_modules(), "current_officer": officer}
