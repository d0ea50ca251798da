"""The outbound address guard cannot be tricked: a table of bypasses refused when an address is
saved, every resolved address checked again when we connect, redirects and proxies never followed."""

import ipaddress
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from connections import http
from connections.egress import is_allowed
from connections.errors import AddressNotAllowed
from connections.starweb.base_url import InvalidBaseUrl, validate

from .http_recorder import recorder

ROOT = Path(__file__).resolve().parents[2]
API = "/api/v2"

# Each refused in production settings; the comment says what the trick is.
BYPASSES = [
    # the cases first seen
    "https://2130706433/api/v2",  # 127.0.0.1 as one decimal number
    "https://0x7f000001/api/v2",  # ... as hex
    "https://0177.0.0.1/api/v2",  # ... octal first part
    "https://127.1/api/v2",  # ... short form
    "https://0/api/v2",  # 0.0.0.0: this host
    "https://100.64.0.1/api/v2",  # shared address space (CGNAT)
    "https://localhost./api/v2",  # trailing dot
    "https://127.0.0.1\\.shop.starwebserver.se/api/v2",  # a backslash: checked as a name, connected as 127.0.0.1
    # more numeric IPv4 notations
    "https://0x7f.0.0.1/api/v2",
    "https://0x7f.1/api/v2",
    "https://017700000001/api/v2",
    "https://127.0.1/api/v2",
    "https://0.0.0.0/api/v2",
    "https://127.000.000.001/api/v2",
    "https://2852039166/api/v2",  # 169.254.169.254
    "https://0xA9FEA9FE/api/v2",
    "https://0251.0376.0251.0376/api/v2",
    "https://10.1/api/v2",
    "https://0xa.0.0.1/api/v2",
    "https://1.2.3.4/api/v2",  # even a public IPv4 literal: a shop has a name
    "https://127.0.0.1./api/v2",
    "https://1.2.3.0x4/api/v2",
    # private, link-local, reserved, multicast literals
    "https://10.0.0.5/api/v2",
    "https://172.16.0.1/api/v2",
    "https://192.168.1.1/api/v2",
    "https://169.254.169.254/api/v2",
    "https://224.0.0.1/api/v2",
    "https://240.0.0.1/api/v2",
    "https://255.255.255.255/api/v2",
    "https://198.18.0.1/api/v2",
    # IPv6
    "https://[::1]/api/v2",
    "https://[::]/api/v2",
    "https://[::ffff:127.0.0.1]/api/v2",
    "https://[::ffff:7f00:1]/api/v2",
    "https://[0:0:0:0:0:ffff:127.0.0.1]/api/v2",
    "https://[fe80::1]/api/v2",
    "https://[fe80::1%25eth0]/api/v2",
    "https://[fc00::1]/api/v2",
    "https://[fd12:3456::1]/api/v2",
    "https://[2002:7f00:1::]/api/v2",
    "https://[64:ff9b::7f00:1]/api/v2",
    "https://[2606:4700::1111]/api/v2",
    "https://[ff02::1]/api/v2",
    # internal names
    "https://localhost/api/v2",
    "https://LOCALHOST/api/v2",
    "https://shop.localhost/api/v2",
    "https://printer.local/api/v2",
    "https://metadata.google.internal/api/v2",
    "https://router.home.arpa/api/v2",
    "https://shop.test/api/v2",
    "https://intranet/api/v2",
    "https://shop.starwebserver.se./api/v2",
    "https://shop..starwebserver.se/api/v2",
    "https://-shop.starwebserver.se/api/v2",
    "https://shop_1.starwebserver.se/api/v2",
    # userinfo, backslashes, percent-encoding, whitespace, control characters
    "https://shop.starwebserver.se@127.0.0.1/api/v2",
    "https://user:pw@shop.starwebserver.se/api/v2",
    "https://shop.starwebserver.se%40127.0.0.1/api/v2",
    "https://shop.starwebserver.se%2F@127.0.0.1/api/v2",
    "https://127.0.0.1%2Eshop.starwebserver.se/api/v2",
    "https://%31%32%37.0.0.1/api/v2",
    "https://shop.starwebserver.se/api%2Fv2",
    "https:\\\\127.0.0.1/api/v2",
    "https://shop.starwebserver.se\\@127.0.0.1/api/v2",
    "https://127.0.0.1\\@shop.starwebserver.se/api/v2",
    "https://shop.starwebserver.se /api/v2",
    "https://shop.starwebserver.se\t/api/v2",
    "https://shop.starwebserver.se\n.evil/api/v2",
    "https://shop.starwebserver.se\x00.evil.se/api/v2",
    "https://shop.starwebserver.se/api/v2?x=1",
    "https://shop.starwebserver.se/api/v2#x",
    # unicode digits and look-alikes that IDNA maps onto an address
    "https://１２７.０.０.１/api/v2",
    "https://127。0。0。1/api/v2",
    "https://①②⑦.0.0.1/api/v2",
    "https://١٢٧.0.0.1/api/v2",
    "https://ｌｏｃａｌｈｏｓｔ/api/v2",
    # scheme, port, path
    "http://shop.starwebserver.se/api/v2",
    "ftp://shop.starwebserver.se/api/v2",
    "file:///etc/passwd",
    "gopher://127.0.0.1/api/v2",
    "//shop.starwebserver.se/api/v2",
    "shop.starwebserver.se/api/v2",
    "https://shop.starwebserver.se:8443/api/v2",
    "https://shop.starwebserver.se:443/api/v2",
    "https://shop.starwebserver.se:0/api/v2",
    "https://shop.starwebserver.se/",
    "https://shop.starwebserver.se/api/v1",
    "https://shop.starwebserver.se",
    "",
    "nonsense",
    "https://" + "a" * 300 + ".se/api/v2",
]

