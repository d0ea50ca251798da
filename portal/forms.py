"""The connection's settings as forms, one per wizard step; the settings page reuses them.

Secrets are write-only: the field never renders a value, and left empty it keeps what is stored.
Credentials are verified live when they are saved, so a merchant learns at once what is wrong.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.entitlements import Entitlements
from billing.models import Package
from connections.errors import AuthenticationFailed, IntegrationError
from connections.models import Connection
from connections.settings import ORDER_EVENTS
from connections.specter.batches import SUM_OF_SITES
from connections.specter.client import SpecterClient
from connections.specter.signature import Credentials
from connections.starweb import base_url
from connections.starweb.client import StarwebClient
from connections.starweb.types import name_of
from syncflows.catalogue import stock


class SecretInput(forms.PasswordInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False)


def _secret_field(label, stored: bool):
    help_text = _("Stored. Leave empty to keep it, or enter a new one to replace it.") if stored else ""
    return forms.CharField(label=label, required=not stored, widget=SecretInput, help_text=help_text, strip=True)


class SpecterForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ["specter_smb_id", "specter_webshop_id", "order_number_prefix"]
        help_texts = {"specter_webshop_id": _("Only with several webshops on one Specter account (multishop)."),
                      "order_number_prefix": _("Only with several webshops on one Specter account: e.g. B- makes order 1001 B-1001 in Specter.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specter_smb_id"].required = True
        self.fields["md5key"] = _secret_field(_("Specter md5key"), self.instance.specter_md5key is not None)

    def clean(self):
        data = super().clean()
        prefix = data.get("order_number_prefix") or ""
        if any(ch.isspace() for ch in prefix):
            self.add_error("order_number_prefix", _("A prefix cannot contain spaces."))
        elif data.get("specter_smb_id") and self.instance.prefix_clash(data["specter_smb_id"], prefix):
            self.add_error("order_number_prefix", _("Another webshop on this Specter account has this prefix: webshops sharing one "
                                                    "Specter account need different prefixes, or their order numbers collide."))
        key = data.get("md5key") or (self.instance.specter_md5key.reveal() if self.instance.specter_md5key else "")
        if self.errors or not key:
            return data
        try:
            SpecterClient(Credentials(data["specter_smb_id"], key)).check_account()
        except AuthenticationFailed:
            raise forms.ValidationError(_("Specter refused this smbID and md5key. Copy both again from Specter's "
                                          "webshop settings (Inställningar → Webbshop)."), code="refused") from None
        except IntegrationError:
            raise forms.ValidationError(_("Specter did not answer just now. Try again in a minute."), code="unreachable") from None
        return data

    def save(self, commit=True):
        if self.cleaned_data.get("md5key"):
            self.instance.specter_md5key = self.cleaned_data["md5key"]
        return super().save(commit)


class StarwebForm(forms.ModelForm):
    # A plain text field: base_url.validate() is the one judge of what a Starweb address may be.
    starweb_base_url = forms.CharField(label=_("Starweb API base URL"), max_length=300)

    class Meta:
        model = Connection
        fields = ["starweb_base_url", "starweb_client_id"]
        help_texts = {"starweb_base_url": _("For example https://yourshop.starwebserver.se/api/v2 (Starweb admin → Settings → API).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starweb_base_url"].required = self.fields["starweb_client_id"].required = True
        self.fields["client_secret"] = _secret_field(_("Starweb client secret"), self.instance.starweb_client_secret is not None)

    def clean_starweb_base_url(self):
        try:
            return base_url.validate(self.cleaned_data["starweb_base_url"])
        except base_url.InvalidBaseUrl as invalid:
            raise forms.ValidationError(str(invalid)) from None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        probe = Connection(pk=self.instance.pk, starweb_base_url=data["starweb_base_url"], starweb_client_id=data["starweb_client_id"],
                           starweb_client_secret=data.get("client_secret") or self.instance.starweb_client_secret)
        try:
            shop = StarwebClient(probe).shop()
        except AuthenticationFailed:
            raise forms.ValidationError(_("Starweb refused this client id and secret. Create an API client in Starweb "
                                          "and copy both again."), code="refused") from None
        except IntegrationError:
            raise forms.ValidationError(_("No Starweb shop answered at this address. Check the address and try again."),
                                        code="unreachable") from None
        currency = str(shop.get("baseCurrency") or shop.get("baseCurrencyCode") or "")
        if currency != "SEK":
            raise forms.ValidationError(_("The shop's base currency is %(currency)s. Specter takes SEK only: change the "
                                          "shop's base currency in Starweb first.") % {"currency": currency or "?"}, code="currency")
        return data

    def save(self, commit=True):
        if self.cleaned_data.get("client_secret"):
            self.instance.starweb_client_secret = self.cleaned_data["client_secret"]
        return super().save(commit)


FLOW_EXPLAINED = {
    1: _("Orders with their customers go from Starweb to Specter; products are kept in Starweb and created in Specter."),
    2: _("Orders go to Specter; Specter rules products, stock, prices and order status, which flow back to the shop."),
    3: _("Orders and products go to Specter; stock, prices and order status come back from Specter."),
}


class FlowForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ["flow"]
        widgets = {"flow": forms.RadioSelect}

    def __init__(self, *args, entitlements: Entitlements, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["flow"]
        field.required = True
        field.choices = [(value, label) for value, label in Connection.Flow.choices]
        self.entitlements = entitlements
        unlocks = {flow: next((p.name for p in Package.objects.filter(is_active=True) if flow in p.flows), None)
                   for flow, _label in Connection.Flow.choices}
        self.options = [{"value": value, "label": label, "explained": FLOW_EXPLAINED[value],
                         "allowed": entitlements.allows_flow(value), "unlocked_by": unlocks[value]}
                        for value, label in Connection.Flow.choices]

    def clean_flow(self):
        flow = self.cleaned_data["flow"]
        if not self.entitlements.allows_flow(flow):
            raise forms.ValidationError(_("Your package does not include this flow."))
        return flow


class CustomersForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ["ignore_control_email", "ignore_control_org_no", "force_customer_update"]


class ExportForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ["document_type", "confirmation_from_specter", "confirmation_copy_to_admin", "zero_row_shipping",
                  "zero_row_payment_fee", "zero_row_cod", "include_custom_fields", "discount_per_item_percent",
                  "company_in_address_line1", "gift_card_article", "discount_article", "payment_fee_article",
                  "shipping_article", "cod_article", "rounding_article"]

    def clean(self):
        data = super().clean()
        for name in ("gift_card_article", "discount_article", "payment_fee_article", "shipping_article", "cod_article", "rounding_article"):
            if any(ch.isspace() for ch in data.get(name) or ""):
                self.add_error(name, _("An article number cannot contain spaces."))
        return data


class EventsForm(forms.ModelForm):
    trigger_status_ids = forms.TypedMultipleChoiceField(label=_("Order statuses that trigger a transfer"), coerce=int, required=False,
                                                        widget=forms.CheckboxSelectMultiple,
                                                        help_text=_("None ticked: every status."))
    status_on_transfer_id = forms.TypedChoiceField(label=_("Set this status in the shop when the order is in Specter"),
                                                   coerce=int, empty_value=None, required=False)

    class Meta:
        model = Connection
        fields = ["export_order", "export_order_update", "export_product", "export_product_update", "trigger_status_ids", "status_on_transfer_id"]

    def __init__(self, *args, statuses: list[dict], entitlements: Entitlements, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s["statusId"], name_of(s, "statusId")) for s in statuses]
        self.fields["trigger_status_ids"].choices = choices
        field = self.fields["status_on_transfer_id"]
        field.choices = [("", _("Leave the status as it is")), *choices]
        if not entitlements.order_status:
            field.disabled = True
            field.help_text = _("Order status back to the shop comes with package 200 and up.")


class MethodsForm(forms.Form):
    """One field per shipping and per payment method of the shop, read from the shop itself."""

    def __init__(self, *args, connection: Connection, shipping: list[dict], payment: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        self.shipping, self.payment = [], []
        for method in shipping:
            key = str(method.get("shippingMethodId") or method.get("id"))
            self.fields[f"ship_{key}"] = forms.CharField(label=name_of(method, "shippingMethodId"), required=False, max_length=50,
                                                         initial=connection.delivery_methods.get(key, ""))
            self.shipping.append(f"ship_{key}")
        for method in payment:
            key = str(method.get("paymentMethodId") or method.get("id"))
            self.fields[f"pay_{key}"] = forms.CharField(label=name_of(method, "paymentMethodId"), required=False, max_length=50,
                                                        initial=connection.payment_methods.get(key, ""))
            self.payment.append(f"pay_{key}")

    def save(self) -> Connection:
        connection = self.connection
        connection.delivery_methods = {n[5:]: v for n, v in self.cleaned_data.items() if n.startswith("ship_") and v}
        connection.payment_methods = {n[4:]: v for n, v in self.cleaned_data.items() if n.startswith("pay_") and v}
        connection.save(update_fields=["delivery_methods", "payment_methods", "updated_at"])
        return connection


class TransferFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    order = forms.CharField(label=_("Order number"), required=False, max_length=32)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from syncflows.models import Transfer

        self.fields["state"].choices = [("", _("All")), *Transfer.State.choices]


EVENT_LABELS = {
    "partly_delivered": _("Partly delivered in Specter"), "delivered": _("Delivered in Specter"),
    "invoiced": _("Invoiced in Specter"), "paid": _("Paid in Specter"), "cancelled": _("Cancelled in Specter"),
}


ONE_SITE = "site"
STOCK_SITE_CHOICES = [("", _("Specter's default warehouse")), (SUM_OF_SITES, _("All warehouses added up")),
                      (ONE_SITE, _("One stock site (give its id)"))]


class StatusRulesForm(forms.Form):
    """Per Specter event: the shop status to set, and whether it mails the customer, carries the
    tracking number and captures the payment. Plus where Specter's stock goes in the shop."""

    def __init__(self, *args, connection: Connection, statuses: list[dict], locations: list[dict], entitlements: Entitlements,
                 categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        status_choices = [("", _("Leave the status as it is")), *[(s["statusId"], name_of(s, "statusId")) for s in statuses]]
        flows_back = connection.flow in (Connection.Flow.ERP, Connection.Flow.COMBO)
        self.events = []
        for event in ORDER_EVENTS:
            rule = (connection.status_rules or {}).get(event) or {}
            names = {"status": f"{event}_status", "email": f"{event}_email", "tracking": f"{event}_tracking", "capture": f"{event}_capture"}
            self.fields[names["status"]] = forms.TypedChoiceField(label=EVENT_LABELS[event], choices=status_choices, coerce=int,
                                                                  empty_value=None, required=False, initial=rule.get("status_id"))
            self.fields[names["email"]] = forms.BooleanField(label=_("e-mail the customer"), required=False, initial=rule.get("email", False))
            self.fields[names["tracking"]] = forms.BooleanField(label=_("with the tracking number"), required=False, initial=rule.get("tracking", False))
            self.fields[names["capture"]] = forms.BooleanField(label=_("capture the payment"), required=False, initial=rule.get("capture", False))
            if not (entitlements.order_status and flows_back):
                for name in names.values():
                    self.fields[name].disabled = True
            self.events.append(names)
        self.fields["stock_location_id"] = forms.TypedChoiceField(
            label=_("Specter's stock goes to this stock location in the shop"), coerce=int, initial=connection.stock_location_id,
            choices=[(loc["stockLocationId"], name_of(loc, "stockLocationId")) for loc in locations] or [(1, "1")])
        self.fields["stock_site_choice"] = forms.ChoiceField(
            label=_("Stock from Specter's warehouse"), required=False, choices=STOCK_SITE_CHOICES,
            initial=connection.stock_site if connection.stock_site in ("", SUM_OF_SITES) else ONE_SITE)
        self.fields["stock_site_id"] = forms.CharField(
            label=_("Stock site id in Specter"), required=False, max_length=20,
            help_text=_("With one warehouse, the shop's orders are taken from it too (multishop: each market its own)."),
            initial=connection.stock_site if connection.stock_site.isdigit() else "")
        if not (entitlements.stock and flows_back):
            for name in ("stock_location_id", "stock_site_choice", "stock_site_id"):
                self.fields[name].disabled = True
        # Flow #2 creates the shop's products from Specter's articles: categories follow the products
        # by the one the merchant names here (Specter's legacy API carries no category of its own).
        self.fields["product_category_id"] = forms.TypedChoiceField(
            label=_("Products created from Specter's articles go into this category"), coerce=int, empty_value=None, required=False,
            initial=connection.product_category_id,
            choices=[("", _("No category")), *[(c["categoryId"], name_of(c, "categoryId")) for c in categories]],
            disabled=connection.flow != Connection.Flow.ERP)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = ("form-check-input" if isinstance(field, forms.BooleanField)
                                           else "form-select" if isinstance(field, forms.ChoiceField) else "form-control")
        self.help = None if entitlements.order_status and flows_back else _(
            "Order status and stock come back from Specter with flows #2 and #3, from package 200.")

    @property
    def rows(self):
        return [tuple(self[names[key]] for key in ("status", "email", "tracking", "capture")) for names in self.events]

    def clean(self):
        data = super().clean()
        choice, site_id = data.get("stock_site_choice") or "", (data.get("stock_site_id") or "").strip()
        if choice == ONE_SITE and not site_id.isdigit():
            self.add_error("stock_site_id", _("Give the stock site's id in Specter, in digits."))
        data["stock_site"] = site_id if choice == ONE_SITE else choice
        return data

    def save(self) -> Connection:
        data, rules = self.cleaned_data, {}
        for event in ORDER_EVENTS:
            if data.get(f"{event}_status"):
                rules[event] = {"status_id": data[f"{event}_status"], "email": data[f"{event}_email"],
                                "tracking": data[f"{event}_tracking"], "capture": data[f"{event}_capture"]}
        self.connection.status_rules = rules
        self.connection.stock_location_id = data["stock_location_id"]
        warehouse_changed = data["stock_site"] != self.connection.stock_site
        self.connection.stock_site = data["stock_site"]
        if not self.fields["product_category_id"].disabled:
            self.connection.product_category_id = data.get("product_category_id")
        self.connection.save(update_fields=["status_rules", "stock_location_id", "stock_site", "product_category_id", "updated_at"])
        if warehouse_changed:  # the figures written so far belong to the old setting
            stock.forget_written(self.connection)
        return self.connection
