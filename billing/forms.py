"""Forms of the staff onboarding and billing-admin pages (rendered with crispy-forms, Bootstrap 5)."""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from integrator.formatting import number
from integrator.inputs import one_line

from .dashboard import SORTS
from .models import HourPack, Merchant, Package, PackageVersion, Subscription, WorkLog
from .subscriptions import Plan


class DateInput(forms.DateInput):
    input_type = "date"


class WrittenDecimalField(forms.DecimalField):
    """A number as people write it: `1 195,50`, `1195.50`, `1 195 kr` (grouping spaces, either
    decimal mark, a trailing currency); shown back in the reader's notation without grouping."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)\s*(kr|sek|:-)\s*$", "", value.strip())
            value = re.sub(r"[\s\u00a0\u202f]", "", value).replace("−", "-").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return number(value, -2, grouping=False)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


def staff_members():
    """The people a customer can have as its responsible: integration staff."""
    from django.contrib.auth import get_user_model

    from .roles import INTEGRATION_STAFF

    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True, groups__name=INTEGRATION_STAFF)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email or user.get_username()


class _QuotedFields(forms.Form):
    """Package, extra webshops and the quoted figures, validated by Subscription's own rules."""

    package = forms.ModelChoiceField(label=_("Package"), queryset=Package.objects.filter(is_active=True))
    extra_shops = forms.IntegerField(label=_("Extra webshops"), min_value=0, initial=0, required=False)
    quoted_monthly_price = WrittenDecimalField(
        label=_("Quoted monthly price (SEK)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    quoted_installation_fee = WrittenDecimalField(
        label=_("Quoted installation fee (SEK)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    quoted_orders_per_month = forms.IntegerField(label=_("Quoted orders per month"), required=False, min_value=1)
    start_field = "start_date"

    def plan(self) -> Plan:
        """The validated plan (call after is_valid())."""
        data = self.cleaned_data
        return Plan(
            package=data["package"],
            from_date=data[self.start_field],
            extra_shops=data["extra_shops"],
            quoted_monthly_price=data["quoted_monthly_price"],
            quoted_installation_fee=data["quoted_installation_fee"],
            quoted_orders_per_month=data["quoted_orders_per_month"],
        )

    def clean(self):
        data = super().clean()
        data["extra_shops"] = data.get("extra_shops") or 0
        if data.get("package") and data.get(self.start_field):
            trial = Subscription(
                package=data["package"],
                start_date=data[self.start_field],
                extra_shops=data["extra_shops"],
                quoted_monthly_price=data.get("quoted_monthly_price"),
                quoted_orders_per_month=data.get("quoted_orders_per_month"),
            )
            try:
                trial.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return data


class NewCustomerForm(_QuotedFields):
    name = forms.CharField(label=_("Company name"), max_length=200)
    org_number = forms.RegexField(
        label=_("Organisation number"),
        regex=r"^\d{6}-?\d{4}$",
        max_length=11,
        error_messages={"invalid": _("Write it as 556677-8899.")},
    )
    owner_email = forms.EmailField(label=_("Owner's e-mail (gets the invitation)"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput, initial=timezone.localdate)
    responsible = StaffChoiceField(
        label=_("Responsible"),
        queryset=None,
        required=False,
        help_text=_("The integration specialist; on Premium the key account manager (required)."),
    )
    field_order = ["name", "org_number", "owner_email", "package", "start_date", "extra_shops", "responsible"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff_members()

    def clean(self):
        data = super().clean()
        package, start = data.get("package"), data.get("start_date")
        if package and start and package.version_for(start).key_account_manager and not data.get("responsible"):
            self.add_error("responsible", _("The package includes a key account manager: choose who it is."))
        return data

    def clean_name(self):
        """A company name is one line (pasted text may carry line breaks or invisible characters)."""
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Enter the company name."))
        return name


class PackageChangeForm(_QuotedFields):
    from_date = forms.DateField(label=_("From"), widget=DateInput)
    start_field = "from_date"
    field_order = ["package", "from_date", "extra_shops"]


class ResponsibleForm(forms.ModelForm):
    class Meta:
        model = Merchant
        fields = ["responsible"]
        field_classes = {"responsible": StaffChoiceField}
        help_texts = {
            "responsible": _(
                "The integration specialist; on Premium the key account manager. "
                "The customer sees who and how to reach them."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff_members()

    def clean_responsible(self):
        person = self.cleaned_data.get("responsible")
        from .entitlements import entitlements_for

        if person is None and self.instance.pk and entitlements_for(self.instance).key_account_manager:
            raise ValidationError(_("The package includes a key account manager: choose who it is."))
        return person


class CancelForm(forms.Form):
    notice_on = forms.DateField(label=_("Notice given on"), widget=DateInput, initial=timezone.localdate)


class WorkLogForm(forms.ModelForm):
    class Meta:
        model = WorkLog
        fields = ["worked_on", "minutes", "category", "description"]
        widgets = {"worked_on": DateInput}
        help_texts = {"minutes": _("Rounded up to started half hours.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worked_on"].initial = timezone.localdate
        self.fields["minutes"].min_value = 1


class HourPackPurchaseForm(forms.Form):
    hour_pack = forms.ModelChoiceField(label=_("Hour pack"), queryset=HourPack.objects.filter(is_active=True))
    purchased_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)


def version_months(today: date | None = None, count: int = 13) -> list[date]:
    """The months a catalogue change may take effect from: next month on (a started month never changes)."""
    from .periods import add_months, month_of

    first = add_months(month_of(today or timezone.localdate()), 1)
    return [add_months(first, n) for n in range(count)]


class PackageVersionForm(forms.Form):
    """A package's price, quota and contents from a month on (billing.models.PackageVersion)."""

    valid_from = forms.TypedChoiceField(label=_("Takes effect from"), coerce=date.fromisoformat)
    monthly_price = WrittenDecimalField(
        label=_("Monthly price (SEK)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Empty for a quoted package: each subscription gets its quote."),
    )
    installation_fee = WrittenDecimalField(
        label=_("Installation fee (SEK)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    orders_per_month = forms.IntegerField(
        label=_("Orders per month"), required=False, min_value=0, help_text=_("Empty for a quoted package.")
    )
    overage_price_per_order = WrittenDecimalField(
        label=_("Price per order over the quota (SEK)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Empty: orders over the quota are counted but not charged."),
    )
    extra_shop_monthly_price = WrittenDecimalField(
        label=_("Price per extra webshop and month (SEK)"), min_value=0, max_digits=10, decimal_places=2
    )
    start_package_hours = WrittenDecimalField(
        label=_("Hours in the start package"), min_value=0, max_digits=6, decimal_places=2
    )
    flows = forms.TypedMultipleChoiceField(
        label=_("Flows"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=list(Package.FLOW_CHOICES.items())
    )
    order_status = forms.BooleanField(label=_("Order status back to the shop"), required=False)
    stock = forms.BooleanField(label=_("Stock"), required=False)
    price_lists = forms.BooleanField(label=_("Price lists"), required=False)
    multishop = forms.BooleanField(label=_("Multishop"), required=False)
    plugins = forms.BooleanField(
        label=_("Plugins"),
        required=False,
        help_text=_("Nothing runs plugins yet: merchants see them as coming, not as included."),
    )
    key_account_manager = forms.BooleanField(label=_("Own key account manager"), required=False)

    def __init__(self, *args, package: Package, **kwargs):
        self.package = package
        months = version_months()
        terms = package.version_for(months[0])
        initial = {name: getattr(terms, name) for name in self.base_fields if name != "valid_from"}
        initial["valid_from"] = months[0].isoformat()
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["valid_from"].choices = [(m.isoformat(), date_format(m, "F Y")) for m in months]

    def clean(self):
        data = super().clean()
        price, quota = data.get("monthly_price"), data.get("orders_per_month")
        if (
            (price is None) != (quota is None)
            and not self.errors.get("monthly_price")
            and not self.errors.get("orders_per_month")
        ):
            raise ValidationError(
                _(
                    "A quoted package (Premium) leaves both the monthly price and the orders per month "
                    "empty, and each subscription gets its quote; any other package needs both."
                )
            )
        return data

    def save(self, user=None):
        data = dict(self.cleaned_data)
        valid_from = data.pop("valid_from")
        version, _created = PackageVersion.objects.update_or_create(
            package=self.package, valid_from=valid_from, defaults={**data, "created_by": user}
        )
        return version


class PackageForm(forms.ModelForm):
    """What is not versioned: the name, whether it is for sale, binding and notice."""

    class Meta:
        model = Package
        fields = ["name", "is_active", "binding_months", "notice_months"]


class HourPackForm(forms.ModelForm):
    class Meta:
        model = HourPack
        fields = ["name", "hours", "price", "is_active"]
        field_classes = {"hours": WrittenDecimalField, "price": WrittenDecimalField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("hours", "price"):
            self.fields[name].min_value = 0
            self.fields[name].validators.append(MinValueValidator(0))


class DashboardFilterForm(forms.Form):
    month = forms.CharField(required=False)
    q = forms.CharField(label=_("Search"), required=False)
    package = forms.ChoiceField(label=_("Package"), required=False)
    over_quota = forms.BooleanField(label=_("Over quota only"), required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS] + [(f"-{k}", f"-{k}") for k in SORTS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = [("", _("All packages"))] + package_choices()


PACKAGE_CHOICES_KEY = "billing:package-choices"


def package_choices() -> list[tuple[str, str]]:
    """(code, name) of every package, cached: the dashboard shows it on every request. A saved or
    deleted package clears the cache (billing/apps.py)."""
    choices = cache.get(PACKAGE_CHOICES_KEY)
    if choices is None:
        choices = list(Package.objects.values_list("code", "name"))
        cache.set(PACKAGE_CHOICES_KEY, choices, 300)
    return choices


def month_choices(current: date, count: int = 24) -> list[date]:
    from .periods import months_back

    return list(reversed(months_back(current, count)))


class SignupForm(forms.Form):
    """Self-service sign-up (billing/signup.py). The package comes from the price table on the page."""

    company = forms.CharField(label=_("Company name"), max_length=200)
    org_number = forms.CharField(
        label=_("Organisation number"), max_length=12, help_text=_("NNNNNN-NNNN, as registered with Bolagsverket.")
    )
    owner_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail"), help_text=_("We send a link to it: the account works once you have opened it.")
    )
    password = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    package = forms.ModelChoiceField(
        label=_("Package"), queryset=Package.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    terms = forms.BooleanField(
        label=_("I accept the terms of the subscription and of the start package"), required=True
    )

    def __init__(self, *args, **kwargs):
        from .signup import packages_for_sale

        super().__init__(*args, **kwargs)
        self.packages = packages_for_sale()
        self.fields["package"].queryset = Package.objects.filter(pk__in=[p.pk for p in self.packages])

    def clean_org_number(self):
        from .orgnr import normalise

        return normalise(self.cleaned_data["org_number"])

    def clean(self):
        from django.contrib.auth import password_validation
        from django.contrib.auth.models import User

        data = super().clean()
        if data.get("password"):
            probe = User(
                username=data.get("email") or "", email=data.get("email") or "", first_name=data.get("owner_name") or ""
            )
            try:
                password_validation.validate_password(data["password"], probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data
