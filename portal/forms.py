"""The connection's settings as forms, one per wizard step; the settings page reuses them.

Secrets are write-only: the field never renders a value, and left empty it keeps what is stored.
Credentials are verified live when they are saved, so a merchant learns at once what is wrong.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Package
from connections import credentials
from connections.errors import AddressNotAllowed, AuthenticationFailed, IntegrationError
from connections.flows import Capability, Direction, Permits
from connections.models import Connection
from connections.settings import SERVICE_ARTICLE_FIELDS, SERVICE_ARTICLES, SPECTER_ORDER_EVENTS
from connections.specter import pay_types
from connections.specter.batches import SUM_OF_SITES
from connections.specter.client import SpecterClient
from connections.specter.pay_types import PAY_TYPES
from connections.specter.signature import Credentials
from connections.starweb import base_url
from connections.starweb.client import StarwebClient, forget_token
from connections.starweb.types import name_of
from integrator.inputs import visible_article_number
from syncflows.from_specter import stock


class SecretInput(forms.PasswordInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False)


def _secret_field(label, stored: bool, required: bool = True, help_text=""):
    if stored:
        help_text = _("Stored. Leave empty to keep it, or enter a new one to replace it.")
    return forms.CharField(
        label=label, required=required and not stored, widget=SecretInput, help_text=help_text, strip=True
    )


Kind = Connection.SpecterKeyKind
KIND_LABELS = {"v1": _("API v1"), "v2": _("API v2"), "single": _("one md5key")}


class CredentialsForm(forms.ModelForm):
    """A ModelForm writes the typed values onto its instance even when they are refused; the page
    goes on using that instance (to read the shop for the other sections), which would send the
    stored secret to a refused address. Here the instance is touched only by a valid form."""

    def _post_clean(self):
        if not self._errors:
            super()._post_clean()


class SpecterForm(CredentialsForm):
    """Specter's credentials of the kind the merchant has (specs/specter-api.md §2.2): API v2
    (ApiUserId, Nyckel, Nyckel2), API v1 (MD5 Key 1 and 2), or one md5key; each key write-only."""

    class Meta:
        model = Connection
        fields = [
            "specter_smb_id",
            "specter_key_kind",
            "specter_api_user_id",
            "specter_webshop_id",
            "order_number_prefix",
        ]
        widgets = {"specter_key_kind": forms.RadioSelect}
        labels = {"specter_smb_id": _("SBM ID (sbmId)"), "specter_api_user_id": _("ApiUserId")}
        help_texts = {
            "specter_smb_id": _("Your Specter account's number, in Specter under Inställningar → Webbshop."),
            "specter_key_kind": _(
                "Specter's webshop settings show which you have: an API user with ApiUserId, Nyckel and "
                "Nyckel2 (API v2, webshops connected from August 2020), or MD5 Key 1 and MD5 Key 2 (API v1). "
                "Choose one md5key only if Specter gave you a single key."
            ),
            "specter_api_user_id": _(
                "API v2 only: the id of the API user Specter made for the webshop, shown beside its Nyckel."
            ),
            "specter_webshop_id": _("Only with several webshops on one Specter account (multishop, API v2)."),
            "order_number_prefix": _(
                "Only with several webshops on one Specter account: e.g. B- makes order 1001 B-1001 in Specter."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specter_smb_id"].required = True
        kind = self.fields["specter_key_kind"]
        kind.choices = Kind.choices
        kind.required = False  # left unchosen, it is read from the values given (clean_kind)
        if not self.instance.specter_key_kind and self.instance.specter_md5key is not None:
            self.initial["specter_key_kind"] = Kind.SINGLE  # stored before the kinds: one md5key
        self.fields["md5key"] = _secret_field(
            _("MD5 Key 1, Nyckel (ApiUserKey) or the one md5key"),
            self.instance.specter_md5key is not None,
            help_text=_("API v1: MD5 Key 1. API v2: the API user's Nyckel. Otherwise your md5key."),
        )
        self.fields["md5key2"] = _secret_field(
            _("MD5 Key 2 or Nyckel2 (IntegrationKey)"),
            self.instance.specter_md5key2 is not None,
            required=False,
            help_text=_("API v1: MD5 Key 2. API v2: the API user's Nyckel2. Leave empty with one md5key."),
        )
        self.order_fields(
            [
                "specter_smb_id",
                "specter_key_kind",
                "md5key",
                "md5key2",
                "specter_api_user_id",
                "specter_webshop_id",
                "order_number_prefix",
            ]
        )

    def _kind(self, data) -> str:
        """The chosen kind, or the one the values given make."""
        has_key2 = bool(data.get("md5key2")) or (
            self.instance.specter_md5key2 is not None and self.instance.specter_key_kind != Kind.SINGLE
        )
        return (
            data.get("specter_key_kind")
            or self.instance.specter_key_kind
            or (Kind.V2 if data.get("specter_api_user_id") else Kind.V1 if has_key2 else Kind.SINGLE)
        )

    def clean(self):
        data = super().clean()
        prefix = data.get("order_number_prefix") or ""
        if prefix and not visible_article_number(prefix):
            self.add_error("order_number_prefix", _("A prefix cannot contain spaces."))
        elif data.get("specter_smb_id") and self.instance.prefix_clash(data["specter_smb_id"], prefix):
            self.add_error(
                "order_number_prefix",
                _(
                    "Another webshop on this Specter account has this prefix: webshops sharing one "
                    "Specter account need different prefixes, or their order numbers collide."
                ),
            )
        kind = data["specter_key_kind"] = self._kind(data)
        api_user_id = (data.get("specter_api_user_id") or "").strip()
        # Each stored key signs only for the smbID and ApiUserId it was entered for (connections/credentials.py).
        for_account = (data.get("specter_smb_id"), api_user_id if kind == Kind.V2 else "")
        if (
            not data.get("md5key")
            and self.instance.specter_md5key is not None
            and data.get("specter_smb_id")
            and not credentials.specter_key_fits(self.instance, *for_account)
        ):
            self.add_error(
                "md5key", _("Enter the md5key again: the stored one was entered for another smbID or ApiUserId.")
            )
        if (
            not data.get("md5key2")
            and self.instance.specter_md5key2 is not None
            and kind != Kind.SINGLE
            and data.get("specter_smb_id")
            and not credentials.specter_key2_fits(self.instance, *for_account)
        ):
            self.add_error(
                "md5key2", _("Enter the second key again: the stored one was entered for another smbID or ApiUserId.")
            )
        key = data.get("md5key") or (self.instance.specter_md5key.reveal() if self.instance.specter_md5key else "")
        key2 = (
            ""
            if kind == Kind.SINGLE
            else (
                data.get("md5key2") or (self.instance.specter_md5key2.reveal() if self.instance.specter_md5key2 else "")
            )
        )
        if kind == Kind.SINGLE and data.get("md5key2"):
            self.add_error("md5key2", _("One md5key has no second key: choose API v1 or API v2, or leave this empty."))
        if kind in (Kind.V1, Kind.V2) and not key2:
            self.add_error("md5key2", _("API v1 and v2 have a second key: MD5 Key 2, or the API user's Nyckel2."))
        if kind == Kind.V2 and not api_user_id:
            self.add_error("specter_api_user_id", _("API v2 needs the API user's ApiUserId."))
        if kind != Kind.V2 and api_user_id:
            self.add_error(
                "specter_api_user_id", _("Only API v2 has an ApiUserId: choose API v2 if Specter gave you one.")
            )
        self._refuse_multishop_without_v2(data, kind)
        if self.errors or not key:
            return data
        try:
            SpecterClient(
                Credentials(data["specter_smb_id"], key, key2, api_user_id if kind == Kind.V2 else "", kind)
            ).check_account()
        except AuthenticationFailed:
            raise forms.ValidationError(
                _(
                    "Specter refused these credentials. Check which kind you have (API v2, API v1 or one "
                    "md5key) and copy the SBM ID and each key again from Specter's webshop settings "
                    "(Inställningar → Webbshop)."
                ),
                code="refused",
            ) from None
        except IntegrationError:
            raise forms.ValidationError(
                _("Specter did not answer just now. Try again in a minute."), code="unreachable"
            ) from None
        return data

    def _refuse_multishop_without_v2(self, data, kind) -> None:
        """Several webshops on one Specter account (multishop) need API v2, for every one of them (§2.2)."""
        smb_id = data.get("specter_smb_id")
        sharers = list(self.instance.specter_account_sharers(smb_id)) if smb_id else []
        if kind != Kind.V2 and (sharers or data.get("specter_webshop_id")):
            self.add_error(
                "specter_key_kind",
                _(
                    "Several webshops on one Specter account (multishop) need Specter's API v2, and these "
                    "credentials are %(kind)s. Ask Specter for an API user for your webshops and enter "
                    "its ApiUserId, Nyckel and Nyckel2 here."
                )
                % {"kind": KIND_LABELS[kind]},
            )
        elif kind == Kind.V2:
            for other in sharers:
                if (other.specter_key_kind or Kind.SINGLE) != Kind.V2:
                    self.add_error(
                        "specter_key_kind",
                        _(
                            "Your webshop %(name)s on this Specter account uses %(kind)s: multishop needs "
                            "API v2 for every webshop on the account. Change its Specter credentials to "
                            "API v2 first."
                        )
                        % {"name": other.name, "kind": KIND_LABELS[other.specter_key_kind or Kind.SINGLE]},
                    )
                    break

    def save(self, commit=True):
        data = self.cleaned_data
        if data.get("md5key"):
            self.instance.specter_md5key = data["md5key"]
        if data["specter_key_kind"] == Kind.SINGLE:
            self.instance.specter_md5key2 = None  # a single key has no second one: none is kept
        elif data.get("md5key2"):
            self.instance.specter_md5key2 = data["md5key2"]
        return super().save(commit)


class StarwebForm(CredentialsForm):
    # A plain text field: base_url.validate() is the one judge of what a Starweb address may be.
    starweb_base_url = forms.CharField(label=_("Starweb API base URL"), max_length=300)

    class Meta:
        model = Connection
        fields = ["starweb_base_url", "starweb_client_id"]
        help_texts = {
            "starweb_base_url": _(
                "For example https://yourshop.starwebserver.se/api/v2 (Starweb admin → Settings → API)."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starweb_base_url"].required = self.fields["starweb_client_id"].required = True
        self.fields["client_secret"] = _secret_field(
            _("Starweb client secret"), self.instance.starweb_client_secret is not None
        )

    def clean_starweb_base_url(self):
        try:
            return base_url.validate(self.cleaned_data["starweb_base_url"])
        except base_url.InvalidBaseUrl as invalid:
            raise forms.ValidationError(str(invalid)) from None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("client_secret") and not credentials.starweb_secret_fits(
            self.instance, data["starweb_base_url"], data["starweb_client_id"]
        ):
            self.add_error(
                "client_secret",
                _("Enter the client secret again: the stored one belongs to the previous address and client id."),
            )
            return data
        probe = Connection(
            pk=self.instance.pk,
            starweb_base_url=data["starweb_base_url"],
            starweb_client_id=data["starweb_client_id"],
            starweb_client_secret=data.get("client_secret") or self.instance.starweb_client_secret,
            starweb_secret_for=self.instance.starweb_secret_for,
        )
        try:
            # A fresh token for exactly what is in the form: a cached one would vouch for a wrong secret.
            shop = StarwebClient(probe, shared_token=False).shop()
        except AuthenticationFailed:
            raise forms.ValidationError(
                _("Starweb refused this client id and secret. Create an API client in Starweb and copy both again."),
                code="refused",
            ) from None
        except AddressNotAllowed:
            raise forms.ValidationError(_("That address points into a private network."), code="private") from None
        except IntegrationError:
            raise forms.ValidationError(
                _("No Starweb shop answered at this address. Check the address and try again."), code="unreachable"
            ) from None
        currency = str(shop.get("baseCurrency") or shop.get("baseCurrencyCode") or "")
        if currency != "SEK":
            raise forms.ValidationError(
                _(
                    "The shop's base currency is %(currency)s. Specter takes SEK only: change the "
                    "shop's base currency in Starweb first."
                )
                % {"currency": currency or "?"},
                code="currency",
            )
        return data

    def save(self, commit=True):
        if self.cleaned_data.get("client_secret"):
            self.instance.starweb_client_secret = self.cleaned_data["client_secret"]
        connection = super().save(commit)
        if commit and (
            self.cleaned_data.get("client_secret") or set(self.changed_data) & set(credentials.STARWEB_IDENTITY)
        ):
            forget_token(connection)  # issued for what was stored before
        return connection


FLOW_EXPLAINED = {
    1: _(
        "Orders with their customers go from Starweb to Specter; products are kept in Starweb and created in Specter."
    ),
    2: _("Orders go to Specter; Specter rules products, stock, prices and order status, which flow back to the shop."),
    3: _("Orders and products go to Specter; stock, prices and order status come back from Specter."),
}


class FlowForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ["flow"]
        widgets = {"flow": forms.RadioSelect}

    def __init__(self, *args, permits: Permits, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["flow"]
        field.required = True
        field.choices = [(value, label) for value, label in Connection.Flow.choices]
        self.permits = permits
        if self.instance.flow is None:  # a default that works: the first flow the package allows
            self.initial["flow"] = next(
                (value for value, _label in Connection.Flow.choices if permits.flow(value)), None
            )
        unlocks = {
            flow: next((p.name for p in Package.objects.filter(is_active=True) if flow in p.flows), None)
            for flow, _label in Connection.Flow.choices
        }
        self.options = [
            {
                "value": value,
                "label": label,
                "explained": FLOW_EXPLAINED[value],
                "allowed": bool(permits.flow(value)),
                "unlocked_by": unlocks[value],
            }
            for value, label in Connection.Flow.choices
        ]

    def clean_flow(self):
        flow = self.cleaned_data["flow"]
        if not self.permits.flow(flow):
            raise forms.ValidationError(_("Your package does not include this flow."))
        return flow


class CustomersForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ["ignore_control_email", "ignore_control_org_no", "force_customer_update"]


USUAL_ARTICLES = {article.field: article.usual for article in SERVICE_ARTICLES if article.usual}


class ExportForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = [
            "document_type",
            "confirmation_from_specter",
            "confirmation_copy_to_admin",
            "zero_row_shipping",
            "zero_row_payment_fee",
            "zero_row_cod",
            "include_custom_fields",
            "discount_per_item_percent",
            "company_in_address_line1",
            *SERVICE_ARTICLE_FIELDS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A connection being set up is offered the service articles' usual names; the pre-flight
        # then checks each against Specter (and offers to create the ones it lacks).
        if self.instance.status == Connection.Status.DRAFT:
            for name, usual in USUAL_ARTICLES.items():
                if not getattr(self.instance, name):
                    self.initial[name] = usual

    # Each service article is held to the one article-number rule by Connection.clean, which the
    # model form runs.


class EventsForm(forms.ModelForm):
    trigger_status_ids = forms.TypedMultipleChoiceField(
        label=_("Order statuses that trigger a transfer"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every status."),
    )
    status_on_transfer_id = forms.TypedChoiceField(
        label=_("Set this status in the shop when the order is in Specter"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Connection
        fields = [
            "export_order",
            "export_product",
            "update_existing_articles",
            "trigger_status_ids",
            "status_on_transfer_id",
        ]

    def __init__(self, *args, statuses: list[dict], permits: Permits, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s["statusId"], name_of(s, "statusId")) for s in statuses]
        self.fields["trigger_status_ids"].choices = choices
        field = self.fields["status_on_transfer_id"]
        field.choices = [("", _("Leave the status as it is")), *choices]
        # Set once the order is in Specter, on any flow: the package alone decides.
        if not permits.package(Capability.ORDER_STATUS):
            field.disabled = True
            field.help_text = _("Order status back to the shop comes with package 200 and up.")


class MethodsForm(forms.Form):
    """One field per shipping and per payment method of the shop, read from the shop itself.

    Nothing is typed from memory: a delivery method's code is the shop's own method id (sent as
    externalDeliveryMethod; the merchant enters it as "Extern nyckel" on the delivery method in
    Specter, specs/specter-api.md §6), and a payment method is chosen from Specter's payment type
    codes by name (§3.1), with our guess from the shop's method preselected."""

    def __init__(self, *args, connection: Connection, shipping: list[dict], payment: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection
        self.shipping, self.payment = [], []
        for method in shipping:
            key = str(method.get("shippingMethodId") or method.get("id"))
            self.fields[f"ship_{key}"] = forms.CharField(
                label=name_of(method, "shippingMethodId"),
                required=False,
                max_length=50,
                initial=connection.delivery_methods.get(key, key),
                help_text=_(
                    "Enter %(key)s as “Extern nyckel” on this delivery method in Specter "
                    "(Inställningar → Leveranssätt)."
                )
                % {"key": connection.delivery_methods.get(key, key)},
            )
            self.shipping.append(f"ship_{key}")
        for method in payment:
            key = str(method.get("paymentMethodId") or method.get("id"))
            stored = connection.payment_methods.get(key, "")
            choices = [
                ("", _("Choose Specter's payment type")),
                *[(code, f"{label} ({code})") for code, label in PAY_TYPES],
            ]
            if stored and stored not in pay_types.CODES:  # entered before the list: kept selectable, never lost
                choices.append((stored, _("%(code)s (entered earlier)") % {"code": stored}))
            self.fields[f"pay_{key}"] = forms.ChoiceField(
                label=name_of(method, "paymentMethodId"),
                required=False,
                choices=choices,
                initial=stored or pay_types.guess(method.get("idCode"), name_of(method, "paymentMethodId")),
            )
            self.payment.append(f"pay_{key}")

    def clean(self):
        data = super().clean()
        for name in self.shipping:
            if any(ch.isspace() for ch in data.get(name) or ""):
                self.add_error(name, _("Specter's external key cannot contain spaces."))
        return data

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
    "partly_delivered": _("Partly delivered in Specter"),
    "delivered": _("Delivered in Specter"),
    "invoiced": _("Invoiced in Specter"),
    "paid": _("Paid in Specter"),
    "cancelled": _("Cancelled in Specter"),
}


