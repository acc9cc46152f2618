"""Login with failed-attempt lockout (等保2.0 身份鉴别) and audited logins."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.db import transaction

from zhifa.core.audit import audit_record


def _key(username: str) -> str:
    return f"zhifa:login-fail:{username.strip().lower()}"


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败%(max)s次后账户将被锁定%(minutes)s分钟。",
        "inactive": "该账户已停用。",
        "locked": "该账户因连续登录失败已被锁定，请%(minutes)s分钟后再试。",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        params = {"max": settings.LOGIN_MAX_FAILURES, "minutes": settings.LOGIN_LOCK_MINUTES}
        if cache.get(_key(username), 0) >= settings.LOGIN_MAX_FAILURES:
            raise forms.ValidationError(self.error_messages["locked"], code="locked", params=params)
        try:
            return super().clean()
        except forms.ValidationError:
            failures = cache.get(_key(username), 0) + 1
            cache.set(_key(username), failures, settings.LOGIN_LOCK_MINUTES * 60)
            with transaction.atomic():
                audit_record(
                    actor=None,
                    event_code="auth.login_failed" if failures < settings.LOGIN_MAX_FAILURES else "auth.locked",
                    object_type="auth.user",
                    object_id=username[:64],
                    object_repr=username[:200],
                    after={"failures": failures},
                )
            if failures >= settings.LOGIN_MAX_FAILURES:
                raise forms.ValidationError(self.error_messages["locked"], code="locked", params=params)
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login", params=params)

    def get_invalid_login_error(self):  # used by super().clean()
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"max": settings.LOGIN_MAX_FAILURES, "minutes": settings.LOGIN_LOCK_MINUTES},
        )


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["demo_mode"] = settings.DEMO_MODE
        return ctx

    def form_valid(self, form):
        response = super().form_valid(form)
        cache.delete(_key(form.get_user().get_username()))
        with transaction.atomic():
            officer = getattr(form.get_user(), "officer", None)
            audit_record(
                actor=form.get_user(),
                event_code="auth.login",
                obj=form.get_user(),
                agency=getattr(officer, "agency", None),
            )
        return response
