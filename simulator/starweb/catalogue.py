"""Simulated Starweb's catalogue: products with variants, stock per location, prices per price
list, price lists, stock locations, and customers (specs/starweb-api.md §4.2–4.3, §5.3–5.5)."""

import json
from datetime import datetime

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from .api import PER_PAGE, _collection, api_view, error
from .models import Product

STOCK_LOCATIONS = [
    {
        "stockLocationId": 1,
        "visibility": "always_show_in_store",
        "sortIndex": 0,
        "ecommerceStockLocation": True,
        "languages": {"data": [{"langCode": "sv", "name": "Huvudlager"}]},
    }
]
CATEGORIES = [
    {
        "categoryId": n,
        "parentId": None,
        "visibility": "visible",
        "sortIndex": n,
        "languages": {"data": [{"langCode": "sv", "name": name}]},
    }
    for n, name in ((1, "Nyheter"), (2, "Kläder"), (3, "Kök"))
]
VARIANT_FIELDS = {
    "sku",
    "externalId",
    "externalIdType",
    "isActive",
    "sortIndex",
    "stockStatusId",
    "stockQuantity",
    "weightInKg",
    "costPrice",
    "ean",
    "mpn",
}
PRODUCT_FIELDS = {
    "externalId",
    "externalIdType",
    "defaultVatRate",
    "visibility",
    "type",
    "priceMode",
    "sortIndex",
    "languages",
    "isBackInStockWatchable",
}


def _body(request):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _variant_out(variant: dict) -> dict:
    out = {"attributeValueLinks": [], **{k: v for k, v in variant.items() if k not in ("stocks", "prices")}}
    out["stockQuantity"] = int(sum(variant.get("stocks", {}).values()))
    out["prices"] = [_price_out(int(pl), p) for pl, p in variant.get("prices", {}).items()]
    return out


def _price_out(pricelist_id: int, price: dict) -> dict:
    out = {"pricelistId": pricelist_id, "priceExVat": price["priceExVat"]}
    if price.get("specialPriceExVat") is not None:
        out["specialPriceExVat"] = price["specialPriceExVat"]
    return out


def _product_out(product: Product, include_variant: bool) -> dict:
    """As Starweb answers: with `include=primaryVariant` (or `variants`) ONE variant is embedded,
    however many the product has; `hasSeveralVariants` says to read the rest from /variants."""
    data = {k: v for k, v in product.data.items() if k != "variants"}
    for relation in ("categories", "languages"):  # stored as lists, answered as Starweb nests them
        if isinstance(data.get(relation), list):
            data[relation] = {"data": data[relation]}
    variants = product.data.get("variants", [])
    data.update(
        productId=product.product_id,
        hasSeveralVariants=len(variants) > 1,
        modifiedAt=product.modified_at.isoformat(timespec="seconds"),
    )
    if include_variant:
        data["variants"] = {"data": [_variant_out(v) for v in variants[:1]]}
    return data


def _includes_variant(request) -> bool:
    return bool({"primaryVariant", "variants"} & set(request.GET.get("include", "").split(",")))


def _find(shop, product_id, variant_id=None):
    product = shop.products.select_for_update().filter(product_id=product_id).first()
    if product is None:
        return None, None
    if variant_id is None:
        return product, None
    variant = next((v for v in product.data.get("variants", []) if v["variantId"] == variant_id), None)
    return product, variant


@csrf_exempt
def products(request, shop):
    return (product_create if request.method == "POST" else product_list)(request, shop)


@api_view("GET /products")
def product_list(request, shop):
    page = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    include = _includes_variant(request)
    rows = shop.products.all()
    since = request.GET.get("updatedSince")
    if since is not None:
        since = _instant(since)
        if since is None:
            return error(400, "invalid_request", "updatedSince is not an ISO-8601 date-time")
        rows = rows.filter(modified_at__gte=since)
    sku = request.GET.get("filterSku")
    if sku is not None:  # exact SKU of any variant (a scan: the simulator's shops are small where this is used)
        rows = [p for p in rows if any(v.get("sku") == sku for v in p.data.get("variants", []))]
    total = len(rows) if sku is not None else rows.count()
    return _collection([_product_out(p, include) for p in rows[(page - 1) * PER_PAGE : page * PER_PAGE]], page, total)


