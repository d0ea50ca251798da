"""What moves and what happened: the order transfer ledger (design.md §3) and the worker heartbeat."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from connections.models import Connection

from . import timeline
from .reasons import render as render_reasons


class WorkerHeartbeat(models.Model):
    """One row per worker host, touched by a scheduled task: proof that tasks really run.

    A cluster process that is alive but executes nothing does not beat, which is the point.
    """

    host = models.CharField(max_length=255, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.host} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


def new_webhook_token() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """Where Starweb posts a connection's webhooks: /hooks/starweb/<id>/<token>/.

    Starweb does not sign webhooks, so the unguessable token (compared in constant time) is what
    keeps strangers from making us fetch orders; the body is only a hint, the order is re-fetched.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connection = models.OneToOneField(Connection, on_delete=models.CASCADE, related_name="webhook_endpoint")
    token = models.CharField(max_length=64, default=new_webhook_token)
    created_at = models.DateTimeField(auto_now_add=True)
    last_received_at = models.DateTimeField(null=True, blank=True)


class Transfer(models.Model):
    """One Starweb order on its way to Specter: exactly one row per (connection, Starweb order).

    Webhook, poller and the manual Export button all get_or_create this row, so the database's
    unique constraint makes a second transfer of the same order impossible.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        FETCHING = "fetching", _("Fetching from Starweb")
        SENDING = "sending", _("Sending to Specter")
        SENT = "sent", _("In Specter")  # the finish phase then writes the number back to the shop and ends DONE
        DONE = "done", _("Done")
        RETRY_WAIT = "retry_wait", _("Will retry")
        UNKNOWN_OUTCOME = "unknown_outcome", _("Checking in Specter")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")
        SKIPPED = "skipped", _("Not exported")
        HELD = "held", _("Held: monthly quota reached")
        IGNORED = "ignored", _("Ignored")

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        POLLER = "poller", _("Poller")
        MANUAL = "manual", _("Manual export")

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="transfers")
    starweb_order_id = models.CharField(_("Starweb order"), max_length=32)
    order_number = models.CharField(_("order number"), max_length=32, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Lease (design.md §3 rule 2): a worker owns the row until lease_until; every phase write must
    # present lease_token (a fencing token), so a worker whose lease expired can no longer write.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    # Set after an uncertain outcome and by a manual retry: look the order up in Specter before
    # any create (rule 3).
    must_reconcile = models.BooleanField(default=False)
    specter_customer_no = models.CharField(max_length=32, blank=True)
    specter_order_no = models.CharField(_("Specter order number"), max_length=32, blank=True)
    specter_invoice_no = models.CharField(_("Specter invoice number"), max_length=32, blank=True)
    # Starweb's modifiedAt seen after we were done: the order was changed in the shop after it
    # reached Specter, which does not follow (domain.md: "at least flag it").
    shop_changed_at = models.DateTimeField(_("changed in the shop after transfer"), null=True, blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)  # for the merchant: what is wrong, how to fix it
    # The same as codes with parameters (syncflows.reasons), so each reader sees it in their language.
    reason_params = models.JSONField(default=list, blank=True)
    starweb_modified_at = models.DateTimeField(null=True, blank=True)
    # What Specter was (or is about to be) sent: customer, addresses, rows and total, as the
    # mapper made them, so the order page shows exactly that (syncflows.orders.snapshot).
    sent_snapshot = models.JSONField(default=dict, blank=True)
    # The merchant's reason for ignoring the order (state IGNORED): never sent, never counted.
    ignored_reason = models.CharField(_("why it is ignored"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "starweb_order_id"], name="transfer_once_per_order"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="transfer_due"),
            models.Index(fields=["connection", "-created_at"], name="transfer_recent"),
        ]

    def __str__(self):
        return f"{self.connection_id}/{self.starweb_order_id} ({self.state})"

    @property
    def reason_text(self) -> str:
        """The reason in the active language where it is one of ours, else as it was recorded."""
        return render_reasons(self.reason_params) if self.reason_params else self.reason

    @property
    def state_text(self) -> str:
        """The state in words: an order waiting only because the connection is paused says so."""
        if self.state == self.State.RETRY_WAIT and self.reason_code == "paused":
            return str(_("Paused: goes when the connection is resumed"))
        return self.get_state_display()


class TransferAttempt(models.Model):
    """Every attempt at a phase leaves a row (design.md §3 rule 6): the order's timeline."""

    class Outcome(models.TextChoices):
        OK = "ok", _("OK")
        RETRYABLE = "retryable", _("Temporary error")
        RATE_LIMITED = "rate_limited", _("Rate limited")
        UNKNOWN = "unknown", _("Outcome unknown")
        PERMANENT = "permanent", _("Error")
        LEASE_LOST = "lease_lost", _("Taken over by another worker")

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="timeline")
    phase = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=500, blank=True)  # redacted; never a secret
    # The same as a code with parameters (syncflows.timeline), read in the reader's language.
    detail_code = models.CharField(max_length=40, blank=True)  # a code of syncflows.timeline.DETAILS
    detail_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    @property
    def phase_text(self) -> str:
        return timeline.phase_label(self.phase)

    @property
    def detail_text(self) -> str:
        return timeline.render(self.detail_code, self.detail_params, self.summary)


