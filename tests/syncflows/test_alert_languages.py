"""Alert e-mails reach each owner in the language they chose (billing.Profile)."""

import pytest
from django.core import mail

from billing.models import Profile
from simulator.starweb.demo import ensure_demo_shop, place_order
from tests.billing.factories import MembershipFactory
from tests.syncflows.wiring import drain, wired_connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_order_needing_attention_is_mailed_to_each_owner_in_their_language(live_server, settings):
    connection = wired_connection(live_server, settings, delivery_methods={})
    english = MembershipFactory(merchant=connection.merchant, user__email="owner@example.com").user
    Profile.objects.create(user=english, language="en")
    place_order(ensure_demo_shop(), seed=17)
    drain()
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert len(mail.outbox) == 2
    in_english = by_recipient[("owner@example.com",)]
    in_swedish = by_recipient[("owner@example.se",)]
    assert "needs your attention" in in_english.subject and "is not mapped to Specter" in in_english.body
    assert "behöver din uppmärksamhet" in in_swedish.subject.lower() or "behöver" in in_swedish.subject
    assert "is not mapped" not in in_swedish.body
