"""What the benchmarks share: this app served in-process or by separate web processes, worker
processes, a connection wired to simulators, and where the slowest orders' time went."""

import os
import signal
import socket
import subprocess
import time
from itertools import pairwise

from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from django.utils import timezone

from billing.models import Merchant, Package, Subscription
from connections.models import Connection
from integrator.management.commands.serve import web_command as served


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Child processes, each in its own session, so a kill reaches the whole cluster."""

    def __init__(self, env):
        self.env, self.children = env, {}

    def start(self, name: str, command: list[str], **extra_env) -> None:
        # Each process's output goes to var/bench/<name>.log, to read when a figure surprises.
        logs = settings.BASE_DIR / "var" / "bench"
        logs.mkdir(parents=True, exist_ok=True)
        with open(logs / f"{name}.log", "ab") as log:
            self.children[name] = subprocess.Popen(
                command,
                env={**self.env, **extra_env},
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, name: str) -> None:
        child = self.children[name]
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()

    def stop_all(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def _proc_table() -> list[tuple[int, int, int, int]]:
    """(pid, ppid, session, CPU ticks) of every process: user + system time of the process and of
    the children it has reaped, so a worker that exited still counts in its parent."""
    table = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after "pid (comm)": state ppid pgrp session … utime(14) stime cutime cstime (man 5 proc)
        table.append((int(name), int(fields[1]), int(fields[3]), sum(int(x) for x in fields[11:15])))
    return table


class CpuMeter:
    """CPU milliseconds spent by kinds of process between `start()` and `stop()`, read from /proc.

    A kind is a list of roots: ("session", pid) for a child started in its own session (every
    process of it: a qcluster's workers, a gunicorn's workers), ("tree", pid) for a process and its
    descendants (PostgreSQL's postmaster and its backends), ("self", 0) for this process alone."""

    def __init__(self, kinds: dict[str, list[tuple[str, int]]]):
        self.kinds, self.spent = kinds, {}

    def _read(self) -> dict[str, float]:
        table = _proc_table() if os.path.isdir("/proc") else []
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        children: dict[int, list[int]] = {}
        for pid, ppid, _, _ in table:
            children.setdefault(ppid, []).append(pid)
        ticks = {pid: t for pid, _, _, t in table}
        out = {}
        for kind, roots in self.kinds.items():
            pids: set[int] = set()
            for how, root in roots:
                if how == "self":
                    times = os.times()
                    out[kind] = out.get(kind, 0.0) + (times.user + times.system) * 1000
                elif how == "session":
                    pids |= {pid for pid, _, session, _ in table if session == root}
                else:
                    todo = [root]
                    while todo:
                        pid = todo.pop()
                        pids.add(pid)
                        todo += children.get(pid, [])
            out[kind] = out.get(kind, 0.0) + sum(ticks.get(pid, 0) for pid in pids) * tick_ms
        return out

    def start(self) -> None:
        self.began, self.wall = self._read(), time.monotonic()

    def stop(self) -> None:
        now = self._read()
        self.wall = time.monotonic() - self.wall
        self.spent = {kind: now[kind] - self.began.get(kind, 0.0) for kind in now}

    def lines(self, orders: int, outside: set[str] = frozenset(), share: float = 0.7) -> list[str]:
        """Per-order CPU by kind and the order rate this machine's cores carry at `share` busy,
        with every kind on it and with only ours (the kinds in `outside` run elsewhere in production)."""
        cores = os.cpu_count() or 1
        per = {kind: ms / max(1, orders) for kind, ms in self.spent.items()}
        total, ours = sum(per.values()), sum(v for k, v in per.items() if k not in outside)
        busy = sum(self.spent.values()) / (self.wall * 1000 * cores) * 100 if self.wall else 0.0
        lines = [
            "CPU per order: "
            + ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in per.items())
            + f"; total {total:.1f} ms ({busy:.0f} % of {cores} cores over {self.wall:.1f} s)"
        ]
        for label, ms in (("everything on this machine", total), ("ours only (no simulators, no placing)", ours)):
            if ms:
                lines.append(
                    f"ceiling, {label}: {cores} cores at {share:.0%} carry at most "
                    f"{share * cores * 1000 / ms:.1f} orders/s "
                    f"({ms:.1f} CPU ms per order); 4 cores {share * 4000 / ms:.1f}/s, 8 cores {share * 8000 / ms:.1f}/s"
                )
        return lines


