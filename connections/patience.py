"""Waiting out a rate limit inside a long task: on our own throttle (or a 429) the call waits the
few seconds asked and is made again, rather than handing the work back to wait for the sweeper."""

import time

from .errors import RateLimited

MAX_RATE_WAIT = 61


def patiently(call):
    for _attempt in range(10):
        try:
            return call()
        except RateLimited as limited:
            time.sleep(min(MAX_RATE_WAIT, limited.wait or 1))
    return call()
