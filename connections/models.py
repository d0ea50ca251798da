"""A connection: one Starweb webshop against one Specter account, with its credentials and every
setting of domain.md "Connection settings" as a typed field."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models import Merchant
from billing.models.core import MerchantOwned
from integrator import article_numbers

from . import credentials
from .fields import EncryptedTextField
from .settings import SERVICE_ARTICLE_FIELDS, ExportSettings, StatusRule


def _article(label):
    return models.CharField(label, max_length=50, blank=True, help_text=_("Must exist in Specter too, without spaces."))


class Connection(MerchantOwned, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="connections")
    name = models.CharField(_("name"), max_length=200)
    # Starweb: the shop's API base URL and its API client credentials.
    starweb_base_url = models.URLField(_("Starweb API base URL"), max_length=300, blank=True)
    starweb_client_id = models.CharField(_("Starweb client id"), max_length=200, blank=True)
    starweb_client_secret = EncryptedTextField(_("Starweb client secret"))

    # Specter: the sbmId and the keys Specter issues, of one of three kinds (specs/specter-api.md
    # §2.2, §10.2; connections/specter/signature.py). `specter_md5key` is the first key of every
    # kind (MD5 Key 1, ApiUserKey "Nyckel", or the only md5key), `specter_md5key2` the second (MD5
    # Key 2, IntegrationKey "Nyckel2"). An empty kind is a connection stored before the kinds: one key.
    class SpecterKeyKind(models.TextChoices):
        V2 = "v2", _("API v2: ApiUserId, Nyckel and Nyckel2")
        V1 = "v1", _("API v1: MD5 Key 1 and MD5 Key 2")
        SINGLE = "single", _("One md5key only")

    specter_smb_id = models.CharField(_("Specter smbID"), max_length=50, blank=True)
    specter_key_kind = models.CharField(
        _("kind of Specter credentials"), max_length=6, choices=SpecterKeyKind.choices, blank=True
    )
    specter_md5key = EncryptedTextField(_("Specter md5key"))
    specter_md5key2 = EncryptedTextField(_("Specter second key"))
    specter_api_user_id = models.CharField(_("Specter ApiUserId"), max_length=20, blank=True)
    # Multishop (package 400): Specter's webshopId for this shop, and a prefix on the webshop order
    # number so that shops sharing one Specter account never collide on externalOrderNo.
    specter_webshop_id = models.CharField(_("Specter webshopId"), max_length=20, blank=True)
    order_number_prefix = models.CharField(_("order number prefix in Specter"), max_length=10, blank=True)

    # -- Customer creation (matching happens in Specter) ------------------------------------------
    ignore_control_email = models.BooleanField(_("ignore the e-mail check when a customer is created"), default=False)
    ignore_control_org_no = models.BooleanField(
        _("ignore org.nr/personnummer when a customer is created"), default=False
    )
    force_customer_update = models.BooleanField(_("update an existing customer in Specter"), default=True)

    # -- Order export ---------------------------------------------------------------------------------
    class Document(models.TextChoices):
        ORDER = "order", _("Order")
        INVOICE = "invoice", _("Invoice")

    confirmation_from_specter = models.BooleanField(_("send the order confirmation from Specter"), default=False)
    confirmation_copy_to_admin = models.BooleanField(
        _("send a copy of the confirmation to the Specter administrator"), default=False
    )
    zero_row_shipping = models.BooleanField(_("zero-amount row for free shipping"), default=False)
    zero_row_payment_fee = models.BooleanField(_("zero-amount row for a zero payment fee"), default=False)
    zero_row_cod = models.BooleanField(_("zero-amount row for cash on delivery"), default=False)
    include_custom_fields = models.BooleanField(_("include custom customer fields from the checkout"), default=False)
    discount_per_item_percent = models.BooleanField(_("discount as a percentage on each order item"), default=False)
    company_in_address_line1 = models.BooleanField(_("company name in address line 1"), default=False)
    document_type = models.CharField(
        _("create in Specter as"), max_length=10, choices=Document.choices, default=Document.ORDER
    )

    # -- Article numbers ------------------------------------------------------------------------------
    gift_card_article = _article(_("article number for gift cards"))
    discount_article = _article(_("article number for discounts"))
    payment_fee_article = _article(_("article number for payment fees"))
    shipping_article = _article(_("article number for shipping"))
    cod_article = _article(_("article number for cash on delivery"))
    # What the rows leave from the shop's amount to pay by rounding (at most 1 kr) goes on this article,
    # at VAT 0, so that no price is bent to make the total.
    rounding_article = models.CharField(
        _("article number for rounding"),
        max_length=50,
        blank=True,
        default="Öresavrundning",
        help_text=_("Must exist in Specter too, without spaces."),
    )

    # -- Events ---------------------------------------------------------------------------------------
    class OrderExport(models.TextChoices):
        INACTIVE = "inactive", _("Inactive")
        REGISTERED = "registered", _("When the order is registered")
        MANUAL = "manual", _("Manual export")

    # What an export does with an article Specter already has (domain.md: *create only* or *create
    # and update*; the stored values are the source documents' "Update directly" and "Inactive").
    class ExistingArticles(models.TextChoices):
        UPDATE = "direct", _("Create new articles and update existing ones")
        CREATE_ONLY = "inactive", _("Create new articles only: leave existing ones as they are")

    class ProductExport(models.TextChoices):
        CHANGED = "changed", _("When the product changes")
        INACTIVE = "inactive", _("Inactive")

    export_order = models.CharField(
        _("export orders"), max_length=12, choices=OrderExport.choices, default=OrderExport.REGISTERED
    )
    # No setting for orders changed after export: Specter's API has no call that updates an order.
    export_product = models.CharField(
        _("export products"), max_length=10, choices=ProductExport.choices, default=ProductExport.INACTIVE
    )
    update_existing_articles = models.CharField(
        _("articles Specter already has"),
        max_length=10,
        choices=ExistingArticles.choices,
        default=ExistingArticles.CREATE_ONLY,
    )
    # Starweb order status ids that trigger a transfer; empty means every status.
    trigger_status_ids = models.JSONField(_("order statuses that trigger a transfer"), default=list, blank=True)
    # Package 200+: the Starweb status set when the order reached Specter (None: leave it).
    status_on_transfer_id = models.PositiveIntegerField(_("set this Starweb status on transfer"), null=True, blank=True)

    # Package 200+, flows 2 and 3: per Specter event ("delivered", "partly_delivered", "invoiced",
    # "paid", "cancelled"): {"status_id": <Starweb status>, "email": bool, "tracking": bool,
    # "capture": bool}. An event without a rule changes nothing in the shop.
    status_rules = models.JSONField(_("order status back to the shop"), default=dict, blank=True)
    # Flows 2 and 3: the Starweb stock location that Specter's stock is written to.
    stock_location_id = models.PositiveIntegerField(_("Starweb stock location"), default=1)
    # Flows 2 and 3: which of Specter's warehouses (stock sites) make the shop's stock: "" Specter's
    # default warehouse, "sum" all of them added up, or one stock site's id.
    stock_site = models.CharField(_("Specter warehouse"), max_length=20, blank=True, default="")
    # Flow 2: the Starweb category that products created from Specter's articles are put in (none: no category).
    product_category_id = models.PositiveIntegerField(_("category for new products"), null=True, blank=True)

    # -- Method mappings ------------------------------------------------------------------------------
    # Starweb shipping method id -> Specter delivery method's "External key".
    delivery_methods = models.JSONField(_("delivery method mapping"), default=dict, blank=True)
    # Starweb payment method id -> Specter payTypeIdentifier.
    payment_methods = models.JSONField(_("payment method mapping"), default=dict, blank=True)

    # -- Lifecycle (the merchant's portal) --------------------------------------------------------------
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being set up")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        INACTIVE = "inactive", _("Deactivated")

    class Flow(models.IntegerChoices):
        ECOM = 1, _("#1 Ecom: Starweb rules")
        ERP = 2, _("#2 ERP: Specter rules")
        COMBO = 3, _("#3 Combo")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    flow = models.PositiveSmallIntegerField(_("flow"), choices=Flow.choices, null=True, blank=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    # -- Health ---------------------------------------------------------------------------------------
    credentials_failed_at = models.DateTimeField(_("credentials refused since"), null=True, blank=True)
    credentials_failed_system = models.CharField(max_length=10, blank=True)

    # -- What each stored secret was entered for (connections/credentials.py): set on save --------
    starweb_secret_for = models.CharField(max_length=64, blank=True, editable=False)
    specter_key_for = models.CharField(max_length=64, blank=True, editable=False)
    specter_key2_for = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def save(self, *args, **kwargs):
        bound = credentials.bind_entered_secrets(self, kwargs.get("update_fields"))
        if kwargs.get("update_fields") is not None and bound:
            kwargs["update_fields"] = {*kwargs["update_fields"], *bound}
        super().save(*args, **kwargs)

    class Meta:
        ordering = ["merchant", "name"]
        verbose_name = _("connection")
        verbose_name_plural = _("connections")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        for name in SERVICE_ARTICLE_FIELDS:
            if getattr(self, name) and not article_numbers.usable(getattr(self, name)):
                errors[name] = article_numbers.RULE
        if not isinstance(self.trigger_status_ids, list) or not all(
            isinstance(i, int) for i in self.trigger_status_ids
        ):
            errors["trigger_status_ids"] = _("A list of Starweb status ids.")
        for name in ("delivery_methods", "payment_methods"):
            value = getattr(self, name)
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                errors[name] = _("A mapping from Starweb method id to Specter code.")
        if errors:
            raise ValidationError(errors)

    @property
    def export_settings(self) -> ExportSettings:
        """What the order mapper needs, typed (design.md §9.3): every field of ExportSettings read
        from the field of the same name, but for these."""
        return ExportSettings.of(
            self,
            delivery_methods={str(k): str(v) for k, v in (self.delivery_methods or {}).items()},
            payment_methods={str(k): str(v) for k, v in (self.payment_methods or {}).items()},
            webshop_id=self.specter_webshop_id,
            stock_site_id=self.stock_site if self.stock_site.isdigit() else "",
        )

    def prefix_clash(self, smb_id: str, prefix: str) -> bool:
        """Whether another live webshop of the merchant on Specter account `smb_id` uses `prefix`:
        their order numbers would collide on Specter's externalOrderNo."""
        return (
            Connection.objects.filter(merchant_id=self.merchant_id, specter_smb_id=smb_id, order_number_prefix=prefix)
            .exclude(pk=self.pk)
            .exclude(status=Connection.Status.INACTIVE)
            .exists()
        )

    def specter_account_sharers(self, smb_id: str):
        """The merchant's other live connections on Specter account `smb_id` (multishop)."""
        return (
            Connection.objects.filter(merchant_id=self.merchant_id, specter_smb_id=smb_id)
            .exclude(pk=self.pk)
            .exclude(status=Connection.Status.INACTIVE)
        )

    def siblings(self):
        """The merchant's connections on the same Specter account (this one included): Specter's
        batches are per account, so one pull serves them all."""
        return Connection.objects.filter(
            merchant_id=self.merchant_id, specter_smb_id=self.specter_smb_id
        ).select_related("merchant")

    def status_rule(self, event: str) -> "StatusRule | None":
        rule = (self.status_rules or {}).get(event)
        if not isinstance(rule, dict) or not rule.get("status_id"):
            return None
        return StatusRule(
            int(rule["status_id"]), bool(rule.get("email")), bool(rule.get("tracking")), bool(rule.get("capture"))
        )

    def triggers_on(self, status_id) -> bool:
        return not self.trigger_status_ids or status_id in self.trigger_status_ids


class StarwebToken(models.Model):
    """A connection's Starweb access token, shared by every worker and process, encrypted at rest.

    `fingerprint` (connections.credentials.starweb_fingerprint) names the address, client id and
    secret the token was issued for; a token is used for nothing else.
    """

    connection = models.OneToOneField(Connection, on_delete=models.CASCADE, related_name="starweb_token")
    access_token = EncryptedTextField()
    expires_at = models.DateTimeField()
    fingerprint = models.CharField(max_length=64, default="")


class RateWindow(models.Model):
    """Requests sent to Starweb for a connection in fifteen seconds (a bucket: throttle.py), counted
    across all workers."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "window_start"], name="rate_window_once")]
