"""Simulated Specter: putInfo.asp / getInfo.asp in Specter's wire format (specs/specter-api.md §10).

The simulator is the outside world: it imports none of our apps, so the signature and the row
arithmetic are written here again on purpose, from the spec, not shared with our client.
"""

import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import parse_qsl

from django.db.models import F
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from simulator.faults import simulate

from . import answers, batches, changes
from .models import Account, Article, Customer, Order

ENCODING = "latin-1"
MUTATING = {
    "cleararticlebatch",
    "newcustomersubmit",
    "newordersubmit",
    "newarticlesubmit",
    "newinvoicesubmit",
    "newdeliverysubmit",
    "updatearticlesfrombatch",
    "updatearticleinfosfrombatch",
    "updateordersfrombatch",
    "updatepricelistsfrombatch",
}
VAT_RATES = {Decimal(0), Decimal(6), Decimal(12), Decimal(25)}


def reply(ok: bool, id_or_code: str, message: str, carried: str | None = None) -> HttpResponse:
    """An envelope, as text; `endpoint` renders it in the account's answer form (answers.py)."""
    response = answers.envelope(None, ok, id_or_code, message, carried)
    response.envelope = (ok, id_or_code, message, carried)
    return response


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(ENCODING, "replace")).hexdigest()


def _expected_key(account: Account, subject: str) -> str:
    inner = _md5(account.md5key + account.smb_id + subject)
    return _md5(account.md5key2 + inner) if account.md5key2 else inner


def _subject(action: str, p: dict) -> str:
    if action == "newcustomersubmit":
        name = p.get("name", "") if p.get("customerorganizationalform") == "C" else ""
        name = name or f"{p.get('firstname', '')} {p.get('surname', '')}"
        return re.sub(r"\s+", " ", name).strip()
    keys = {
        "newordersubmit": "customerid",
        "newarticlesubmit": "articleno_1",
        "newinvoicesubmit": "orderid",
        "newdeliverysubmit": "orderid",
        "checkaccountsettings": "date",
        "getorderbyexternalorderno": "externalorderno",
        "getarticlelistexternal": "page",
        "getpricelistsexternal": "date",
    }  # the last two are invented (assumed calls)
    return p.get(keys.get(action, "batchno"), "")


def _params(request) -> dict[str, str]:
    """Query string and form body merged, names case-insensitive (classic ASP), Latin-1.

    Parsed here, not by Django, which accepts only UTF-8 form bodies."""
    merged = {}
    for raw in (request.META.get("QUERY_STRING", ""), request.body.decode("ascii", "replace")):
        merged.update({k.lower(): v for k, v in parse_qsl(raw, keep_blank_values=True, encoding=ENCODING)})
    return merged


@csrf_exempt
def endpoint(request, page):
    params = _params(request)
    action = params.get("action", "").lower()
    smb_id = params.get("sbmid") or params.get("smbid", "")
    summary = {
        "action": action,
        "externalOrderNo": params.get("externalorderno", ""),
        "customerId": params.get("customerid", ""),
    }

    found = {}

    def handle():
        account = found["account"] = Account.objects.filter(smb_id=smb_id).first()
        if account is None:
            return reply(False, "1", "unknown sbmId")
        if account.kind == "v2" and params.get("apiuserid", "") != account.api_user_id:
            return reply(False, "1", "unknown apiUserId")  # v2: the ApiUserId comes with every request (§2.3)
        if params.get("key", "").lower() != _expected_key(account, _subject(action, params)):
            return reply(False, "2", "bad key")
        handler = HANDLERS.get(action)
        if handler is None:
            return reply(False, "3", f"unknown action {action}")
        return handler(account, params)

    def in_the_accounts_form():
        response = handle()
        if hasattr(response, "envelope"):  # every envelope answers in the account's form
            return answers.envelope(found.get("account"), *response.envelope)
        return response

    return simulate(
        request,
        system="specter",
        account=smb_id,
        operation=action,
        mutating=action in MUTATING,
        handler=in_the_accounts_form,
        summary={k: v for k, v in summary.items() if v},
    )


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits[-10:] if len(digits) == 12 else digits  # personnummer with century = without it


