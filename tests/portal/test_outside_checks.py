"""Pages never wait on another system: the overview's reachability check and the pre-flight's read
of Specter's article register run on the bulk queue; the page shows the last answer, its age, and
"checking…" with progress while a worker asks."""

import pytest
import requests
from django.urls import reverse

from connections.models import Connection
from syncflows.models import OutsideCheck
from tests.portal.test_preflight_truth import activate
from tests.portal.test_wizard import new_connection, simulators, step_url, walk_to_activation  # noqa: F401 (fixture)
from tests.syncflows.wiring import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outbound(monkeypatch):
    """Every HTTP request this process sends from now on, refused and recorded."""
    calls = []

    def refuse(session, prepared, **kwargs):
        calls.append(prepared.url)
        raise AssertionError(f"a page load called out: {prepared.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)
    return calls


def active_connection(owner_client, merchant, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    activate(owner_client, connection)
    drain()
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE
    return connection


def dashboard(owner_client, connection):
    return owner_client.get(
        reverse("portal:dashboard", args=[connection.merchant_id, connection.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )


def test_rendering_the_overview_makes_no_outbound_call_and_queues_the_check_instead(
    owner_client, merchant, simulators, live_server, settings, request
):
    connection = active_connection(owner_client, merchant, live_server, settings)
    OutsideCheck.objects.all().delete()
    calls = request.getfixturevalue("outbound")
    page = dashboard(owner_client, connection)
    assert page.status_code == 200 and calls == []
    body = page.content.decode()
    assert 'id="reachability-state"' in body and "Checking… step 0 of 3" in body and 'hx-trigger="every 3s"' in body
    check = OutsideCheck.objects.get(connection=connection, kind=OutsideCheck.Kind.REACHABILITY)
    assert check.state == OutsideCheck.State.RUNNING
    assert dashboard(owner_client, connection).status_code == 200 and calls == []
    assert OutsideCheck.objects.count() == 1  # asked once, however often the page is read


def test_the_queued_check_stores_its_answer_and_the_overview_shows_it_with_its_age(
    owner_client, merchant, simulators, live_server, settings
):
    connection = active_connection(owner_client, merchant, live_server, settings)
    connection.specter_md5key = "no-longer-valid"
    connection.save()
    OutsideCheck.objects.all().delete()
    assert 'id="unreachable"' not in dashboard(owner_client, connection).content.decode()  # nothing known yet
    drain()  # the bulk worker asks both systems
    check = OutsideCheck.objects.get(connection=connection, kind=OutsideCheck.Kind.REACHABILITY)
    assert check.state == OutsideCheck.State.DONE and (check.done, check.total) == (3, 3)
    assert [p["code"] for p in check.result["problems"]] == ["specter_refused"]
    body = dashboard(owner_client, connection).content.decode()
    assert 'id="unreachable"' in body and "Specter refuses our smbID and md5key." in body
    assert "Checked 0\xa0minutes ago" in body and 'hx-trigger="every 3s"' not in body
    swedish = owner_client.get(
        reverse("portal:dashboard", args=[connection.merchant_id, connection.pk])
    ).content.decode()
    assert "Specter refuses our smbID" not in swedish  # stored as a code, read in the reader's language


def test_the_pre_flight_page_reads_specters_register_through_a_worker_and_shows_the_answer(
    owner_client, merchant, simulators, live_server, request
):
    connection = new_connection(owner_client, merchant)
    walk_to_activation(owner_client, connection, live_server)
    Connection.objects.filter(pk=connection.pk).update(shipping_article="FRAKT-NY")
    calls = []
    real_send = requests.Session.send

    def recording(session, prepared, **kwargs):
        calls.append(prepared.url)
        return real_send(session, prepared, **kwargs)

    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setattr(requests.Session, "send", recording)
    body = owner_client.get(step_url(connection, "check"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert not [url for url in calls if "/sim/specter/" in url]  # the page asked Specter nothing
    assert "article register…" in body and 'hx-trigger="every 3s"' in body
    drain()
    body = owner_client.get(step_url(connection, "check"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "FRAKT-NY" in body and body.count("finding-problem") == 1 and "Checked 0\xa0minutes ago" in body
