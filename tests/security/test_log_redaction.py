"""Secrets out of logs: webhook and callback tokens never reach a log line. Real request flows (the
Django stack in process, and gunicorn as `manage.py serve` starts it), then a grep of everything
that was written to the logs."""

import io
import logging
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.test import Client
from django.urls import reverse

from connections.http import MASK
from integrator.logs import redact_text
from integrator.management.commands.serve import web_command
from syncflows import webhooks
from syncflows.models import WebhookEndpoint
from tests.connections.factories import ConnectionFactory

ROOT = Path(__file__).resolve().parents[2]
WRONG_TOKEN = "CANARY-wrong-token-5Qw9Zr"


@pytest.fixture
def log_text():
    """Everything our configured handlers write during the test, as one text (read it by calling)."""
    buffer = io.StringIO()
    swapped = []
    for name in ("", "django", "django.request", "django.server", "syncflows.tasks"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not type(handler).__module__.startswith("_pytest"):
                swapped.append((handler, handler.setStream(buffer)))
    assert swapped, "no configured stream handler found"
    yield buffer.getvalue
    for handler, stream in swapped:
        handler.setStream(stream)


@pytest.fixture
def endpoint(db):
    return WebhookEndpoint.objects.create(connection=ConnectionFactory())


def test_hook_tokens_are_masked_in_plain_and_percent_encoded_paths():
    token = "Ab-_9" * 8
    lines = [
        f"Not Found: /hooks/starweb/{uuid.uuid4()}/{token}/",
        f'"POST /hooks/specter/{uuid.uuid4()}/{token}/stock/?x=1 HTTP/1.1" 404 179',
        f"actionStockChange=https%3A%2F%2Fx.se%2Fhooks%2Fspecter%2F{uuid.uuid4()}%2F{token}%2Fstock%2F",
    ]
    for line in lines:
        masked = redact_text(line)
        assert token not in masked and MASK in masked


@pytest.mark.django_db
def test_no_log_line_of_a_request_flow_carries_a_hook_token(endpoint, log_text, monkeypatch):
    token, hook = endpoint.token, reverse("syncflows:starweb_webhook", args=[endpoint.pk, endpoint.token])
    wrong = reverse("syncflows:starweb_webhook", args=[endpoint.pk, WRONG_TOKEN])
    callback = reverse("syncflows:specter_callback", args=[endpoint.pk, token, "stock"])
    client = Client(raise_request_exception=False)
    # 1. A bad body (400), a wrong token (404), a callback, a GET the hook refuses (405).
    assert client.post(hook, "not json", content_type="application/json").status_code == 400
    assert client.post(wrong, "{}", content_type="application/json").status_code == 404
    client.post(callback)
    assert client.get(hook).status_code == 405

    # 2. A 500 whose exception text names the URL.
    def broken(payload):
        raise RuntimeError(f"cannot read the event posted to {hook}")

    monkeypatch.setattr(webhooks, "order_id_of", broken)
    assert client.post(hook, "{}", content_type="application/json").status_code == 500
    # 3. The line runserver's handler writes, and one of ours naming the hook URL.
    logging.getLogger("django.server").warning(
        '"%s" %s %s', f"POST {hook} HTTP/1.1", 404, 179, extra={"status_code": 404}
    )
    logging.getLogger("syncflows.tasks").warning("webhook registration failed for %s", f"https://x.se{hook}")
    text = log_text()
    assert token not in text and WRONG_TOKEN not in text
    assert "Internal Server Error" in text and "Traceback" in text and "Not Found" in text and "Bad Request" in text
    assert str(endpoint.pk) in text and MASK in text  # the lines are there, with the token masked


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_as_serve_starts_it_masks_tokens_in_the_access_and_error_logs(tmp_path):
    port, token = _free_port(), "CANARY-served-token-7Hc2Lp"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integrator.settings.test",
        # An empty database: the hook's lookup fails, so the error path (500, traceback) is logged too.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    out, err = open(tmp_path / "out.log", "w+"), open(tmp_path / "err.log", "w+")
    server = subprocess.Popen(
        web_command("127.0.0.1", port, web_workers=1, threads=2),
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=err,
        start_new_session=True,
    )
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/static/none", timeout=10)
                break
            except requests.RequestException:  # not listening yet, or still loading the app
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "err.log").read_text()[-3000:]
                time.sleep(0.2)
        endpoint = uuid.uuid4()
        statuses = [
            requests.post(f"{base}/hooks/starweb/{endpoint}/{token}/", data="{}", timeout=30).status_code,
            requests.post(f"{base}/hooks/specter/{endpoint}/{token}/stock/", timeout=30).status_code,
            requests.get(f"{base}/hooks/starweb/{endpoint}/{token}/", timeout=30).status_code,
        ]
        assert 500 in statuses
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = (tmp_path / "out.log").read_text() + (tmp_path / "err.log").read_text()
    assert token not in text
    assert f"/hooks/starweb/{endpoint}/{MASK}/" in text  # the access line, masked
    assert "Internal Server Error" in text and "Traceback" in text