def new_customer(account: Account, p: dict) -> HttpResponse:
    """Matching per domain.md: e-mail first, then org.nr/personnummer; each check can be switched off;
    both off = always a new customer. forceCustomerUpdate=1 writes the new data onto a match."""
    company = p.get("customerorganizationalform") == "C"
    name = (p.get("name") if company else f"{p.get('firstname', '')} {p.get('surname', '')}".strip()) or ""
    email = p.get("emailaddress", "").strip().lower()
    if not name or not email:
        return reply(False, "3", "name and emailAddress are required")
    org = _digits(p.get("orgno", ""))
    ignore_email, ignore_org = p.get("ignorecontrolemail") == "1", p.get("ignorecontrolorgno") == "1"
    match = None
    if not ignore_email:
        match = account.customers.filter(email=email).first()
    if match is None and not ignore_org and org:
        match = account.customers.filter(org_no=org).first()
    data = {k: v for k, v in p.items() if k not in ("key", "action", "sbmid", "smbid", "apiuserid", "usexml")}
    if match is not None:
        if p.get("forcecustomerupdate") == "1":
            match.name, match.data, match.updates = name, data, match.updates + 1
            match.email, match.org_no = email, org or match.org_no
            match.save()
        return reply(True, match.customer_no, "matched")
    customer = Customer.objects.create(
        account=account, customer_no=account.take_number(), email=email, org_no=org, name=name, data=data
    )
    return reply(True, customer.customer_no, "created")


