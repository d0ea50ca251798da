"""What an operator reads: Prometheus metrics, JSON logs with ids, error reports without personal data."""

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_q.models import OrmQ

from integrator.logs import ContextFilter, JsonFormatter, bound, scrub_event
from syncflows.models import Circuit, TransferAttempt
from tests.syncflows.factories import TransferFactory

pytestmark = pytest.mark.django_db


def scrape(client, **headers) -> str:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_metrics_report_orders_by_state_reasons_queues_and_phases(client):
    done = TransferFactory(state="done", sent_at=timezone.now())
    TransferFactory(state="needs_attention", reason_code="sku_space")
    TransferAttempt.objects.create(
        transfer=done, phase="order", outcome="ok", started_at=timezone.now(), duration_ms=120
    )
    TransferAttempt.objects.create(
        transfer=done, phase="fetch", outcome="rate_limited", started_at=timezone.now(), duration_ms=3
    )
    OrmQ.objects.create(key="integrator", payload="x", lock=timezone.now() - timedelta(seconds=42))
    Circuit.objects.create(system="specter", account="1001", failures=3, opened_at=timezone.now())
    text = scrape(client)
    assert "integrator_orders_transferred_total 1.0" in text
    assert 'integrator_orders{state="done"} 1.0' in text and 'integrator_orders{state="pending"} 0.0' in text
    assert 'integrator_orders_needing_attention{reason="sku_space"} 1.0' in text
    assert 'integrator_queue_tasks{queue="integrator"} 1.0' in text
    age = next(
        line for line in text.splitlines() if line.startswith('integrator_queue_oldest_age_seconds{queue="integrator"}')
    )
    assert 41 <= float(age.split()[-1]) < 60
    assert 'integrator_phase_duration_seconds_last_hour_bucket{le="0.25",phase="order"} 1.0' in text
    assert 'integrator_attempts_last_hour{outcome="rate_limited"} 1.0' in text
    assert f'integrator_connection_errors_last_hour{{connection="{done.connection_id}"}} 1.0' in text
    assert 'integrator_circuits_open{system="specter"} 1.0' in text


def test_metrics_ask_for_the_bearer_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "scrape-token-123"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert "integrator_orders" in scrape(client, HTTP_AUTHORIZATION="Bearer scrape-token-123")


def test_every_answer_carries_a_request_id_and_a_plain_one_given_is_kept(client):
    assert len(client.get("/accounts/login/")["X-Request-ID"]) == 32
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-7f3a")["X-Request-ID"] == "lb-7f3a"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def _json_line(message: str, **ids) -> dict:
    record = logging.LogRecord("syncflows", logging.WARNING, __file__, 1, message, None, None)
    with bound(**ids):
        ContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_logs_name_the_connection_and_transfer_and_mask_secrets():
    line = _json_line(
        "call to https://x/putInfo.asp?smbId=1&md5key=s3cretvalue failed", connection_id="c-1", transfer_id="t-2"
    )
    assert (line["level"], line["logger"], line["connection_id"], line["transfer_id"]) == (
        "WARNING",
        "syncflows",
        "c-1",
        "t-2",
    )
    assert "s3cretvalue" not in line["message"] and "md5key=" in line["message"]
    assert "connection_id" not in _json_line("outside any run")


def test_error_reports_keep_no_personal_data_or_secrets():
    event = {
        "request": {
            "url": "https://i.example/x?token=abcdef123",
            "cookies": {"sessionid": "s"},
            "data": {"email": "a@b.se"},
            "headers": {
                "Authorization": "Bearer xyz",
                "Cookie": "sessionid=s",
                "User-Agent": "ua",
                "X-Forwarded-For": "1.2.3.4",
            },
        },
        "user": {"id": 7, "email": "a@b.se", "ip_address": "1.2.3.4"},
        "exception": {
            "values": [
                {"value": "failed: client_secret=hunter22", "stacktrace": {"frames": [{"vars": {"password": "p"}}]}}
            ]
        },
        "breadcrumbs": {"values": [{"message": "GET ?key=zzzz1234", "data": {"url": "?key=zzzz1234"}}]},
    }
    scrubbed = json.dumps(scrub_event(event))
    for leaked in ("sessionid", "a@b.se", "1.2.3.4", "Bearer xyz", "hunter22", "abcdef123", "zzzz1234", '"password"'):
        assert leaked not in scrubbed, leaked
    assert event["user"] == {"id": 7} and event["request"]["headers"] == {"User-Agent": "ua"}


def test_sentry_starts_only_with_a_dsn_and_without_personal_data():
    probe = (
        "import django; django.setup(); import sentry_sdk; c = sentry_sdk.get_client(); "
        "print(c.is_active(), c.options.get('send_default_pii'), "
        "c.options.get('before_send').__name__ if c.is_active() else '-')"
    )
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "integrator.settings.test"}

    def run(env):
        result = subprocess.run(
            [sys.executable, "-c", probe], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        )
        return result.stdout.split()[-3:]

    assert run({**base, "SENTRY_DSN": ""})[0] == "False"
    assert run({**base, "SENTRY_DSN": "https://public@o0.ingest.sentry.io/1"}) == ["True", "False", "scrub_event"]
