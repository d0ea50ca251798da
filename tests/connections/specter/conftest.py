"""The simulated demo account and a client for it, over the live server (the files here that talk
HTTP to simulated Specter share them; test_client_against_simulator.py has its own)."""

import pytest

from connections.specter.client import SpecterClient
from connections.specter.signature import Credentials
from simulator.specter.demo import ensure_demo_account


@pytest.fixture
def account(db):
    return ensure_demo_account("1001", "demo-md5key")


@pytest.fixture
def specter(live_server, account) -> SpecterClient:
    return SpecterClient(Credentials("1001", "demo-md5key"), base_url=live_server.url + "/sim/specter/")
