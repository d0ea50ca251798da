"""The demo world that `make run` seeds: every role can log in and lands on its home page."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from bench import demo
from billing.models import Merchant, Subscription
from connections.models import Connection

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(m.objects.count() for m in (get_user_model(), Merchant, Subscription, Connection))


def test_seeding_twice_keeps_one_of_everything(capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first == (4, 2, 2, 1)
    assert demo.OWNER.username in capsys.readouterr().out


@pytest.mark.parametrize(
    "user, home",
    [(demo.STAFF, "billing:staff_home"), (demo.BILLING, "billing:billing_home"), (demo.OWNER, "billing:merchant_home")],
)
def test_each_printed_login_works_and_lands_on_its_role_home(user, home):
    demo.seed()
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": user.password}, follow=True)
    assert response.status_code == 200
    assert response.resolver_match.view_name == home


def test_the_demo_owner_gets_404_for_the_other_demo_merchant():
    demo.seed()
    other = Merchant.objects.get(name="Annan Handel AB")
    client = Client()
    client.force_login(get_user_model().objects.get(username=demo.OWNER.username))
    assert client.get(reverse("billing:merchant_home", args=[other.pk])).status_code == 404


def test_the_demo_connection_keeps_its_credentials_encrypted_and_points_at_the_simulator(settings):
    connection = Connection.objects.get(merchant=demo.seed())
    assert connection.specter_md5key.reveal() == "demo-md5key"
    assert connection.starweb_base_url.startswith(settings.PUBLIC_BASE_URL + "/sim/starweb/")


def test_the_demo_refuses_to_seed_where_the_simulator_is_off(settings):
    settings.SIMULATOR_ENABLED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seeding_again_on_another_port_wires_the_shop_and_specter_to_that_port_only(settings):
    from simulator.specter.models import Account
    from simulator.starweb.models import WebHook

    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    demo.seed()
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8100"
    connection = Connection.objects.get(merchant=demo.seed())
    assert connection.starweb_base_url == "http://127.0.0.1:8100/sim/starweb/demobutiken/api/v2"
    hooks = list(WebHook.objects.values_list("url", flat=True))
    assert hooks and all(url.startswith("http://127.0.0.1:8100/hooks/") for url in hooks)
    callbacks = Account.objects.get(smb_id="1001").callbacks
    assert callbacks and all(url.startswith("http://127.0.0.1:8100/") for url in callbacks.values())


def test_make_run_passes_the_port_it_serves_on_as_the_public_address(settings):
    import subprocess

    here = {"cwd": settings.BASE_DIR, "capture_output": True, "text": True, "check": True}
    out = subprocess.run(["make", "-n", "serve", "PORT=8100"], **here).stdout
    env = subprocess.run(
        ["make", "-s", "--eval", "show-url:\n\t@echo $$PUBLIC_BASE_URL", "show-url", "PORT=8100"], **here
    ).stdout
    assert "--port 8100" in out and env.strip() == "http://127.0.0.1:8100"
