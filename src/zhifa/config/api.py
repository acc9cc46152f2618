"""The REST API at /api/v1 (django-ninja, OpenAPI docs at /api/v1/docs).

People use their session (with CSRF); machines send ``Authorization: Bearer <token>``.
Each app contributes a ``router`` in its ``api.py``.
"""

from importlib import import_module
from importlib.util import find_spec

from ninja import NinjaAPI

from zhifa.core.api_auth import SessionOrToken, install_error_handlers

api = NinjaAPI(
    title="zhifa 执法 API",
    version="1",
    description="交通运输综合行政执法平台接口。所有接口按角色与辖区授权；辖区外的对象一律返回 404。",
    auth=SessionOrToken(),
    urls_namespace="api",
)
install_error_handlers(api)

API_ROUTERS = [
    ("/agencies", "zhifa.agencies"),
    ("/parties", "zhifa.parties"),
    ("/audit", "zhifa.core"),
    ("", "zhifa.catalog"),
    ("/cases", "zhifa.cases"),
    ("/documents", "zhifa.documents"),
    ("/offsite", "zhifa.offsite"),
]
for prefix, app in API_ROUTERS:
    if find_spec(f"{app}.api") is not None:
        module = import_module(f"{app}.api")
        api.add_router(prefix, module.router)
