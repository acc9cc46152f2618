"""URL configuration: each domain app's ``urls.py`` is mounted under its own prefix."""

from importlib import import_module
from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path

from zhifa.config.api import api

# (url prefix, app module). An app contributes pages by having a urls.py with app_name set.
APP_URLS = [
    ("", "zhifa.web"),
    ("parties/", "zhifa.parties"),
    ("agencies/", "zhifa.agencies"),
    ("catalog/", "zhifa.catalog"),
    ("cases/", "zhifa.cases"),
    ("documents/", "zhifa.documents"),
    ("offsite/", "zhifa.offsite"),
    ("p/", "zhifa.portal"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
for prefix, app in APP_URLS:
    if find_spec(f"{app}.urls") is not None:
        urlpatterns.append(path(prefix, include(import_module(f"{app}.urls"))))
