"""Who the customer is and what they bought: the tenant, its members, the package catalogue and
subscriptions. What a merchant may use is decided in billing/entitlements.py, nowhere else."""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MerchantOwned:
    """Mixin for rows that belong to one merchant: their audit entries carry it (billing/audit.py)."""

    def get_additional_data(self):
        return {"merchant": str(self.merchant_id)}


class Merchant(models.Model):
    """The tenant: one customer company. Every merchant-facing object hangs off one of these."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The customer's one named contact among our staff: the integration specialist, and on a package
    # with a key account manager (Premium) that manager, whom such a package requires.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        permissions = [
            ("onboard_merchants", _("Can onboard merchants and configure their connections")),
            ("view_billing", _("Can see billing for every merchant")),
        ]

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"merchant": str(self.pk)}


class Membership(MerchantOwned, models.Model):
    """A user's place in a merchant. A user may belong to several merchants."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "merchant"], name="membership_once_per_merchant")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.merchant} ({self.role})"


class Terms:
    """What a package sells, read the same way from the catalogue row and from its versions."""

    @property
    def is_quoted(self) -> bool:
        return self.monthly_price is None or self.orders_per_month is None

    @property
    def overage_price(self) -> Decimal:
        """Price of one order over the quota (0 where none is set)."""
        return self.overage_price_per_order if self.overage_price_per_order is not None else Decimal("0")


class Package(Terms, models.Model):
    """A row of the package catalogue (domain.md "Packages"). Money in SEK, ex VAT.

    A null price or quota means "quoted per subscription" (Premium).
    """

    FLOW_CHOICES = {1: _("#1 Ecom: Starweb rules"), 2: _("#2 ERP: Specter rules"), 3: _("#3 Combo")}

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    monthly_price = models.DecimalField(_("monthly price"), max_digits=10, decimal_places=2, null=True, blank=True)
    installation_fee = models.DecimalField(
        _("installation fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    orders_per_month = models.PositiveIntegerField(_("orders per month"), null=True, blank=True)
    flows = models.JSONField(_("flows"), default=list, help_text=_("Which flows (1, 2, 3) the package allows."))
    order_status = models.BooleanField(_("order status"), default=False)
    stock = models.BooleanField(_("stock"), default=False)
    price_lists = models.BooleanField(_("price lists"), default=False)
    multishop = models.BooleanField(_("multishop"), default=False)
    plugins = models.BooleanField(_("plugins"), default=False)
    key_account_manager = models.BooleanField(_("key account manager"), default=False)
    included_shops = models.PositiveSmallIntegerField(_("included webshops"), default=1)
    extra_shop_monthly_price = models.DecimalField(
        _("price per extra webshop and month"), max_digits=10, decimal_places=2, default=Decimal("295.00")
    )
    start_package_hours = models.DecimalField(
        _("hours in the start package"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("3.00"),
        help_text=_("Delivery, installation, training and configuration; what is left stays on the service account."),
    )
    overage_price_per_order = models.DecimalField(
        _("price per order over the quota"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: orders over the quota are counted but not charged (a quoted deal covers them)."),
    )
    binding_months = models.PositiveSmallIntegerField(_("binding period (months)"), default=3)
    notice_months = models.PositiveSmallIntegerField(_("notice (months)"), default=1)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("for sale"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")

    def __str__(self):
        return self.name

    def version_for(self, month: date) -> "Terms":
        """The terms in force in `month` (any day of it): the latest version from that month or
        earlier, else this row (the catalogue as first seeded). Versions are read once per instance."""
        versions = getattr(self, "_versions", None)
        if versions is None:
            versions = self._versions = list(self.versions.order_by("-valid_from")) if self.pk else []
        month = month.replace(day=1)
        return next((v for v in versions if v.valid_from <= month), self)

    def clean(self):
        if not self.flows or any(flow not in self.FLOW_CHOICES for flow in self.flows):
            raise ValidationError({"flows": _("Choose one or more of the flows 1, 2 and 3.")})


class InForce(models.Manager):
    """Subscriptions that count: a planned change the staff withdrew is kept for the history only."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Subscription(MerchantOwned, models.Model):
    """A merchant's package from a start date. The latest one started on a day is in force that day;
    an upgrade or downgrade is a new subscription from its date. Never deleted: a planned change
    that is given up is marked withdrawn (and `objects` no longer sees it; `history` does)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="subscriptions")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="subscriptions")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    extra_shops = models.PositiveSmallIntegerField(_("extra webshops"), default=0)
    # Hard cap: orders over the month's quota wait (held) instead of transferring as overage, and go
    # when the quota allows again (an upgrade or a new month). Never dropped either way.
    hold_over_quota = models.BooleanField(_("hold orders over the quota"), default=False)
    # Premium (and any quoted deal): the agreed figures replace the catalogue's.
    quoted_monthly_price = models.DecimalField(
        _("quoted monthly price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quoted_installation_fee = models.DecimalField(
        _("quoted installation fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quoted_orders_per_month = models.PositiveIntegerField(_("quoted orders per month"), null=True, blank=True)
    notice_given_on = models.DateField(_("notice given on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = InForce()
    history = models.Manager()

    class Meta:
        base_manager_name = "history"
        default_manager_name = "objects"
        ordering = ["merchant", "-start_date"]
        indexes = [models.Index(fields=["merchant", "start_date"])]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return f"{self.merchant} – {self.package} {_('from')} {self.start_date}"

    def terms(self, month: date) -> Terms:
        """The package's terms in `month` (the catalogue version in force then)."""
        return self.package.version_for(month)

    def monthly_price_in(self, month: date) -> Decimal | None:
        return self.quoted_monthly_price if self.quoted_monthly_price is not None else self.terms(month).monthly_price

    def orders_per_month_in(self, month: date) -> int | None:
        if self.quoted_orders_per_month is not None:
            return self.quoted_orders_per_month
        return self.terms(month).orders_per_month

    @property
    def monthly_price(self) -> Decimal | None:
        """This month's fee (Europe/Stockholm)."""
        return self.monthly_price_in(timezone.localdate())

    @property
    def orders_per_month(self) -> int | None:
        """This month's quota (Europe/Stockholm)."""
        return self.orders_per_month_in(timezone.localdate())

    def clean(self):
        errors = {}
        if self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.package_id and self.terms(self.start_date).is_quoted:
            if self.quoted_monthly_price is None:
                errors["quoted_monthly_price"] = _("This package is quoted: enter the agreed monthly price.")
            if self.quoted_orders_per_month is None:
                errors["quoted_orders_per_month"] = _("This package is quoted: enter the agreed orders per month.")
        if self.extra_shops and self.package_id and not self.terms(self.start_date).multishop:
            errors["extra_shops"] = _("Extra webshops need a package with multishop (400 or higher).")
        if errors:
            raise ValidationError(errors)