ONE_SITE = "site"
STOCK_SITE_CHOICES = [
    ("", _("Specter's default warehouse")),
    (SUM_OF_SITES, _("All warehouses added up")),
    (ONE_SITE, _("One stock site (give its id)")),
]


class StatusRulesForm(forms.Form):
    """Per Specter event: the shop status to set, and whether it mails the customer, carries the
    tracking number and captures the payment. Plus where Specter's stock goes in the shop."""

    def __init__(
        self,
        *args,
        connection: Connection,
        statuses: list[dict],
        locations: list[dict],
        permits: Permits,
        categories=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.connection = connection
        status_choices = [
            ("", _("Leave the status as it is")),
            *[(s["statusId"], name_of(s, "statusId")) for s in statuses],
        ]
        status_back, stock_back = permits.may(Capability.ORDER_STATUS), permits.may(Capability.STOCK)
        self.events = []
        for event in SPECTER_ORDER_EVENTS:
            rule = (connection.status_rules or {}).get(event) or {}
            names = {
                "status": f"{event}_status",
                "email": f"{event}_email",
                "tracking": f"{event}_tracking",
                "capture": f"{event}_capture",
            }
            self.fields[names["status"]] = forms.TypedChoiceField(
                label=EVENT_LABELS[event],
                choices=status_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=rule.get("status_id"),
            )
            self.fields[names["email"]] = forms.BooleanField(
                label=_("e-mail the customer"), required=False, initial=rule.get("email", False)
            )
            self.fields[names["tracking"]] = forms.BooleanField(
                label=_("with the tracking number"), required=False, initial=rule.get("tracking", False)
            )
            self.fields[names["capture"]] = forms.BooleanField(
                label=_("capture the payment"), required=False, initial=rule.get("capture", False)
            )
            if not status_back:
                for name in names.values():
                    self.fields[name].disabled = True
            self.events.append(names)
        self.fields["stock_location_id"] = forms.TypedChoiceField(
            label=_("Specter's stock goes to this stock location in the shop"),
            coerce=int,
            initial=connection.stock_location_id,
            choices=[(loc["stockLocationId"], name_of(loc, "stockLocationId")) for loc in locations] or [(1, "1")],
        )
        self.fields["stock_site_choice"] = forms.ChoiceField(
            label=_("Stock from Specter's warehouse"),
            required=False,
            choices=STOCK_SITE_CHOICES,
            initial=connection.stock_site if connection.stock_site in ("", SUM_OF_SITES) else ONE_SITE,
        )
        self.fields["stock_site_id"] = forms.CharField(
            label=_("Stock site id in Specter"),
            required=False,
            max_length=20,
            help_text=_(
                "With one warehouse, the shop's orders are taken from it too (multishop: each market its own)."
            ),
            initial=connection.stock_site if connection.stock_site.isdigit() else "",
        )
        if not stock_back:
            for name in ("stock_location_id", "stock_site_choice", "stock_site_id"):
                self.fields[name].disabled = True
        # Flow #2 creates the shop's products from Specter's articles: categories follow the products
        # by the one the merchant names here (Specter's legacy API carries no category of its own).
        self.fields["product_category_id"] = forms.TypedChoiceField(
            label=_("Products created from Specter's articles go into this category"),
            coerce=int,
            empty_value=None,
            required=False,
            initial=connection.product_category_id,
            choices=[("", _("No category")), *[(c["categoryId"], name_of(c, "categoryId")) for c in categories]],
            disabled=not permits.may(Capability.PRODUCTS, Direction.TO_STARWEB),
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-check-input"
                if isinstance(field, forms.BooleanField)
                else "form-select"
                if isinstance(field, forms.ChoiceField)
                else "form-control"
            )
        self.help = (
            None
            if status_back
            else _("Order status and stock come back from Specter with flows #2 and #3, from package 200.")
        )

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
        for event in SPECTER_ORDER_EVENTS:
            if data.get(f"{event}_status"):
                rules[event] = {
                    "status_id": data[f"{event}_status"],
                    "email": data[f"{event}_email"],
                    "tracking": data[f"{event}_tracking"],
                    "capture": data[f"{event}_capture"],
                }
        self.connection.status_rules = rules
        self.connection.stock_location_id = data["stock_location_id"]
        warehouse_changed = data["stock_site"] != self.connection.stock_site
        self.connection.stock_site = data["stock_site"]
        if not self.fields["product_category_id"].disabled:
            self.connection.product_category_id = data.get("product_category_id")
        self.connection.save(
            update_fields=["status_rules", "stock_location_id", "stock_site", "product_category_id", "updated_at"]
        )
        if warehouse_changed:  # the figures written so far belong to the old setting
            stock.forget_written(self.connection)
        return self.connection
