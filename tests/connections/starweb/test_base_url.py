"""Which Starweb base URLs a merchant may enter."""

import pytest

from connections.starweb.base_url import InvalidBaseUrl, validate


@pytest.mark.parametrize("url", ["https://minbutik.starwebserver.se/api/v2", "https://shop.example.se/api/v2/"])
def test_starweb_and_the_shops_own_https_domain_are_accepted(url, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    assert validate(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://minbutik.starwebserver.se/api/v2",
        "https://127.0.0.1/api/v2",
        "https://10.0.0.5/api/v2",
        "https://169.254.169.254/api/v2",
        "https://localhost/api/v2",
        "https://minbutik.starwebserver.se/",
        "https://user:pw@minbutik.starwebserver.se/api/v2",
        "nonsense",
    ],
)
def test_plain_http_private_addresses_and_wrong_paths_are_refused_in_production(url, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(InvalidBaseUrl):
        validate(url)


def test_the_simulator_on_our_own_host_is_accepted_where_it_is_enabled(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    assert (
        validate("http://127.0.0.1:8000/sim/starweb/demobutiken/api/v2")
        == "http://127.0.0.1:8000/sim/starweb/demobutiken/api/v2"
    )