class PollCursor(models.Model):
    """Where the poller got to for a connection: the newest order creation time it has seen."""

    connection = models.OneToOneField(Connection, on_delete=models.CASCADE, related_name="poll_cursor")
    seen_until = models.DateTimeField(null=True, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    # Flows #1 and #3: the newest product change the scheduled product export has sent to Specter.
    products_seen_until = models.DateTimeField(null=True, blank=True)


class Alert(models.Model):
    """The last e-mail sent for one cause on one connection, so no alert repeats within a day."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    cause = models.CharField(max_length=60)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "cause"], name="alert_once_per_cause")]


class SpecterCallback(models.Model):
    """A ping from Specter (stock, article, order changed; invoice made; order removed): a hint to
    pull Specter's batches, kept so the pull can be run and the merchant can see Specter is talking."""

    class Kind(models.TextChoices):
        STOCK = "stock", _("Stock changed")
        ARTICLE = "article", _("Article changed")
        ORDER = "order", _("Order changed")
        INVOICE = "invoice", _("Invoice made")
        REMOVED = "removed", _("Order removed")

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="specter_callbacks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["connection", "kind", "handled_at"], name="callback_unhandled")]


class ProductBinding(models.Model):
    """A Starweb variant known by its article number (design.md §4, the binder): where Specter's
    stock and prices for that SKU go, and what we last wrote, so an unchanged value is not written."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="product_bindings")
    sku = models.CharField(max_length=100)
    product_id = models.PositiveIntegerField()
    variant_id = models.PositiveIntegerField()
    last_stock = models.IntegerField(null=True, blank=True)
    last_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    # Package 400: what we last wrote to the shop's other price lists, {"<pricelistId>:<fromQuantity>": "<price>"}.
    last_list_prices = models.JSONField(default=dict, blank=True)
    # Flow #2: the variant details last written from Specter's article info (externalId, EAN, weight,
    # cost price), so an unchanged article writes nothing.
    last_details = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "sku"], name="binding_once_per_sku")]


class OrderStatusSync(models.Model):
    """A Specter event on an order that was carried to the shop: once, so a batch fetched again
    after a crash does not mail the customer twice."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="status_syncs")
    event = models.CharField(max_length=20)
    detail = models.CharField(max_length=100, blank=True)  # a partial delivery's tracking number
    status_id = models.PositiveIntegerField(null=True)
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["transfer", "event", "detail"], name="status_sync_once")]


class SyncRun(models.Model):
    """One pull of a Specter batch (or other catalogue run): every run leaves a row."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(max_length=20)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    entries = models.PositiveIntegerField(default=0)
    writes = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)


class ExportedArticle(models.Model):
    """What we last sent to Specter for a SKU (a hash of the article's fields): an unchanged product
    is not sent again, so a re-run writes nothing."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="exported_articles")
    sku = models.CharField(max_length=100)
    content_hash = models.CharField(max_length=64)
    exported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "sku"], name="exported_once_per_sku")]


