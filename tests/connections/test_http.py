"""The one HTTP seam: what is tried again at once, and what is left to the caller."""

import pytest
import requests

from connections import http
from connections.errors import Retryable, UnknownOutcome

REFUSED = requests.ConnectionError(
    "HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded "
    "(Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))"
)
RESET = requests.ConnectionError("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))")


class Session:
    """Answers with the given failures first, then with a 200."""

    def __init__(self, *failures):
        self.failures, self.calls = list(failures), 0

    def request(self, method, url, **kwargs):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        response = requests.Response()
        response.status_code = 200
        return response


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(http, "REFUSED_RETRY_SECONDS", 0)


def test_a_refused_connection_is_tried_once_more_even_for_a_write_since_it_never_reached_the_server():
    session = Session(REFUSED)
    assert http.send(session, "POST", "http://127.0.0.1:1/token", system="starweb", mutating=True).status_code == 200
    assert session.calls == 2


def test_a_connection_refused_twice_is_retryable_for_the_caller():
    session = Session(REFUSED, REFUSED)
    with pytest.raises(Retryable):
        http.send(session, "GET", "http://127.0.0.1:1/shop", system="starweb", mutating=False)
    assert session.calls == 2


def test_a_reset_write_is_not_repeated_here_its_outcome_is_unknown():
    session = Session(RESET)
    with pytest.raises(UnknownOutcome):
        http.send(session, "POST", "http://127.0.0.1:1/orders", system="specter", mutating=True)
    assert session.calls == 1
