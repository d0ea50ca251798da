"""An address we never send to (a private network, a redirect), met while sending an order, reaches
the merchant in their language with what to do, on the order, its timeline and its fix link."""

import pytest
from django.utils import translation

from connections.errors import AddressNotAllowed
from simulator.specter.models import Order as SpecterOrder
from simulator.starweb.demo import ensure_demo_shop, place_order
from syncflows import reasons, timeline
from syncflows.models import Transfer
from tests.portal.test_readable_orders import order_page, owner_of
from tests.security.http_recorder import recorder
from tests.syncflows.wiring import drain, wired_connection


@pytest.mark.parametrize(
    "error, code",
    [
        (AddressNotAllowed("starweb: the address is not one we connect to", system="starweb"), "address_blocked"),
        (
            AddressNotAllowed(
                "specter: answered with a redirect, which we do not follow", system="specter", status=302
            ),
            "address_redirect",
        ),
    ],
)
def test_a_blocked_address_is_described_by_a_code_in_both_languages(error, code):
    described = timeline.describe(error)
    assert described[0] == code
    with translation.override("sv"):
        swedish = reasons.render([described]) + timeline.render(*described)
    with translation.override("en"):
        english = reasons.render([described]) + timeline.render(*described)
    assert "not one we connect to" not in swedish and "redirect" not in swedish and "Inställningar" in swedish
    assert "Settings" in english and swedish != english


@pytest.mark.django_db(transaction=True)
def test_specter_answering_the_order_with_a_redirect_reads_in_swedish_on_the_order(live_server, settings):
    connection = wired_connection(live_server, settings)
    elsewhere = recorder(lambda *_: (302, {"Location": "http://10.0.0.1/"}, ""))
    try:
        settings.SPECTER_API_URL = f"{elsewhere.url}/"
        place_order(ensure_demo_shop(), seed=81)
        drain()
    finally:
        elsewhere.stop()
    transfer = Transfer.objects.get(connection=connection)
    assert transfer.reason_code == "address_redirect" and not SpecterOrder.objects.exists()
    with translation.override("sv"):
        assert "omdirigering" in transfer.reason_text and "redirect" not in transfer.reason_text
    body = order_page(owner_of(connection), transfer)
    assert "Specter svarade med en omdirigering, som vi aldrig följer" in body
    assert "answered with a redirect" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("system, linked", [("Starweb", True), ("Specter", False)])
def test_a_blocked_shop_address_links_to_the_starweb_settings_and_specters_to_none(merchant, system, linked):
    from portal.links import fix_for
    from tests.connections.factories import ConnectionFactory
    from tests.syncflows.factories import TransferFactory

    transfer = TransferFactory(
        connection=ConnectionFactory(merchant=merchant),
        state=Transfer.State.NEEDS_ATTENTION,
        reason_code="address_blocked",
        reason_params=[["address_blocked", {"system": system}]],
    )
    fix = fix_for(merchant, transfer.connection, transfer)
    assert (fix is not None and fix["url"].endswith("#starweb")) if linked else fix is None
