"""What the benchmarks share: this app served in-process, and a connection wired to simulators."""

import socket

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from django.utils import timezone

from billing.models import Merchant, Package, Subscription
from connections.models import Connection


class _Server(ThreadedWSGIServer):
    request_queue_size = 256  # a burst of webhooks and simulated calls must not be refused

    def get_request(self):
        # Python's server writes headers and body separately; without TCP_NODELAY, Nagle and the
        # client's delayed ACK add ~40 ms to every answer, which would measure the server, not us.
        sock, address = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, address


class ServerThread(LiveServerThread):
    server_class = _Server


def bench_connection(name: str, shop, account, base: str, **settings) -> Connection:
    """A merchant on package 800 named after `name`, with one connection from the simulated `shop`
    to the simulated Specter `account` (both served under `base`)."""
    merchant, created = Merchant.objects.get_or_create(name=f"{name} AB", defaults={"org_number": "559999-0000"})
    if created:
        Subscription.objects.create(merchant=merchant, package=Package.objects.get(code="800"), start_date=timezone.localdate().replace(day=1))
    connection, _ = Connection.objects.update_or_create(merchant=merchant, name=name, defaults={
        "starweb_base_url": f"{base}/sim/starweb/{shop.slug}/api/v2", "starweb_client_id": shop.client_id,
        "starweb_client_secret": shop.client_secret, "specter_smb_id": account.smb_id, "specter_md5key": account.md5key,
        **settings,
    })
    return connection