def row_total(price: Decimal, quantity: Decimal, vat: Decimal) -> Decimal:
    # Our assumption of Specter's arithmetic (connections/specter/arithmetic.py says the same).
    return (quantity * price * (1 + vat / 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rows(p: dict) -> list[dict]:
    rows, n = [], 1
    while f"articleno_{n}" in p:
        rows.append(
            {
                "articleNo": p[f"articleno_{n}"],
                "name": p.get(f"articlename_{n}", ""),
                "price": p.get(f"priceexclvat_{n}", "0"),
                "quantity": p.get(f"noofitems_{n}", "1"),
                "vat": p.get(f"vatpercent_{n}", "25"),
                "comment": p.get(f"articlecomment_{n}", ""),
            }
        )
        n += 1
    return rows


def new_order(account: Account, p: dict) -> HttpResponse:
    # Orders of one account are created one at a time (as an ERP's numbering and unique
    # externalOrderNo would force), so two concurrent creates of one order cannot both pass the check.
    Account.objects.select_for_update().get(pk=account.pk)
    if p.get("webshopid") and account.kind != "v2":  # §1, §2.2: multishop needs API v2
        return reply(False, "3", "webshopId (multishop) needs API v2 credentials")
    if not account.customers.filter(customer_no=p.get("customerid", "")).exists():
        return reply(False, "5", "unknown customer")
    external = p.get("externalorderno", "")
    if external and p.get("ignoreexternalordernocontrol") != "1":
        existing = account.orders.filter(external_order_no=external).first()
        if existing is not None:  # §10.4: refused, with the existing order's number
            return reply(False, "6", "duplicate externalOrderNo", carried=existing.order_no)
    rows = _rows(p)
    if not rows:
        return reply(False, "3", "an order needs rows")
    total = Decimal("0")
    articles = {a.article_no: a for a in account.articles.filter(article_no__in=[r["articleNo"] for r in rows])}
    unknown = list(dict.fromkeys(r["articleNo"] for r in rows if r["articleNo"] not in articles))
    if unknown and account.unknown_articles != Account.ACCEPT:
        return reply(False, "4", f"unknown article {unknown[0]}")
    for row in rows:
        try:
            price, quantity, vat = Decimal(row["price"]), Decimal(row["quantity"]), Decimal(row["vat"])
        except InvalidOperation:
            return reply(False, "3", "a row has a number that is not a number")
        if vat not in VAT_RATES:
            return reply(False, "3", f"vatPercent {row['vat']} is not a Swedish rate")
        total += row_total(price, quantity, vat)
    for row in rows:  # stock falls; a SET article lowers its components instead; a free row has none
        if row["articleNo"] in articles:
            _lower_stock(account, articles[row["articleNo"]], Decimal(row["quantity"]), p.get("stocksiteid") or "1")
    order = Order.objects.create(
        account=account,
        order_no=account.take_number(),
        external_order_no=external,
        customer_no=p["customerid"],
        rows=rows,
        total=total,
        data={k: v for k, v in p.items() if k not in ("key",) and not re.search(r"_\d+$", k)},
    )
    # Taken with free rows for what the account lacks, saying so (connections/specter/assumptions.py).
    return reply(True, order.order_no, f"OK, unknown articles: {', '.join(unknown)}" if unknown else "OK")


def _lower_stock(account: Account, article: Article, quantity: Decimal, site: str = "1") -> None:
    """Stock falls at the order's warehouse (`stocksiteid`; empty: the default one, "1")."""
    if article.is_service:
        return
    if article.components:
        for component_no, per_set in article.components:
            component = account.articles.filter(article_no=component_no).first()
            if component is not None:
                _lower_stock(account, component, quantity * Decimal(str(per_set)), site)
        return
    if site == "1":
        Article.objects.filter(pk=article.pk).update(stock=F("stock") - int(quantity))
        article.refresh_from_db(fields=["stock"])
    else:
        locked = Article.objects.select_for_update().get(pk=article.pk)
        locked.other_sites = {**locked.other_sites, site: int(locked.other_sites.get(site, 0)) - int(quantity)}
        locked.save(update_fields=["other_sites"])
        article.refresh_from_db(fields=["other_sites"])
    changes.stock_changed(article)  # Specter reports its new stock back at once (§6 "Stock effect")


def find_order(account: Account, p: dict) -> HttpResponse:
    order = account.orders.filter(external_order_no=p.get("externalorderno", "")).first()
    return reply(True, order.order_no, "found") if order else reply(False, "7", "not found", carried="")


def check_account(account: Account, p: dict) -> HttpResponse:
    callbacks = {k: v for k, v in p.items() if k.startswith("action") and k != "action"}
    if callbacks:  # an empty URL unregisters (connections/specter/assumptions.py)
        account.callbacks = {k: v for k, v in {**account.callbacks, **callbacks}.items() if v}
        account.save(update_fields=["callbacks"])
    return reply(True, "", "callbacks set" if callbacks else "OK")


def new_articles(account: Account, p: dict) -> HttpResponse:
    n, force = 1, p.get("forcearticleupdate") == "1"
    while f"articleno_{n}" in p:
        article_no = p[f"articleno_{n}"]
        values = {
            "name": p.get(f"name_{n}", article_no),
            "price_ex_vat": Decimal(p.get(f"priceexclvat_{n}", "0") or "0"),
            "vat_percent": Decimal(p.get(f"vatpercent_{n}", "25") or "25"),
        }
        article, created = Article.objects.get_or_create(account=account, article_no=article_no, defaults=values)
        if created and p.get(f"createarticlestock_{n}") == "1":
            article.stock = int(Decimal(p.get(f"noitemsinstock_{n}", "0") or "0"))
            article.save(update_fields=["stock"])
        elif not created and force:
            Article.objects.filter(pk=article.pk).update(**values)
        n += 1
    return reply(True, str(n - 1), "OK")


def new_invoice(account: Account, p: dict) -> HttpResponse:
    order = account.orders.filter(order_no=p.get("orderid", "")).first()
    if order is None:
        return reply(False, "7", "unknown order")
    if not order.invoice_no:
        order.invoice_no = account.take_number()
        order.save(update_fields=["invoice_no"])
    return reply(True, order.invoice_no, "OK")


HANDLERS = {
    **{action: (batches.pull if action.startswith("get") else batches.ack) for action in batches.QUEUES},
    "newcustomersubmit": new_customer,
    "newordersubmit": new_order,
    "getorderbyexternalorderno": find_order,
    "checkaccountsettings": check_account,
    "newarticlesubmit": new_articles,
    "newinvoicesubmit": new_invoice,
    "newdeliverysubmit": lambda account, p: _deliver(account, p),  # defined below
    "getarticlelistexternal": batches.article_list,
    "getpricelistsexternal": batches.price_lists,
    "cleararticlebatch": batches.clear_stock,
}


def _deliver(account: Account, p: dict) -> HttpResponse:
    order = account.orders.filter(order_no=p.get("orderid", "")).first()
    if order is None:
        return reply(False, "7", "unknown order")
    rows, n = {}, 1
    while f"articleno_{n}" in p:
        rows[p[f"articleno_{n}"]] = int(Decimal(p.get(f"noofitems_{n}", "0") or "0"))
        n += 1
    changes.deliver(account, order.order_no, rows=rows or None)
    return reply(True, order.order_no, "OK")
