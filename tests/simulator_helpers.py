"""Helpers for tests that inject faults into the simulator."""

import time

from simulator.models import CallLog


def wait_until_answered(kind: str, seconds: float = 5.0) -> None:
    """Wait until the simulator has finished the call that a delaying fault hit, so its late
    database writes cannot spill into the next test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if CallLog.objects.filter(fault=kind).exists():
            time.sleep(0.2)  # the answer is being written after the log row
            return
        time.sleep(0.05)
    raise AssertionError(f"the simulator never answered the {kind} call")
