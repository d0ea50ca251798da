"""The settings rules of design.md §5 and §9.9, and the production security baseline."""

import os
import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_django_q_never_hands_a_running_task_to_a_second_worker():
    q = settings.Q_CLUSTER
    assert q["retry"] >= q["timeout"] + 60


def test_django_q_leaves_retries_to_the_ledger_and_acknowledges_failures():
    q = settings.Q_CLUSTER
    assert q["max_attempts"] == 1
    assert q["ack_failures"] is True
    assert q["catch_up"] is False


def test_django_q_uses_the_orm_broker_on_the_default_database_with_a_small_queue():
    q = settings.Q_CLUSTER
    assert q["orm"] == "default"
    assert "redis" not in q
    assert q["workers"] <= q["queue_limit"] <= 2 * q["workers"]


def test_the_cluster_for_long_work_keeps_the_rules_with_its_own_hour_long_timeout():
    # What a qcluster started with Q_CLUSTER_NAME=long (as `make run` does) reads.
    probe = (
        "import django; django.setup(); from django_q.conf import Conf; "
        "print(Conf.CLUSTER_NAME, Conf.TIMEOUT, Conf.RETRY, Conf.MAX_ATTEMPTS, Conf.ACK_FAILURES, Conf.WORKERS)"
    )
    env = {
        **os.environ,
        "Q_CLUSTER_NAME": settings.Q_LONG_CLUSTER,
        "DJANGO_SETTINGS_MODULE": "integrator.settings.test",
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    name, timeout, retry, attempts, ack, workers = out[-6:]
    assert name == "long" and int(timeout) == settings.Q_LONG_TIMEOUT > settings.Q_CLUSTER["timeout"]
    assert (
        int(retry) >= int(timeout) + 60
        and attempts == "1"
        and ack == "True"
        and int(workers) == settings.Q_LONG_WORKERS
    )
    assert settings.Q_CLUSTER["name"] != settings.Q_LONG_CLUSTER  # the order cluster reads another queue


def test_http_timeouts_are_far_below_the_task_timeout():
    total = settings.HTTP_CONNECT_TIMEOUT + settings.HTTP_READ_TIMEOUT
    assert total * 4 <= settings.Q_CLUSTER["timeout"]


def _production_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="integrator.settings.production",
        SECRET_KEY="p" + Fernet.generate_key().decode() * 2,
        CREDENTIALS_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="integrator.example.se",
        DATABASE_URL="postgres://integrator:secret@db.example.se:5432/integrator",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _manage(*args, env) -> subprocess.CompletedProcess:
    # A fresh process: settings are read once per process, and .env must not leak into this check.
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd="/", capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", env=_production_env(ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_sqlite_unless_explicitly_allowed():
    result = _manage("check", env=_production_env(DATABASE_URL="sqlite:////tmp/prod.sqlite3"))
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_refuses_a_bad_credentials_key_without_printing_it():
    result = _manage("check", env=_production_env(CREDENTIALS_KEYS="not-a-fernet-key-at-all"))
    assert result.returncode != 0
    assert "CREDENTIALS_KEYS entry 1 is not a Fernet key" in result.stderr
    assert "not-a-fernet-key-at-all" not in result.stderr


def _variables_read_by_settings() -> set[str]:
    source = "\n".join(p.read_text() for p in (ROOT / "integrator" / "settings").glob("*.py"))
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def test_every_environment_variable_is_listed_in_env_example():
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    missing = _variables_read_by_settings() - listed
    assert not missing, f".env.example lacks {sorted(missing)}"
    assert len(_variables_read_by_settings()) > 10


def test_only_the_settings_package_reads_the_environment():
    allowed = {
        "integrator/settings",
        "manage.py",
        "integrator/wsgi.py",
        "integrator/asgi.py",
        # passes the environment on to the qcluster it starts, with two overrides; reads nothing
        "bench/management/commands/bench_orders.py",
        # passes the environment on to the three qclusters it starts, two with Q_CLUSTER_NAME set
        "integrator/management/commands/serve.py",
        # passes the environment on to the web and worker processes it starts, with its overrides; reads nothing
        "bench/management/commands/bench_scale.py",
    }
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/")) or any(relative.startswith(a) for a in allowed):
            continue
        if re.search(r"os\.environ|os\.getenv|environ\.Env\(", path.read_text()):
            offenders.append(relative)
    assert offenders == [], offenders


def test_production_installs_neither_the_simulator_nor_the_benchmarks():
    probe = "import django; django.setup(); from django.conf import settings; print(' '.join(settings.INSTALLED_APPS))"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=_production_env(), cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    apps = result.stdout.split()
    assert "syncflows" in apps, result.stderr
    assert not [app for app in apps if app.startswith(("simulator", "bench"))]
