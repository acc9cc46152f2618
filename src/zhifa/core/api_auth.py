"""API authentication: the session (people, with CSRF) or a Bearer token (machines).

Domain errors become JSON ``{code, message, field}``: 404 for NotFound (also outside the
jurisdiction), 403 for permission problems, 409 for conflicts, 400 otherwise.
"""

from __future__ import annotations

from django.utils import timezone
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from zhifa.core.errors import ConflictError, DomainError, NotFound, PermissionDenied


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from zhifa.core.models import ApiToken

        if not token or not token.startswith("zf_"):
            return None
        row = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(token), revoked=False).first()
        if row is None or (row.expires_at and row.expires_at < timezone.now()) or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class SessionAuthCSRF(APIKeyCookie):
    """Django session cookie; unsafe methods need the CSRF token (ninja checks it when csrf=True)."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def SessionOrToken():
    return [TokenAuth(), SessionAuthCSRF()]


def install_error_handlers(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        status = 400
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, PermissionDenied):
            status = 403
        elif isinstance(exc, ConflictError):
            status = 409
        return api.create_response(request, exc.as_dict(), status=status)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request, {"code": "auth.required", "message": "请先登录或提供有效的接口令牌", "field": None}, status=401
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        loc = [str(x) for x in first.get("loc", []) if x not in ("body", "query", "path", "payload")]
        field = ".".join(loc) or None
        return api.create_response(
            request,
            {
                "code": "request.invalid",
                "message": f"请求参数无效：{field or ''} {first.get('msg', '')}".strip(),
                "field": field,
                "errors": exc.errors,
            },
            status=422,
        )
