"""A connection's lifecycle: activate (register the shop's webhooks, verify Specter), pause,
resume, deactivate (remove our webhooks; what is in flight finishes, nothing is lost)."""

from django.conf import settings
from django.utils import timezone

from connections.clients import specter_for, starweb_for
from connections.flows import Capability, Direction, may
from connections.models import Connection
from syncflows.callbacks import REGISTRATION, callback_urls
from syncflows.models import Transfer, WebhookEndpoint
from syncflows.orders import stopped
from syncflows.tasks import sweep
from syncflows.to_specter.on_change import exports_on_change
from syncflows.webhooks import PRODUCT_EVENTS, SUBSCRIBED_EVENTS
from syncflows.webhooks import webhook_url as starweb_webhook_url

Status = Connection.Status


def webhook_url(connection: Connection) -> str:
    endpoint, _ = WebhookEndpoint.objects.get_or_create(connection=connection)
    return starweb_webhook_url(endpoint, settings.PUBLIC_BASE_URL)


def register_webhooks(connection: Connection, starweb=None) -> list[int]:
    """Make sure the shop posts our subscribed events to us; returns the hook ids created."""
    client = starweb or starweb_for(connection)
    url = webhook_url(connection)
    present = {(hook.get("event"), hook.get("url")) for hook in client.web_hooks()}
    return [
        client.create_web_hook(event, url, name=f"integrator {event}")
        for event in events_for(connection)
        if (event, url) not in present
    ]


def events_for(connection: Connection) -> tuple[str, ...]:
    products = exports_on_change(connection) and may(connection, Capability.PRODUCTS, direction=Direction.TO_SPECTER)
    return SUBSCRIBED_EVENTS + (PRODUCT_EVENTS if products else ())


def remove_webhooks(connection: Connection, starweb=None) -> int:
    """Delete every hook in the shop that posts to this connection's URL; returns how many."""
    client = starweb or starweb_for(connection)
    url = webhook_url(connection)
    ours = [hook for hook in client.web_hooks() if hook.get("url") == url]
    for hook in ours:
        client.delete_web_hook(hook["webHookId"])
    return len(ours)


def register_callbacks(connection: Connection, specter=None) -> None:
    """Tell Specter where to ping us (checkAccountSettings also proves the credentials)."""
    endpoint, _ = WebhookEndpoint.objects.get_or_create(connection=connection)
    (specter or specter_for(connection)).check_account(callback_urls(endpoint, settings.PUBLIC_BASE_URL))


def activate(connection: Connection, *, send_stopped: bool = False) -> int:
    """Verify both sides once more, register Specter's callbacks and the shop's webhooks, and go
    live. Raises the clients' typed errors (nothing is changed then). With `send_stopped`, the
    orders a deactivation stopped go too; returns how many were queued."""
    register_callbacks(connection)
    register_webhooks(connection)
    Connection.objects.filter(pk=connection.pk).update(
        status=Status.ACTIVE, activated_at=timezone.now(), credentials_failed_at=None, credentials_failed_system=""
    )
    connection.refresh_from_db()
    return stopped.send_stopped(connection.pk) if send_stopped else 0


def stopped_count(connection: Connection) -> int:
    """How many orders a deactivation stopped (offered on reactivation)."""
    return stopped.stopped(connection.pk).count()


def pause(connection: Connection) -> None:
    """Orders keep arriving and are kept; none is sent until resumed."""
    Connection.objects.filter(pk=connection.pk, status=Status.ACTIVE).update(status=Status.PAUSED)


def resume(connection: Connection) -> int:
    """Back to active; the orders that waited are due at once. Returns how many were waiting."""
    Connection.objects.filter(pk=connection.pk, status=Status.PAUSED).update(status=Status.ACTIVE)
    waiting = Transfer.objects.filter(connection=connection, reason_code="paused").update(
        next_attempt_at=timezone.now()
    )
    sweep()
    return waiting


def deactivate(connection: Connection) -> int:
    """Stop new orders coming: remove our webhooks (the poller stops too) and Specter's callbacks
    (registered as empty); from now on our hook URLs answer 410. Orders waiting in the ledger stop
    with "connection deactivated" and stay listed; activating again offers to send them. Returns
    how many stopped."""
    remove_webhooks(connection)
    others = [c for c in connection.siblings() if c.pk != connection.pk and c.status == Status.ACTIVE]
    if others:  # Specter keeps one set of callbacks per account: hand them to a shop still active
        register_callbacks(others[0])
    else:  # Assumed (connections/specter/assumptions.py): an empty URL unregisters a callback.
        specter_for(connection).check_account({action: "" for action in REGISTRATION})
    Connection.objects.filter(pk=connection.pk).update(status=Status.INACTIVE)
    return stopped.stop_waiting(connection.pk)
