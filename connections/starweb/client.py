"""A client for Starweb Shop API v2 (specs/starweb-api.md, specs/starweb-openapi-2.12.json).

The token comes from client credentials, is cached per connection in the database (encrypted) so
every worker shares it, is renewed a minute before it expires, and is renewed and retried exactly
once when Starweb answers 401 invalid_token. A cached token is used only for the exact address,
client id and secret it was issued for (credentials.starweb_fingerprint): change any of them and
it is dropped. Every request is counted by the throttle first.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from .. import http
from ..credentials import starweb_fingerprint, starweb_secret_fits
from ..errors import AuthenticationFailed, Permanent, Retryable, UnknownOutcome
from ..models import Connection, StarwebToken
from . import throttle
from .paging import each_page
from .types import StarwebOrder

SYSTEM = "starweb"
ORDER_INCLUDE = "items,addresses,customer"


# This process's copy of each connection's token, as (fingerprint, token, expires) (the database
# row is shared by all processes): saves a query per request. A refused token is renewed past it,
# so a stale copy costs one 401.
_tokens: dict = {}


def forget_token(connection: Connection) -> None:
    """Drop the connection's cached token (its address, client id or secret changed)."""
    StarwebToken.objects.filter(connection=connection).delete()
    _tokens.pop(connection.pk, None)


class NotFound(Permanent):
    """404: the order (or other resource) does not exist in the shop."""


# The product with its primary variant (the only one Starweb embeds), that variant's prices, names.
PRODUCT_INCLUDE = "primaryVariant,primaryVariant.prices,languages"


