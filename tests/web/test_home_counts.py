"""The home page's party counts: live and exact for a jurisdiction of ordinary size; above the live limit
the exact count is computed once and cached per jurisdiction, so a provincial reader's home page does not
count a million vehicles on every visit."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.factories import VehicleFactory
from zhifa.web import views

pytestmark = pytest.mark.django_db


def shown(client, kind: str) -> str:
    page = client.get("/").content.decode()
    return re.search(rf'data-testid="count-{kind}"[^>]*>(\d+)<', page).group(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_small_counts_are_live_and_scoped(client, world):
    client.force_login(world.nz_officer.user)
    assert shown(client, "vehicle") == "1"  # the Linyi vehicle is not in Nanzhao's jurisdiction
    VehicleFactory(agency=world.nanzhao, plate="豫R22222")
    assert shown(client, "vehicle") == "2"  # at once: no cache below the limit


def test_large_counts_are_exact_and_cached_per_jurisdiction(client, world, monkeypatch):
    monkeypatch.setattr(views, "HOME_COUNT_LIVE_UP_TO", 2)
    for plate in ("豫R22222", "豫R33333"):
        VehicleFactory(agency=world.nanzhao, plate=plate)
    client.force_login(world.nz_officer.user)
    assert shown(client, "vehicle") == "3"  # above the limit: the exact count, not the limit
    page = client.get("/").content.decode()
    assert 'data-testid="count-vehicle" title="数量较多，每10分钟统计一次"' in page
    VehicleFactory(agency=world.nanzhao, plate="豫R44444")
    assert shown(client, "vehicle") == "3"  # cached
    # another jurisdiction has its own entry (Linyi: one vehicle, below the limit, live)
    client.force_login(world.ly_officer.user)
    assert shown(client, "vehicle") == "1"
    cache.clear()
    client.force_login(world.nz_officer.user)
    assert shown(client, "vehicle") == "4"