def _instant(value: str):
    """An ISO-8601 time as Starweb takes it ("2019-11-28T13:38:17+01:00"; "Z" too); without an
    offset, the shop's time (Europe/Stockholm). None when it is not a time."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@api_view("POST /products", mutating=True)
def product_create(request, shop):
    body = _body(request)
    if body is None:
        return error(400, "invalid_request", "The body is not a JSON object")
    next_id = (shop.products.order_by("-product_id").values_list("product_id", flat=True).first() or 100) + 1
    data = {k: v for k, v in body.items() if k in PRODUCT_FIELDS}
    data.setdefault("defaultVatRate", "25")
    data["variants"] = []
    product = Product.objects.create(shop=shop, product_id=next_id, data=data)
    return JsonResponse({"data": _product_out(product, True)}, status=201)


@csrf_exempt
def product(request, shop, product_id):
    return (product_patch if request.method in ("PATCH", "PUT") else product_get)(request, shop, product_id=product_id)


@api_view("GET /products/{id}")
def product_get(request, shop, product_id):
    found, _ = _find(shop, product_id)
    return (
        JsonResponse({"data": _product_out(found, _includes_variant(request))})
        if found
        else error(404, "not_found", "No such product")
    )


@api_view("PATCH /products/{id}", mutating=True)
def product_patch(request, shop, product_id):
    found, _ = _find(shop, product_id)
    body = _body(request)
    if found is None:
        return error(404, "not_found", "No such product")
    if body is None:
        return error(400, "invalid_request", "The body is not a JSON object")
    found.data.update({k: v for k, v in body.items() if k in PRODUCT_FIELDS})
    found.save()
    return JsonResponse({"data": _product_out(found, True)})


@api_view("GET /product-categories")
def categories(request, shop):
    return _collection(CATEGORIES, 1)


@api_view("POST /products/{id}/categories", mutating=True)
def category_link(request, shop, product_id):
    found, _ = _find(shop, product_id)
    body = _body(request)
    if found is None:
        return error(404, "not_found", "No such product")
    if body is None or body.get("categoryId") not in {c["categoryId"] for c in CATEGORIES}:
        return error(400, "invalid_request", "categoryId must be one of the shop's categories")
    link = {"categoryId": body["categoryId"], "sortIndex": int(body.get("sortIndex") or 0)}
    found.data["categories"] = [
        c for c in found.data.get("categories", []) if c["categoryId"] != link["categoryId"]
    ] + [link]
    found.save()
    return JsonResponse({"data": link}, status=201)


@csrf_exempt
def variants(request, shop, product_id):
    return (variant_create if request.method == "POST" else variant_list)(request, shop, product_id=product_id)


@api_view("GET /products/{id}/variants")
def variant_list(request, shop, product_id):
    found, _ = _find(shop, product_id)
    if found is None:
        return error(404, "not_found", "No such product")
    page = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    variants = found.data["variants"]
    return _collection(
        [_variant_out(v) for v in variants[(page - 1) * PER_PAGE : page * PER_PAGE]], page, len(variants)
    )


@api_view("POST /products/{id}/variants", mutating=True)
def variant_create(request, shop, product_id):
    found, _ = _find(shop, product_id)
    body = _body(request)
    if found is None:
        return error(404, "not_found", "No such product")
    if body is None or not body.get("sku"):
        return error(400, "invalid_request", "sku is required")
    variant_ids = [v["variantId"] for s in shop.products.all() for v in s.data.get("variants", [])]
    variant = {k: v for k, v in body.items() if k in VARIANT_FIELDS - {"stockQuantity"}}
    variant.update(
        variantId=max(variant_ids, default=0) + 1,
        isActive=body.get("isActive", True),
        stocks={"1": body.get("stockQuantity", 0)},
        prices={},
    )
    found.data["variants"].append(variant)
    found.save()
    return JsonResponse({"data": _variant_out(variant)}, status=201)


@api_view("PATCH /products/{id}/variants/{variantId}", mutating=True)
def variant_patch(request, shop, product_id, variant_id):
    found, variant = _find(shop, product_id, variant_id)
    body = _body(request)
    if variant is None:
        return error(404, "not_found", "No such variant")
    if body is None:
        return error(400, "invalid_request", "The body is not a JSON object")
    variant.update({k: v for k, v in body.items() if k in VARIANT_FIELDS - {"stockQuantity"}})
    found.save()
    return JsonResponse({"data": _variant_out(variant)})


@csrf_exempt
def stock(request, shop, product_id, variant_id, location_id=None):
    if location_id is None:
        return stock_list(request, shop, product_id=product_id, variant_id=variant_id)
    return stock_patch(request, shop, product_id=product_id, variant_id=variant_id, location_id=location_id)


@api_view("GET /products/{id}/variants/{variantId}/stocks")
def stock_list(request, shop, product_id, variant_id):
    _product, variant = _find(shop, product_id, variant_id)
    if variant is None:
        return error(404, "not_found", "No such variant")
    return JsonResponse(
        {"data": [{"stockLocationId": int(loc), "stockQuantity": qty} for loc, qty in variant["stocks"].items()]}
    )


@api_view("PATCH /products/{id}/variants/{variantId}/stocks/{locationId}", mutating=True)
def stock_patch(request, shop, product_id, variant_id, location_id):
    found, variant = _find(shop, product_id, variant_id)
    body = _body(request)
    if variant is None or location_id not in {s["stockLocationId"] for s in STOCK_LOCATIONS}:
        return error(404, "not_found", "No such variant or stock location")
    if body is None or not isinstance(body.get("stockQuantity"), (int, float)):
        return error(400, "invalid_request", "stockQuantity is required")
    variant["stocks"][str(location_id)] = body["stockQuantity"]
    found.save()
    return JsonResponse({"data": {"stockLocationId": location_id, "stockQuantity": body["stockQuantity"]}})


@csrf_exempt
def prices(request, shop, product_id, variant_id, pricelist_id=None):
    if pricelist_id is None:
        return price_list(request, shop, product_id=product_id, variant_id=variant_id)
    return price_put(request, shop, product_id=product_id, variant_id=variant_id, pricelist_id=pricelist_id)


@api_view("GET /products/{id}/variants/{variantId}/prices")
def price_list(request, shop, product_id, variant_id):
    _product, variant = _find(shop, product_id, variant_id)
    if variant is None:
        return error(404, "not_found", "No such variant")
    return JsonResponse({"data": [_price_out(int(pl), p) for pl, p in variant["prices"].items()]})


@api_view("PATCH /products/{id}/variants/{variantId}/prices/{pricelistId}", mutating=True)
def price_put(request, shop, product_id, variant_id, pricelist_id):
    found, variant = _find(shop, product_id, variant_id)
    body = _body(request)
    if variant is None or not shop.pricelists.filter(pricelist_id=pricelist_id).exists():
        return error(404, "not_found", "No such variant or price list")
    if body is None or not isinstance(body.get("priceExVat"), (int, float)):
        return error(400, "invalid_request", "priceExVat is required")
    stored = variant["prices"].setdefault(str(pricelist_id), {})  # keeps the volume prices under it
    stored.update(priceExVat=body["priceExVat"], specialPriceExVat=body.get("specialPriceExVat"))
    found.save()
    return JsonResponse({"data": _price_out(pricelist_id, variant["prices"][str(pricelist_id)])})


# Volume prices hang under a variant's price on a price list (stored there as {"<quantity>": price}):
# without that price there is nothing to hang them on, so the simulator answers 404 (our reading).
VOLUME = "/products/{id}/variants/{variantId}/prices/{pricelistId}/volume"


def _volume_out(pricelist_id: int, quantity, price) -> dict:
    return {"pricelistId": pricelist_id, "quantity": int(quantity), "priceExVat": price}


def _volume_prices(shop, product_id, variant_id, pricelist_id):
    """(product, the price's volume prices) or (None, None) when the variant has no price there."""
    found, variant = _find(shop, product_id, variant_id)
    price = (variant or {}).get("prices", {}).get(str(pricelist_id))
    if price is None:
        return None, None
    return found, price.setdefault("volumePrices", {})


def _volume_body(request, quantity=None):
    """The body's (quantity, priceExVat), or None when they are missing or out of range."""
    body = _body(request)
    if body is None or not isinstance(body.get("priceExVat"), (int, float)) or body["priceExVat"] < 0:
        return None
    if (
        not isinstance(body.get("quantity"), int)
        or body["quantity"] < 2
        or (quantity is not None and body["quantity"] != quantity)
    ):
        return None
    return body["quantity"], body["priceExVat"]


@csrf_exempt
def volume(request, shop, product_id, variant_id, pricelist_id, quantity=None):
    kwargs = {"product_id": product_id, "variant_id": variant_id, "pricelist_id": pricelist_id}
    if quantity is None:
        return (volume_create if request.method == "POST" else volume_list)(request, shop, **kwargs)
    view = {"PUT": volume_put, "PATCH": volume_patch, "DELETE": volume_delete}.get(request.method, volume_get)
    return view(request, shop, quantity=quantity, **kwargs)


@api_view(f"GET {VOLUME}")
def volume_list(request, shop, product_id, variant_id, pricelist_id):
    _product, prices = _volume_prices(shop, product_id, variant_id, pricelist_id)
    if prices is None:
        return error(404, "not_found", "The variant has no price on this price list")
    return JsonResponse(
        {"data": [_volume_out(pricelist_id, q, p) for q, p in sorted(prices.items(), key=lambda i: int(i[0]))]}
    )


@api_view(f"POST {VOLUME}", mutating=True)
def volume_create(request, shop, product_id, variant_id, pricelist_id):
    found, prices = _volume_prices(shop, product_id, variant_id, pricelist_id)
    if prices is None:
        return error(404, "not_found", "The variant has no price on this price list")
    given = _volume_body(request)
    if given is None:
        return error(400, "invalid_request", "quantity (2 or more) and priceExVat are required")
    if str(given[0]) in prices:
        return error(400, "invalid_request", "A volume price for this quantity exists")
    prices[str(given[0])] = given[1]
    found.save()
    return JsonResponse({"data": _volume_out(pricelist_id, *given)}, status=201)


@api_view(f"GET {VOLUME}/{{quantity}}")
def volume_get(request, shop, product_id, variant_id, pricelist_id, quantity):
    _product, prices = _volume_prices(shop, product_id, variant_id, pricelist_id)
    if prices is None or str(quantity) not in prices:
        return error(404, "not_found", "No such volume price")
    return JsonResponse({"data": _volume_out(pricelist_id, quantity, prices[str(quantity)])})


def _volume_write(request, shop, product_id, variant_id, pricelist_id, quantity):
    found, prices = _volume_prices(shop, product_id, variant_id, pricelist_id)
    if prices is None or str(quantity) not in prices:
        return error(404, "not_found", "No such volume price")
    given = _volume_body(request, quantity)
    if given is None:
        return error(400, "invalid_request", "quantity (the one in the path) and priceExVat are required")
    prices[str(quantity)] = given[1]
    found.save()
    return JsonResponse({"data": _volume_out(pricelist_id, *given)})


@api_view(f"PUT {VOLUME}/{{quantity}}", mutating=True)
def volume_put(request, shop, **kwargs):
    return _volume_write(request, shop, **kwargs)


@api_view(f"PATCH {VOLUME}/{{quantity}}", mutating=True)
def volume_patch(request, shop, **kwargs):
    return _volume_write(request, shop, **kwargs)


@api_view(f"DELETE {VOLUME}/{{quantity}}", mutating=True)
def volume_delete(request, shop, product_id, variant_id, pricelist_id, quantity):
    found, prices = _volume_prices(shop, product_id, variant_id, pricelist_id)
    if prices is None or prices.pop(str(quantity), None) is None:
        return error(404, "not_found", "No such volume price")
    found.save()
    return HttpResponse(status=204)


@api_view("GET /pricelists")
def pricelists(request, shop):
    return _collection(
        [
            {
                "pricelistId": p.pricelist_id,
                "name": p.name,
                "currencyCode": p.currency,
                "isMaster": p.is_master,
                "isActive": True,
            }
            for p in shop.pricelists.all()
        ],
        1,
    )


@api_view("GET /stock-locations")
def stock_locations(request, shop):
    return _collection(STOCK_LOCATIONS, 1)


@api_view("GET /customers")
def customers(request, shop):
    page = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    rows = shop.customers.all()
    return _collection(
        [c.data | {"customerId": c.customer_id} for c in rows[(page - 1) * PER_PAGE : page * PER_PAGE]],
        page,
        rows.count(),
    )


@api_view("GET /customers/{id}")
def customer(request, shop, customer_id):
    found = shop.customers.filter(customer_id=customer_id).first()
    return (
        JsonResponse({"data": found.data | {"customerId": found.customer_id}})
        if found
        else error(404, "not_found", "No such customer")
    )
