"""Off-site pages: every module of ``zhifa.offsite.views`` that exists contributes its ``urlpatterns``
(stations and imports by offsite-ingest; review, fourfold, reports and charts by offsite-cases)."""

from importlib import import_module
from importlib.util import find_spec

from django.urls import path

from zhifa.offsite.views import index_view

app_name = "offsite"

VIEW_MODULES = ["stations", "imports", "review", "fourfold", "reports", "charts"]

urlpatterns = [path("", index_view, name="index")]
for _name in VIEW_MODULES:
    if find_spec(f"zhifa.offsite.views.{_name}") is not None:
        urlpatterns += import_module(f"zhifa.offsite.views.{_name}").urlpatterns
