from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.factories import AgencyFactory, EnterpriseFactory, OfficerFactory, VehicleFactory
from zhifa.agencies.choices import AgencyKind, AgencyLevel


@pytest.fixture(autouse=True)
def _fresh_working_calendar():
    """The working calendar is cached per process and in the cache (invalidated when a year is entered);
    a test's rolled-back or flushed database must not leave an entered year cached for the next test."""
    yield
    from django.core.cache import cache

    from zhifa.core import calendar

    calendar._local.clear()
    cache.delete(calendar._CACHE_KEY)


class _OneRequestAtATime(WSGIServer):
    """The browser tests' live server answers one request at a time. On SQLite the test database is in
    memory and the live server's request threads share its one connection: a page's two parallel fetches
    collided ("cannot start a transaction within a transaction") and a chart stayed empty. Django closes
    the connection after each response of a server without threads, so the browser does not stall."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override

    def close_request(self, request):
        # as Django's threaded server does after each request (an in-memory SQLite connection shared with
        # the tests ignores close())
        connections.close_all()
        super().close_request(request)


LiveServerThread.server_class = _OneRequestAtATime


@dataclass
class World:
    """Two provinces for isolation: a Henan county unit under a city unit, and a Shandong city unit."""

    henan_city: object
    nanzhao: object
    nanzhao_judicial: object
    linyi: object
    nz_officer: object
    nz_officer2: object
    nz_admin: object
    nz_supervisor: object
    nz_auditor: object
    city_officer: object
    ly_officer: object
    nz_vehicle: object
    ly_vehicle: object
    nz_enterprise: object


@pytest.fixture
def world(db) -> World:
    henan_city = AgencyFactory(name="南阳市执法支队", level=AgencyLevel.CITY, region_code="411300")
    nanzhao = AgencyFactory(name="南召县执法大队", parent=henan_city, region_code="411321")
    judicial = AgencyFactory(name="南召县司法局", kind=AgencyKind.SUPERVISION, region_code="411321")
    judicial.supervises.add(nanzhao)
    linyi = AgencyFactory(name="临沂市执法支队", level=AgencyLevel.CITY, region_code="371300")
    return World(
        henan_city=henan_city,
        nanzhao=nanzhao,
        nanzhao_judicial=judicial,
        linyi=linyi,
        nz_officer=OfficerFactory(agency=nanzhao, user__username="nz1"),
        nz_officer2=OfficerFactory(agency=nanzhao, user__username="nz2"),
        nz_admin=OfficerFactory(agency=nanzhao, user__username="nzadmin", roles=["admin"], licence_no=""),
        nz_supervisor=OfficerFactory(agency=judicial, user__username="nzsup", roles=["supervisor"], licence_no=""),
        nz_auditor=OfficerFactory(agency=nanzhao, user__username="nzaudit", roles=["auditor"], licence_no=""),
        city_officer=OfficerFactory(agency=henan_city, user__username="nycity"),
        ly_officer=OfficerFactory(agency=linyi, user__username="ly1"),
        nz_vehicle=VehicleFactory(agency=nanzhao, plate="豫R12345"),
        ly_vehicle=VehicleFactory(agency=linyi, plate="鲁Q54321"),
        nz_enterprise=EnterpriseFactory(agency=nanzhao),
    )
