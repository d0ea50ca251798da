"""/health/ for load balancers: database, queue age and a worker heartbeat."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from syncflows.models import WorkerHeartbeat
from syncflows.tasks import heartbeat
from tests.syncflows.factories import WorkerHeartbeatFactory

# The health view runs its checks in worker threads, which must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def _health(client):
    return client.get(reverse("health"), {"format": "json"})


def test_health_fails_until_a_worker_has_beaten(client):
    response = _health(client)
    assert response.status_code == 500
    assert "no worker has reported yet" in response.json()["WorkerHeartbeatCheck()"]


def test_the_heartbeat_task_records_this_host():
    heartbeat()
    heartbeat()
    assert WorkerHeartbeat.objects.count() == 1


def test_health_is_ok_with_a_fresh_heartbeat_and_an_empty_queue(client):
    heartbeat()
    response = _health(client)
    assert response.status_code == 200, response.json()
    assert set(response.json().values()) == {"OK"}


def test_health_fails_when_the_last_heartbeat_is_too_old(client, settings):
    WorkerHeartbeatFactory(beat_at=timezone.now() - settings.HEALTH_MAX_HEARTBEAT_AGE - timedelta(seconds=5))
    assert "heartbeat" in _health(client).json()["WorkerHeartbeatCheck()"]


def test_health_fails_when_a_queued_task_has_waited_too_long(client, settings):
    heartbeat()
    waited = settings.HEALTH_MAX_QUEUE_AGE + timedelta(seconds=30)
    OrmQ.objects.create(key="integrator", payload="x", lock=timezone.now() - waited)
    response = _health(client)
    assert response.status_code == 500
    assert "oldest queued task has waited" in response.json()["QueueBacklog()"]


def test_a_task_claimed_by_a_worker_does_not_count_as_waiting(client):
    heartbeat()
    OrmQ.objects.create(key="integrator", payload="x", lock=timezone.now() + timedelta(minutes=5))
    assert _health(client).status_code == 200


def test_the_heartbeat_schedule_exists_after_migrate():
    schedule = Schedule.objects.get(name="worker heartbeat")
    assert schedule.func == "syncflows.tasks.heartbeat" and schedule.repeats == -1


def test_health_needs_no_login_and_shows_no_secret(client, settings):
    body = client.get(reverse("health")).content.decode()
    assert settings.SECRET_KEY not in body and "login" not in body.lower()


def test_long_work_may_wait_behind_an_hour_long_sync_but_not_longer(client, settings):
    heartbeat()
    waited = settings.HEALTH_MAX_QUEUE_AGE + timedelta(seconds=30)
    long_task = OrmQ.objects.create(key=settings.Q_LONG_CLUSTER, payload="x", lock=timezone.now() - waited)
    assert _health(client).status_code == 200  # behind a running initial sync: fine
    long_task.lock = timezone.now() - waited - timedelta(seconds=settings.Q_LONG_TIMEOUT)
    long_task.save()
    response = _health(client)
    assert response.status_code == 500 and "oldest long-work task has waited" in response.json()["QueueBacklog()"]
