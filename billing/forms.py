"""Forms of the staff onboarding and billing-admin pages (rendered with crispy-forms, Bootstrap 5)."""

from datetime import date

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrator.inputs import one_line

from .dashboard import SORTS
from .models import HourPack, Package, Subscription, WorkLog
from .subscriptions import Plan


class DateInput(forms.DateInput):
    input_type = "date"


class _QuotedFields(forms.Form):
    """Package, extra webshops and the quoted figures, validated by Subscription's own rules."""

    package = forms.ModelChoiceField(label=_("Package"), queryset=Package.objects.filter(is_active=True))
    extra_shops = forms.IntegerField(label=_("Extra webshops"), min_value=0, initial=0, required=False)
    quoted_monthly_price = forms.DecimalField(label=_("Quoted monthly price (SEK)"), required=False, min_value=0)
    quoted_installation_fee = forms.DecimalField(label=_("Quoted installation fee (SEK)"), required=False, min_value=0)
    quoted_orders_per_month = forms.IntegerField(label=_("Quoted orders per month"), required=False, min_value=1)
    start_field = "start_date"

    def plan(self) -> Plan:
        """The validated plan (call after is_valid())."""
        data = self.cleaned_data
        return Plan(
            package=data["package"], from_date=data[self.start_field], extra_shops=data["extra_shops"],
            quoted_monthly_price=data["quoted_monthly_price"], quoted_installation_fee=data["quoted_installation_fee"],
            quoted_orders_per_month=data["quoted_orders_per_month"],
        )

    def clean(self):
        data = super().clean()
        data["extra_shops"] = data.get("extra_shops") or 0
        if data.get("package") and data.get(self.start_field):
            trial = Subscription(
                package=data["package"], start_date=data[self.start_field], extra_shops=data["extra_shops"],
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
        label=_("Organisation number"), regex=r"^\d{6}-?\d{4}$", max_length=11,
        error_messages={"invalid": _("Write it as 556677-8899.")},
    )
    owner_email = forms.EmailField(label=_("Owner's e-mail (gets the invitation)"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput, initial=timezone.localdate)
    field_order = ["name", "org_number", "owner_email", "package", "start_date", "extra_shops"]

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


class PackageForm(forms.ModelForm):
    class Meta:
        model = Package
        exclude = ["code", "sort_order"]


class HourPackForm(forms.ModelForm):
    class Meta:
        model = HourPack
        fields = ["name", "hours", "price", "is_active"]


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