class StarwebClient:
    """`shared_token=False` (the live check of credentials being entered) takes a fresh token for
    exactly the credentials given and neither reads nor writes the shared cache."""

    def __init__(self, connection: Connection, session=None, *, shared_token: bool = True):
        self.connection = connection
        self.base_url = connection.starweb_base_url.rstrip("/")
        self.session = session or http.new_session()
        self.shared_token = shared_token
        self._own_token = None  # (fingerprint, token, expires) when not shared
        self._master_pricelist = None

    # -- reads ------------------------------------------------------------------------------------

    def shop(self) -> dict:
        return self._get("/shop")["data"]

    def order_statuses(self) -> list[dict]:
        return self._get("/order-statuses")["data"]

    def shipping_methods(self) -> list[dict]:
        return self._get("/shipping-methods")["data"]

    def payment_methods(self) -> list[dict]:
        return self._get("/payment-methods")["data"]

    def order(self, order_id) -> StarwebOrder:
        """The order with its items, addresses and customer. Raises NotFound, ParseError."""
        return StarwebOrder.parse(self._get(f"/orders/{order_id}", {"include": ORDER_INCLUDE})["data"])

    def orders(self, *, created_after: datetime | None = None, status_ids=(), sort_by_modified=True):
        """Yield raw orders page by page (meta.pagination), oldest change first."""
        params = {"include": ORDER_INCLUDE}
        if created_after:
            params["ordersCreatedAfter"] = created_after.isoformat(timespec="seconds")
        if status_ids:
            params["statusFilter"] = ",".join(str(s) for s in status_ids)
        if sort_by_modified:
            params.update(sortBy="modifiedAt", sortOrder="asc")
        return self.pages("/orders", params)

    def web_hooks(self) -> list[dict]:
        return self._get("/web-hooks")["data"]

    def pages(self, path: str, params: dict | None = None):
        """Yield the rows of a paginated list, page by page (meta.pagination), never all at once."""
        for rows, _total in each_page(lambda number: self.page(path, number, params)):
            yield from rows

    def page(self, path: str, page: int, params: dict | None = None) -> tuple[list[dict], int, int]:
        """One page of a list: (rows, total rows, total pages)."""
        answer = self._get(path, {**(params or {}), "page": page})
        pagination = (answer.get("meta") or {}).get("pagination") or {}
        return answer.get("data") or [], int(pagination.get("total") or 0), int(pagination.get("total_pages") or 1)

    def products(self):
        """Every product with all its variants, page by page."""
        for rows, _total in each_page(self.product_page):
            yield from rows

    def product_page(self, page: int, params: dict | None = None) -> tuple[list[dict], int, int]:
        """One page of products, each with ALL its variants under "variants" (see with_variants)."""
        rows, total, last_page = self.page("/products", page, {**(params or {}), "include": PRODUCT_INCLUDE})
        return [self.with_variants(row) for row in rows], total, last_page

    def product(self, product_id) -> dict:
        return self.with_variants(self._get(f"/products/{product_id}", {"include": PRODUCT_INCLUDE})["data"])

    def products_with_sku(self, sku: str) -> list[dict]:
        """The products having a variant with exactly this SKU (Starweb's filterSku), with variants."""
        rows = self._get("/products", {"filterSku": sku, "include": PRODUCT_INCLUDE}).get("data") or []
        return [self.with_variants(row) for row in rows]

    def with_variants(self, product: dict) -> dict:
        """Starweb embeds one variant in a product, however many it has (specs/starweb-api.md §5.4);
        a product with several gets the rest from /products/{id}/variants (one more request)."""
        if product.get("hasSeveralVariants"):
            variants = list(self.pages(f"/products/{product['productId']}/variants", {"include": "prices"}))
            return {**product, "variants": {"data": variants}}
        if "variants" not in product and isinstance(product.get("primaryVariant"), dict):  # read it either way
            primary = product["primaryVariant"].get("data", product["primaryVariant"])
            return {**product, "variants": {"data": [primary]}}
        return product

    def categories(self):
        """The shop's product categories, page by page, with their names."""
        return self.pages("/product-categories", {"include": "languages"})

    def customer(self, customer_id) -> dict:
        return self._get(f"/customers/{customer_id}")["data"]

    def pricelists(self) -> list[dict]:
        return self._get("/pricelists")["data"]

    def master_pricelist_id(self) -> int:
        """The shop's master price list (pricelist 1 by Starweb's default), read once per client."""
        if self._master_pricelist is None:
            self._master_pricelist = next((p["pricelistId"] for p in self.pricelists() if p.get("isMaster")), 1)
        return self._master_pricelist

    def stock_locations(self) -> list[dict]:
        return self._get("/stock-locations")["data"]

    def stocks(self, product_id, variant_id) -> list[dict]:
        return self._get(f"/products/{product_id}/variants/{variant_id}/stocks")["data"]

    def prices(self, product_id, variant_id) -> list[dict]:
        return self._get(f"/products/{product_id}/variants/{variant_id}/prices")["data"]

    def volume_prices(self, product_id, variant_id, pricelist_id: int) -> list[dict]:
        """The variant's quantity-break prices on a price list. Raises NotFound when it has no price there."""
        return self._get(f"/products/{product_id}/variants/{variant_id}/prices/{pricelist_id}/volume")["data"]

    # -- writes -----------------------------------------------------------------------------------

    def set_external_id(self, order_id, specter_order_no: str) -> None:
        """Write Specter's order number back onto the order ("external order number")."""
        self._send("PATCH", f"/orders/{order_id}", {"externalId": specter_order_no, "externalIdType": "Specter"})

    def set_status(
        self, order_id, status_id: int, *, send_email: bool, process_payment: bool, tracking_no: str = ""
    ) -> None:
        """Change the order's status. Both flags are required: a status change can mail the customer
        and capture or cancel a payment, so the caller always decides (specs/starweb-api.md §5.1)."""
        body = {
            "statusId": status_id,
            "onOrderStatusChangeSendEmail": send_email,
            "onOrderStatusChangeProcessPayment": process_payment,
        }
        if tracking_no:
            body["shippingTrackingNo"] = tracking_no
        self._send("PATCH", f"/orders/{order_id}", body)

    def create_web_hook(self, event: str, url: str, *, name: str, status_id: int | None = None) -> int:
        body = {"name": name, "event": event, "url": url}
        if status_id is not None:
            body["statusId"] = status_id
        return int(self._send("POST", "/web-hooks", body)["data"]["webHookId"])

    def create_product(self, body: dict) -> dict:
        return self._send("POST", "/products", body)["data"]

    def update_product(self, product_id, body: dict) -> dict:
        return self._send("PATCH", f"/products/{product_id}", body)["data"]

    def add_to_category(self, product_id, category_id: int) -> None:
        self._send("POST", f"/products/{product_id}/categories", {"categoryId": int(category_id)})

    def create_variant(self, product_id, body: dict) -> dict:
        """Add a variant; `attributeValueLinks` (required by the API) defaults to none."""
        return self._send("POST", f"/products/{product_id}/variants", {"attributeValueLinks": [], **body})["data"]

    def update_variant(self, product_id, variant_id, body: dict) -> dict:
        return self._send("PATCH", f"/products/{product_id}/variants/{variant_id}", body)["data"]

    def set_stock(self, product_id, variant_id, stock_location_id: int, quantity: int) -> None:
        """Set one location's stock. stockStatusId is left out so the shop's own stock rules apply."""
        self._send(
            "PATCH",
            f"/products/{product_id}/variants/{variant_id}/stocks/{stock_location_id}",
            {"stockQuantity": quantity},
        )

    def set_price(self, product_id, variant_id, pricelist_id: int, price_ex_vat, special_price_ex_vat=None) -> None:
        body = {
            "pricelistId": int(pricelist_id),
            "priceExVat": float(price_ex_vat),
        }  # the API requires pricelistId here too
        if special_price_ex_vat is not None:
            body["specialPriceExVat"] = float(special_price_ex_vat)
        self._send("PATCH", f"/products/{product_id}/variants/{variant_id}/prices/{pricelist_id}", body)

    def set_volume_price(self, product_id, variant_id, pricelist_id: int, quantity: int, price_ex_vat) -> None:
        """Set the variant's price on a price list from `quantity` (2 or more) up: the existing one is
        replaced, a new one created. Raises NotFound when the variant has no price on that list
        (a volume price hangs under it)."""
        path = f"/products/{product_id}/variants/{variant_id}/prices/{pricelist_id}/volume"
        body = {"pricelistId": int(pricelist_id), "quantity": int(quantity), "priceExVat": float(price_ex_vat)}
        try:
            self._send("PUT", f"{path}/{int(quantity)}", body)
        except NotFound:  # no volume price at this quantity yet (or no price at all: POST says so)
            self._send("POST", path, body)

    def delete_web_hook(self, hook_id: int) -> None:
        try:
            self._send("DELETE", f"/web-hooks/{hook_id}", None)
        except NotFound:
            pass  # already gone: what we wanted

    # -- the token ----------------------------------------------------------------------------------

    def _token(self, *, renew: bool = False) -> str:
        secret = self.connection.starweb_client_secret
        if secret is None:
            raise AuthenticationFailed("starweb: no client secret is set", system=SYSTEM)
        if not starweb_secret_fits(self.connection):
            raise AuthenticationFailed(
                "starweb: the client secret was entered for another address or client id; enter it again", system=SYSTEM
            )
        fingerprint = starweb_fingerprint(self.base_url, self.connection.starweb_client_id, secret.reveal())
        fresh_enough = timezone.now() + timedelta(seconds=60)
        if not renew:
            memo = self._own_token if not self.shared_token else _tokens.get(self.connection.pk)
            if memo and memo[0] == fingerprint and memo[2] > fresh_enough:
                return memo[1]
            if self.shared_token:
                cached = StarwebToken.objects.filter(
                    connection=self.connection, fingerprint=fingerprint, expires_at__gt=fresh_enough
                ).first()
                if cached:
                    _tokens[self.connection.pk] = (fingerprint, cached.access_token.reveal(), cached.expires_at)
                    return _tokens[self.connection.pk][1]
        token, expires = self._new_token(secret.reveal())
        if self.shared_token:
            StarwebToken.objects.update_or_create(
                connection=self.connection,
                defaults={"access_token": token, "expires_at": expires, "fingerprint": fingerprint},
            )
            _tokens[self.connection.pk] = (fingerprint, token, expires)
        else:
            self._own_token = (fingerprint, token, expires)
        return token

    def _new_token(self, secret: str) -> tuple[str, datetime]:
        """A new token for the client id and `secret`, from this client's address: (token, expires)."""
        throttle.take(self.connection.pk)
        response = http.send(
            self.session,
            "POST",
            f"{self.base_url}/token",
            system=SYSTEM,
            mutating=False,
            secrets=(secret,),
            data={
                "grant_type": "client_credentials",
                "client_id": self.connection.starweb_client_id,
                "client_secret": secret,
            },
        )
        if response.status_code in (400, 401) and _json(response, {}).get("error") in (
            "invalid_client",
            "unauthorized_client",
            "invalid_grant",
        ):
            raise AuthenticationFailed(
                "starweb: the client id or secret was refused", system=SYSTEM, status=response.status_code
            )
        if response.status_code == 404:
            raise Permanent("starweb: no shop answers at this API address", system=SYSTEM, status=404)
        http.raise_for_status(response, system=SYSTEM, mutating=False)
        data = _json(response, None)
        if not isinstance(data, dict) or not data.get("access_token"):
            raise Retryable("starweb: the token answer had no token", system=SYSTEM, status=response.status_code)
        return data["access_token"], timezone.now() + timedelta(seconds=int(data.get("expires_in") or 3600))

    # -- the wire ------------------------------------------------------------------------------------

    def _get(self, path: str, params: dict | None = None) -> dict:
        return self._request("GET", path, params=params, body=None, mutating=False)

    def _send(self, method: str, path: str, body) -> dict:
        return self._request(method, path, params=None, body=body, mutating=True)

    def _request(self, method, path, *, params, body, mutating):
        response = None
        for renew in (False, True):
            token = self._token(renew=renew)
            throttle.take(self.connection.pk)
            response = http.send(
                self.session,
                method,
                f"{self.base_url}{path}",
                system=SYSTEM,
                mutating=mutating,
                secrets=(token,),
                params=params,
                json=body,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
            if response.status_code != 401:
                break
        if response.status_code == 401:
            raise AuthenticationFailed(
                "starweb: the access token was refused after renewing it", system=SYSTEM, status=401
            )
        if response.status_code == 404:
            raise NotFound(f"starweb: {method} {path} not found", system=SYSTEM, status=404)
        if response.status_code == 400:
            detail = str(_json(response, {}).get("error_description", ""))[:200]
            raise Permanent(f"starweb: {method} {path} refused: {detail}", system=SYSTEM, status=400)
        http.raise_for_status(response, system=SYSTEM, mutating=mutating)
        if response.status_code == 204:
            return {}
        data = _json(response, None)
        if not isinstance(data, dict):
            kind = UnknownOutcome if mutating else Retryable
            raise kind(
                f"starweb: {method} {path} answered with something that is not JSON",
                system=SYSTEM,
                status=response.status_code,
            )
        return data


def _json(response, default):
    try:
        return response.json()
    except ValueError:
        return default