def web_command(port: int) -> list[str]:
    """The web process of a benchmark: gunicorn as `serve` runs it, one process of 16 threads, no access log."""
    return served("127.0.0.1", port, web_workers=1, threads=16, timeout=60, access_log=False)


def wait_for_web(ports, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    for port in ports:
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the web process on port {port} did not start")
            time.sleep(0.3)


class _Server(ThreadedWSGIServer):
    request_queue_size = 256  # a burst of webhooks and simulated calls must not be refused

    def get_request(self):
        # Python's server writes headers and body separately; without TCP_NODELAY, Nagle and the
        # client's delayed ACK add ~40 ms to every answer, which would measure the server, not us.
        sock, address = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, address


class ServerThread(LiveServerThread):
    server_class = _Server


def bench_connection(name: str, shop, account, base: str, **settings) -> Connection:
    """A merchant on package 800 named after `name`, with one connection from the simulated `shop`
    to the simulated Specter `account` (both served under `base`)."""
    merchant, created = Merchant.objects.get_or_create(name=f"{name} AB", defaults={"org_number": "559999-0000"})
    if created:
        Subscription.objects.create(
            merchant=merchant, package=Package.objects.get(code="800"), start_date=timezone.localdate().replace(day=1)
        )
    connection, _ = Connection.objects.update_or_create(
        merchant=merchant,
        name=name,
        defaults={
            "starweb_base_url": f"{base}/sim/starweb/{shop.slug}/api/v2",
            "starweb_client_id": shop.client_id,
            "starweb_client_secret": shop.client_secret,
            "specter_smb_id": account.smb_id,
            "specter_md5key": account.md5key,
            **settings,
        },
    )
    return connection


def where_time_went(samples: list[tuple], percent: int = 10) -> list[str]:
    """Where the slowest `percent` of orders spent their time, from the ledger's own rows.

    `samples`: (transfer id, placed at, in Specter at). Each order's time from placing to Specter
    is split into: the webhook (placing until its ledger row existed), the queue (row until its
    first phase began: broker wait, claim, load), each phase's own duration (until the order was
    in Specter), retries (the waits after a failed or rate-limited attempt: backoff and throttle)
    and the rest (phase writes between phases). Returns lines to print.
    """
    from syncflows.models import Transfer, TransferAttempt

    if not samples:
        return []
    total = {key: (at_specter - placed).total_seconds() * 1000 for key, placed, at_specter in samples}
    slowest = sorted(samples, key=lambda s: total[s[0]], reverse=True)[: max(1, len(samples) * percent // 100)]
    ids = [s[0] for s in slowest]
    created = dict(Transfer.objects.filter(pk__in=ids).values_list("pk", "created_at"))
    attempts: dict[int, list] = {}
    for row in TransferAttempt.objects.filter(transfer_id__in=ids).order_by("started_at", "id"):
        attempts.setdefault(row.transfer_id, []).append(row)
    parts: dict[str, float] = {}
    limited = 0
    for transfer_id, placed, at_specter in slowest:
        rows = [a for a in attempts.get(transfer_id, []) if a.started_at <= at_specter]
        split = {"webhook": (created[transfer_id] - placed).total_seconds() * 1000}
        if rows:
            split["queue"] = (rows[0].started_at - created[transfer_id]).total_seconds() * 1000
        for previous, row in pairwise(rows):
            gap = (row.started_at - previous.started_at).total_seconds() * 1000 - previous.duration_ms
            key = "retry waits" if previous.outcome != TransferAttempt.Outcome.OK else "between phases"
            split[key] = split.get(key, 0) + max(0.0, gap)
        for row in rows:
            split[f"phase {row.phase}"] = split.get(f"phase {row.phase}", 0) + row.duration_ms
            limited += row.outcome == TransferAttempt.Outcome.RATE_LIMITED
        split["rest"] = total[transfer_id] - sum(split.values())
        for key, value in split.items():
            parts[key] = parts.get(key, 0) + value
    n = len(slowest)
    worst = sum(total[i] for i in ids) / n
    lines = [
        f"slowest {percent}% ({n} orders, mean {worst:.0f} ms), mean per order: "
        + ", ".join(f"{key} {value / n:.0f} ms" for key, value in sorted(parts.items(), key=lambda kv: -kv[1])),
        f"  rate-limited attempts among them: {limited}",
    ]
    return lines
