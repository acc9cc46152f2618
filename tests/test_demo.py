import pytest

from zhifa.demo import load_demo
from zhifa.parties.models import Enterprise, Vehicle


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic_and_idempotent():
    first = load_demo(scale="small", seed=1, verbose=False)
    uscc = sorted(Enterprise.objects.values_list("uscc", flat=True))[:5]
    second = load_demo(scale="small", seed=1, verbose=False)
    assert first["counts"] == second["counts"]
    assert first["counts"]["enterprises"] == 200 and first["counts"]["vehicles"] == 2000
    assert second["inserted"] == {k: 0 for k in second["inserted"]}
    assert sorted(Enterprise.objects.values_list("uscc", flat=True))[:5] == uscc
    roles = {row["username"] for row in first["logins"]}
    assert {"nz_officer1", "nz_reviewer", "nz_head", "nz_supervisor", "nz_admin", "ly_officer1"} <= roles
    assert (
        Vehicle.objects.filter(plate__startswith="鲁Q").exists()
        and Vehicle.objects.filter(plate__startswith="豫R").exists()
    )


@pytest.mark.django_db(transaction=True)
def test_demo_leaves_fresh_planner_statistics_on_postgresql():
    """Autovacuum may be off or late (it is off on the project's machines): a bulk-loaded table must not be
    planned on the statistics of an empty one."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL statistics")
    load_demo(scale="small", seed=1, verbose=False)
    with connection.cursor() as c:
        c.execute("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'parties_vehicle'")
        assert c.fetchone()[0]
