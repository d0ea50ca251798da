"""A connection wired to the simulators on the live server, as the demo is (integrator/demo.py)."""

from integrator.demo import DEMO_ORDER_SETTINGS, wire_webhooks
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop
from tests.billing.factories import MembershipFactory, SubscriptionFactory, package as catalogue_package
from tests.connections.factories import ConnectionFactory


def wired_connection(live_server, settings, *, webhooks=True, package="200", **overrides):
    settings.SPECTER_API_URL = live_server.url + "/sim/specter/"
    ensure_demo_shop()
    ensure_demo_account()
    connection = ConnectionFactory(**{
        "starweb_base_url": f"{live_server.url}/sim/starweb/demobutiken/api/v2",
        "starweb_client_id": "demo-client", "starweb_client_secret": "demo-client-secret",
        "specter_smb_id": "1001", "specter_md5key": "demo-md5key", **DEMO_ORDER_SETTINGS, **overrides,
    })
    SubscriptionFactory(merchant=connection.merchant, package=catalogue_package(package))
    MembershipFactory(merchant=connection.merchant, user__email="owner@example.se")
    if webhooks:
        wire_webhooks(connection, "demobutiken", live_server.url)
    return connection


def specter_orders(external_order_no) -> list:
    return list(SpecterOrder.objects.filter(external_order_no=str(external_order_no)))


def drain(rounds: int = 50) -> list:
    """Run what the broker holds, as a worker would, until nothing is left; returns the functions run.
    (The worker itself is exercised by the benchmark and `make run`; here we want determinism.)"""
    from pydoc import locate

    from django_q.models import OrmQ

    ran = []
    for _ in range(rounds):
        queued = list(OrmQ.objects.order_by("id"))
        if not queued:
            return ran
        for item in queued:
            task = item.task
            item.delete()
            func = locate(task["func"]) if isinstance(task["func"], str) else task["func"]
            ran.append(task["func"])
            func(*task.get("args", ()), **task.get("kwargs", {}))
    raise AssertionError("the queue never drained")


def queued() -> list:
    from django_q.models import OrmQ

    return [(item.task["func"], item.task.get("args")) for item in OrmQ.objects.order_by("id")]
