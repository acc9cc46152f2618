"""TOTP second factor for the roles in ZHIFA_2FA_ROLES (等保2.0 level 3 身份鉴别).

After the password, such a user is held on /2fa/ until they enter a valid code (and, the first
time, bind an authenticator app by scanning a QR code). Pages redirect there; the API answers
401 for a session that has not passed the second factor. Machine tokens are not affected.
"""

from __future__ import annotations

import io

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zhifa.agencies.services import officer_totp_confirm, officer_totp_start, totp_code_valid
from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError
from zhifa.core.permissions import officer_of

SESSION_KEY = "zhifa_2fa_ok"
MAX_FAILURES = 5


def requires_second_factor(user) -> bool:
    roles = set(settings.TWO_FACTOR_ROLES)
    if not roles or not user.is_authenticated:
        return False
    officer = officer_of(user)
    return officer is not None and officer.has_role(*roles)


class TwoFactorMiddleware:
    EXEMPT = ("/login/", "/logout/", "/2fa/", "/static/", "/p/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(SESSION_KEY)
            and not request.path.startswith(self.EXEMPT)
            and not request.headers.get("Authorization", "").startswith("Bearer ")
            and requires_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "auth.second_factor", "message": "请先完成动态口令验证", "field": None}, status=401
                )
            return redirect(f"{reverse('twofactor')}?next={request.path}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令（6位数字）",
        max_length=8,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


def _qr_svg(officer, secret: str) -> str:
    import pyotp

    uri = pyotp.TOTP(secret).provisioning_uri(name=officer.user.get_username(), issuer_name="zhifa 执法")
    buf = io.BytesIO()
    segno.make(uri, error="m").save(buf, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buf.getvalue().decode()


@login_required
def twofactor(request):
    officer = officer_of(request.user)
    if officer is None or not requires_second_factor(request.user):
        request.session[SESSION_KEY] = True
        return redirect("home")
    next_url = request.GET.get("next") or reverse("home")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("home")
    enrolling = officer.totp_confirmed_at is None
    if enrolling and not officer.totp_secret:
        officer_totp_start(actor=request.user, officer=officer)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"zhifa:2fa-fail:{request.user.pk}"
        code = form.cleaned_data["code"]
        try:
            if enrolling:
                officer_totp_confirm(actor=request.user, officer=officer, code=code)
            elif not totp_code_valid(officer, code):
                raise DomainError("totp.invalid", "动态口令不正确或已过期", "code")
        except DomainError as e:
            failures = cache.get(key, 0) + 1
            cache.set(key, failures, 900)
            with transaction.atomic():
                audit_record(actor=request.user, event_code="auth.second_factor_failed", obj=officer)
            if failures >= MAX_FAILURES:
                cache.delete(key)
                logout(request)
                return redirect("login")
            form.add_error("code", e.message)
        else:
            cache.delete(key)
            request.session[SESSION_KEY] = True
            request.session.cycle_key()
            with transaction.atomic():
                audit_record(actor=request.user, event_code="auth.second_factor_passed", obj=officer)
            return redirect(next_url)
    return render(
        request,
        "web/twofactor.html",
        {
            "form": form,
            "enrolling": enrolling,
            "qr_svg": _qr_svg(officer, officer.totp_secret) if enrolling else None,
            "secret": officer.totp_secret if enrolling else None,
        },
    )