ACCEPTED = [
    ("https://minbutik.starwebserver.se/api/v2", "https://minbutik.starwebserver.se/api/v2"),
    ("https://shop.example.se/api/v2/", "https://shop.example.se/api/v2"),
    ("  https://MinButik.Starwebserver.SE/api/v2  ", "https://minbutik.starwebserver.se/api/v2"),
    ("https://blåbär.se/api/v2", "https://xn--blbr-noae.se/api/v2"),  # stored as what we connect to
    ("https://shop.se/sv/api/v2", "https://shop.se/sv/api/v2"),
    ("https://shop.se/x/../api/v2", "https://shop.se/api/v2"),  # dot segments resolved as the client will
]


@pytest.fixture
def production_guard(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    return settings


@pytest.mark.parametrize("url", BYPASSES)
def test_the_address_guard_refuses_every_bypass_in_production_settings(url, production_guard):
    with pytest.raises(InvalidBaseUrl):
        validate(url)


@pytest.mark.parametrize(("url", "stored"), ACCEPTED)
def test_real_shop_addresses_are_accepted_and_stored_as_they_are_connected_to(url, stored, production_guard):
    assert validate(url) == stored


def test_the_production_settings_module_itself_refuses_every_bypass():
    # A fresh process on integrator.settings.production: the setting as deployed, not as a test set it.
    from tests.test_settings import _production_env

    probe = (
        "import django, json, sys; django.setup()\n"
        "from django.conf import settings\n"
        "from connections.starweb.base_url import validate, InvalidBaseUrl\n"
        "passed = []\n"
        "for url in json.load(sys.stdin):\n"
        "    try: validate(url); passed.append(url)\n"
        "    except InvalidBaseUrl: pass\n"
        "print(json.dumps({'loopback': settings.OUTBOUND_ALLOW_LOOPBACK, 'passed': passed}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=json.dumps(BYPASSES),
        env=_production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"loopback": False, "passed": []}


@pytest.mark.parametrize("module", ["integrator.settings.local", "integrator.settings.test"])
def test_loopback_is_let_through_by_one_setting_only_where_the_simulator_runs(module):
    source = (ROOT / (module.replace(".", "/") + ".py")).read_text()
    assert "OUTBOUND_ALLOW_LOOPBACK = True" in source
    assert "OUTBOUND_ALLOW_LOOPBACK = False" in (ROOT / "integrator/settings/production.py").read_text()
    assert "OUTBOUND_ALLOW_LOOPBACK = False" in (ROOT / "integrator/settings/base.py").read_text()


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.5/api/v2",
        "https://169.254.169.254/api/v2",
        "https://100.64.0.1/api/v2",
        "https://[fc00::1]/api/v2",
        "https://2130706433/api/v2",
        "http://10.0.0.5:8000/api/v2",
    ],
)
def test_the_loopback_setting_lets_no_other_private_address_through(url, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with pytest.raises(InvalidBaseUrl):
        validate(url)


NOT_ALLOWED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.251",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.51.100.1",
    "203.0.113.1",
    "198.18.0.1",
    "192.0.0.8",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "fe80::1",
    "fc00::1",
    "fd00::1",
    "ff02::1",
    "ff0e::1",
    "2001:db8::1",
    "2002:7f00:1::",
    "2002:a00:1::",
    "64:ff9b::a00:1",
    "64:ff9b::7f00:1",
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",
]  # Teredo to a private client
ALLOWED = ["93.184.215.14", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:82b::200e"]


@pytest.mark.parametrize("address", NOT_ALLOWED)
def test_a_resolved_address_in_any_internal_range_is_never_connected_to(address, production_guard):
    assert not is_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_a_public_resolved_address_is_connected_to(address, production_guard):
    assert is_allowed(ipaddress.ip_address(address))


@pytest.fixture
def fake_dns(monkeypatch):
    """Names of our choosing resolve to addresses of our choosing (a list per name, one list per
    lookup: the rebinding case answers differently the second time). Numeric hosts resolve as usual."""
    real = socket.getaddrinfo
    answers: dict[str, list[list[str]]] = {}
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            lookups.append(host)
            queue = answers[host]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in addresses
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, lookups


def _get(url):
    return http.send(http.new_session(), "GET", url, system="starweb", mutating=False)


def test_a_name_that_resolves_to_a_private_address_is_refused_when_we_connect(fake_dns, production_guard):
    answers, _lookups = fake_dns
    server = recorder()
    try:
        port = server.server.server_address[1]
        answers["shop.rebind.se"] = [["127.0.0.1"]]
        with pytest.raises(AddressNotAllowed):
            _get(f"http://shop.rebind.se:{port}/api/v2/shop")
        answers["mixed.rebind.se"] = [["93.184.215.14", "127.0.0.1"]]  # one bad answer among good ones
        with pytest.raises(AddressNotAllowed):
            _get(f"http://mixed.rebind.se:{port}/api/v2/shop")
        with pytest.raises(AddressNotAllowed):  # and a plain loopback name
            _get(f"http://localhost:{port}/api/v2/shop")
        assert server.requests == []
    finally:
        server.stop()


def test_the_connection_goes_to_the_address_that_was_checked_not_to_a_second_answer(fake_dns, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True  # the recorder is on loopback; 10.0.0.1 would not be allowed anyway
    answers, lookups = fake_dns
    server = recorder()
    try:
        port = server.server.server_address[1]
        answers["shop.rebind.se"] = [["127.0.0.1"], ["10.255.255.1"]]  # a rebinding resolver
        response = _get(f"http://shop.rebind.se:{port}/api/v2/shop")
        assert response.status_code == 200 and len(server.requests) == 1
        assert server.requests[0].headers["Host"] == f"shop.rebind.se:{port}"  # the name, not the address
        assert lookups == ["shop.rebind.se"]  # resolved once, connected to what was checked
    finally:
        server.stop()


def test_a_redirect_is_never_followed(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    target = recorder()
    source = recorder(lambda *_: (302, {"Location": f"{target.url}/api/v2/token"}, ""))
    try:
        for status in (301, 302, 303, 307, 308):
            source.answer = lambda *_, s=status: (s, {"Location": f"{target.url}/api/v2/token"}, "")
            with pytest.raises(AddressNotAllowed):
                http.send(
                    http.new_session(),
                    "POST",
                    f"{source.url}/api/v2/token",
                    system="starweb",
                    mutating=False,
                    data={"client_secret": "CANARY-redirect-secret"},
                )
        assert len(source.requests) == 5 and target.requests == []
    finally:
        source.stop()
        target.stop()


def test_a_proxy_from_the_environment_is_not_used(settings, monkeypatch):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    shop, proxy = recorder(), recorder()
    try:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        assert _get(f"{shop.url}/api/v2/shop").status_code == 200
        assert len(shop.requests) == 1 and proxy.requests == []
    finally:
        shop.stop()
        proxy.stop()