class InitialSync(models.Model):
    """A whole assortment moved once, page by page, with a persisted cursor: it shows progress and
    resumes after a crash from the last committed page (design.md §4)."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="initial_syncs")
    direction = models.CharField(
        max_length=20, default="to_specter"
    )  # or "to_starweb" (syncflows/initial_sync/registry.py)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(default=0)  # products, from the preview count
    done = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)  # articles sent to Specter
    unchanged = models.PositiveIntegerField(default=0)
    next_page = models.PositiveIntegerField(default=1)
    # One runner at a time: a runner holds the sync until then; the sweeper restarts one whose holder
    # let it lapse (a worker that died, or a page that failed and waits a moment).
    lease_until = models.DateTimeField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)  # [sku or product, reason], the first 500
    problem_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def get_additional_data(self):  # its audit entries belong to the merchant's trail (billing/audit.py)
        return {"merchant": str(self.connection.merchant_id)}


class AssortmentCheck(models.Model):
    """The pre-flight's reading of a whole assortment (every SKU present, unique, without spaces),
    done by a worker page by page with progress, since a big shop takes minutes to read."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="assortment_checks")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    variants = models.PositiveIntegerField(default=0)
    missing = models.JSONField(default=list, blank=True)  # examples, the first few of each
    spaced = models.JSONField(default=list, blank=True)
    duplicated = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # {"missing": n, "spaced": n, "duplicated": n}
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class SpecterPull(models.Model):
    """Who pulls one of a Specter account's batch queues now, and whether another pull is wanted
    (syncflows/from_specter/pull_claim.py). One row per account and queue, so every worker and process sees
    the same claim: Specter's open batch (code 99) belongs to the account, so two pulls of it at once
    collide, and a burst of callback pings must make one more pull, not one each."""

    smb_id = models.CharField(max_length=50)
    kind = models.CharField(max_length=20)
    # A pull was asked for (by a ping or the schedule) and has not started yet; None: none waiting.
    wanted_since = models.DateTimeField(null=True, blank=True)
    # The lease of the pull running now (design.md §3 rule 2): a conditional UPDATE takes it.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["smb_id", "kind"], name="specter_pull_once_per_account_and_queue")
        ]


class SpecterArticle(models.Model):
    """An article number known to exist in the connection's Specter account: exported by us, created
    by us for an order, or reported by Specter (its batches, its register). An order goes only when
    every article number on it is known here, so Specter never gets a row for an article it lacks."""

    class Source(models.TextChoices):
        EXPORTED = "exported", _("Exported from the shop")
        CREATED = "created", _("Created for an order")
        BATCH = "batch", _("Reported by Specter")
        REGISTER = "register", _("In Specter's register")

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="specter_articles")
    article_no = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "article_no"], name="specter_article_once")]


class Circuit(models.Model):
    """An outside account that keeps failing: a Specter account or a shop (syncflows/circuits.py).

    No row: all is well. A row counts consecutive failures; once open, orders for the account wait
    without spending attempts, one of them probes once a minute, and the first answer closes it
    and makes every waiting order due at once.
    """

    system = models.CharField(max_length=10)  # "specter" or "starweb"
    account = models.CharField(max_length=300)  # the Specter account (SMB id) or the shop's API address
    failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    probe_at = models.DateTimeField(null=True, blank=True)
    probe_transfer = models.ForeignKey(Transfer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "account"], name="circuit_once_per_account")]

    def __str__(self):
        return f"{self.system}:{self.account} ({'open' if self.opened_at else f'{self.failures} failures'})"


class OutsideCheck(models.Model):
    """The last answer of a check that calls Starweb or Specter for a page (is everything reachable,
    do the service articles exist in Specter): a bulk worker runs it, the page shows what it found
    and how old that is, so no page load waits on another system. One row per connection and kind."""

    class Kind(models.TextChoices):
        REACHABILITY = "reachability", _("Reachability")
        SERVICE_ARTICLES = "service_articles", _("Service articles in Specter")

    class State(models.TextChoices):
        RUNNING = "running", _("Checking")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="outside_checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    subject = models.JSONField(
        default=list, blank=True
    )  # what is asked (article numbers): a changed setting asks again
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # codes and parameters, rendered in the reader's language
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "kind"], name="one_outside_check_per_kind")]
