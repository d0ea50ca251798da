"""`make run`'s last step: the web server and the django-q2 workers (the orders' cluster, the one
for bulk work and the one for long work) together, stopped together."""

import ctypes
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


def _die_with_parent() -> None:
    """Linux: have the kernel SIGTERM the child if this process dies without cleaning up (kill -9)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def web_command(
    host: str, port: int, *, web_workers: int = 2, threads: int = 8, timeout: int | None = None, access_log: bool = True
) -> list[str]:
    """gunicorn as we run it: both its logs with secrets masked, the access log on stdout (a benchmark
    leaves it out, so its CPU figures count requests, not log lines)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "integrator.wsgi",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(web_workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "5",
        "--logger-class",
        "integrator.logs.GunicornLogger",
    ]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    if access_log:
        command += ["--access-logfile", "-"]
    return command


class Command(BaseCommand):
    help = (
        "Run gunicorn and the three qclusters (orders; bulk work; long work) together. "
        "Ctrl-C (or SIGTERM) stops both cleanly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, web_workers, threads, **options):
        web = web_command(host, port, web_workers=web_workers, threads=threads)
        worker = [sys.executable, os.path.join(settings.BASE_DIR, "manage.py"), "qcluster"]
        # The orders' cluster, the one for bulk work (polls, pulls, exports) and the one for long
        # work (initial syncs), each with its own settings and queue.
        plain = dict(os.environ)
        plain.pop("Q_CLUSTER_NAME", None)
        bulk_work = {**plain, "Q_CLUSTER_NAME": settings.Q_BULK_CLUSTER}
        long_work = {**plain, "Q_CLUSTER_NAME": settings.Q_LONG_CLUSTER}
        # Each child in its own session: a terminal's Ctrl-C reaches only us, and we stop each child
        # exactly once (django-q2's cluster can hang when it gets SIGINT and SIGTERM together).
        children = [
            subprocess.Popen(cmd, env=env, start_new_session=True, preexec_fn=_die_with_parent)
            for cmd, env in ((web, plain), (worker, plain), (worker, bulk_work), (worker, long_work))
        ]
        stopping = False

        def stop(signum, _frame):
            nonlocal stopping
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

        base_url = f"http://{host}:{port}"
        self.stdout.write(
            self.style.SUCCESS(f"\nintegrator is running on {base_url} (web + workers). Ctrl-C stops them all.\n")
        )
        # The demo's logins, where settings name a banner (local settings: the demo seeding, which
        # lives with the simulator and the benchmarks, so this production command never imports it).
        if settings.SERVE_BANNER:
            self.stdout.write(import_string(settings.SERVE_BANNER)(base_url) + "\n")

        # 1. Wait until one child ends (a crash, or our own stop). 2. Stop the other. 3. Reap both.
        while all(child.poll() is None for child in children):
            time.sleep(0.2)
        if not stopping:
            self.stderr.write("A process ended unexpectedly; stopping the other.")
            stop(signal.SIGTERM, None)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        failed = [
            child.returncode for child in children if child.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)
        ]
        if failed and not stopping:
            sys.exit(1)
