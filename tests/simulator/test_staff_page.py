"""The simulator's staff page: both systems' state, and placing an order from the browser."""

import pytest
from django.urls import reverse

from bench import demo
from simulator.starweb.models import Order

pytestmark = pytest.mark.django_db


def test_staff_place_a_realistic_order_and_see_it(staff_client):
    demo.seed()
    response = staff_client.post(reverse("sim_place_order", args=["demobutiken"]), follow=True)
    order = Order.objects.get()
    body = response.content.decode()
    assert f"Order {order.order_id} placed" in body and 'id="starweb-orders-demobutiken"' in body
    assert 'id="specter-orders-1001"' in body and "MUGG-01" in body


def test_the_simulator_page_is_for_staff_only(owner_client, anonymous_client):
    assert owner_client.get(reverse("sim_index")).status_code == 302  # to the admin login
    assert anonymous_client.get(reverse("sim_index")).status_code == 302
    assert owner_client.post(reverse("sim_place_order", args=["demobutiken"])).status_code == 302
    assert not Order.objects.exists()


def test_the_staff_page_shows_how_each_specter_account_signs_and_answers(staff_client):
    from bench import demo
    from simulator.specter.models import Account

    demo.seed()
    Account.objects.filter(smb_id="1001").update(md5key2="k2", answer_form="xml_code", decimal_comma=True)
    page = staff_client.get("/sim/").content.decode()
    assert "credentials v1" in page and "answers xml_code, decimal commas" in page
