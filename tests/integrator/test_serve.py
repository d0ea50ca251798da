"""`manage.py serve` (the last step of `make run`): real processes, a real port, a real worker."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def _wait_for(url: str, status: int, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got, body = _get(url)
        if got == status:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s (last: {got} {body[:200]})")


@pytest.fixture
def demo_env(tmp_path) -> dict:
    """A separate SQLite database and fresh keys: the demo process must not touch the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="integrator.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        SECRET_KEY="serve-test-" + "x" * 40,
        CREDENTIALS_KEYS=Fernet.generate_key().decode(),
        DEBUG="false",
    )
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
        )
    return env


def test_serve_runs_web_and_worker_together_and_ctrl_c_stops_both(demo_env):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=demo_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches the whole group
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert "Logga in" in _wait_for(f"{base}/accounts/login/", 200, 60)
        # Green health means the worker really executed a task (the heartbeat) through the broker.
        health = json.loads(_wait_for(f"{base}/health/?format=json", 200, 60))
        assert set(health.values()) == {"OK"}
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            raise AssertionError("serve did not stop within 30 s of Ctrl-C:\n" + output[-3000:]) from None
    assert process.returncode == 0, output[-2000:]
    assert "agare@demobutiken.se" in output  # the logins are printed
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the group is left running
