"""The simulator's shared state: injected faults and the log of every call (system-specific state
lives in simulator/starweb and simulator/specter). Own tables, so web, workers and tests share it."""

from django.db import models


class FaultRule(models.Model):
    """A fault to inject into matching calls. Empty account/operation match any.

    `remaining` counts the calls still to hit (None: every call until the rule is deleted).
    """

    class Kind(models.TextChoices):
        LATENCY = "latency", "latency (delay_ms, then answer normally)"
        SERVER_ERROR = "server_error", "5xx (status) without doing anything"
        RATE_LIMIT = "rate_limit", "429 with Retry-After (retry_after) and an HTML body"
        READ_TIMEOUT = "read_timeout", "sleep (delay_ms) before doing anything"
        COMMIT_THEN_TIMEOUT = "commit_then_timeout", "do the work, commit, then sleep (delay_ms)"
        CONNECTION_RESET = "connection_reset", "do the work, commit, then break the answer off"
        MALFORMED_BODY = "malformed_body", "do the work, commit, answer with a garbled body"
        EXPIRED_TOKEN = "expired_token", "refuse the access token as expired (Starweb)"

    system = models.CharField(max_length=20)  # "starweb" | "specter"
    account = models.CharField(max_length=100, blank=True)
    operation = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.PositiveSmallIntegerField(default=503)
    retry_after = models.PositiveIntegerField(default=1)
    delay_ms = models.PositiveIntegerField(default=0)
    remaining = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.system}/{self.account or '*'}/{self.operation or '*'}: {self.kind}"


class CallLog(models.Model):
    """Every call the simulator answered, so tests can assert "exactly one create"."""

    system = models.CharField(max_length=20)
    account = models.CharField(max_length=100, blank=True)
    operation = models.CharField(max_length=100)
    mutating = models.BooleanField(default=False)
    status = models.PositiveSmallIntegerField()
    fault = models.CharField(max_length=30, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # never credentials
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["system", "account", "operation"])]
