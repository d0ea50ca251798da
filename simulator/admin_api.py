"""JSON endpoints that drive the simulated systems (tests, the demo and scripts drive them alike).
Installed only with the simulator; no credentials, as Starweb's and Specter's own admin UIs are not ours."""

import json
from decimal import Decimal

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import FaultRule
from .specter import answers, changes
from .specter.models import Account
from .specter.stock import availability
from .starweb.demo import place_order
from .starweb.models import Shop


def _body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def _number(value):
    """A Decimal from a JSON number or string, None when not given, False when unreadable."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        return False
    return number if number.is_finite() and number >= 0 else False


def _text(value) -> str | None:
    return None if value is None else str(value)


@csrf_exempt
@require_POST
def starweb_place_order(request, shop):
    """Place a realistic order; body may give `seed` and fields to override (e.g. "baseCurrencyCode")."""
    body = _body(request)
    order = place_order(get_object_or_404(Shop, slug=shop), seed=body.pop("seed", None), **body)
    return JsonResponse({"orderId": order.order_id, "amountToPay": order.data["amountToPay"]}, status=201)


@csrf_exempt
@require_POST
def fault(request, system, account):
    """Inject a fault: {"kind": ..., "operation": "", "remaining": 1, "status": 503, "retry_after": 1,
    "delay_ms": 0}."""
    body = _body(request)
    if body.get("kind") not in FaultRule.Kind.values or system not in ("starweb", "specter"):
        return JsonResponse({"error": f"kind must be one of {sorted(FaultRule.Kind.values)}"}, status=400)
    fields = {k: body[k] for k in ("operation", "remaining", "status", "retry_after", "delay_ms") if k in body}
    rule = FaultRule.objects.create(system=system, account=account, kind=body["kind"], **fields)
    return JsonResponse({"id": rule.pk}, status=201)


@csrf_exempt
@require_POST
def specter_action(request, smb_id, action):
    """Change simulated Specter: stock, price, article, listprice, deliver, invoice, paid, cancel (see
    simulator/specter/changes.py),
    answers: {"answerForm": "text"|"xml"|"xml_code", "decimalComma": bool, "saysNoItems": bool}.
    article: {"articleNo", and any of "name", "priceExVat", "barCode" ("" removes it), "weightKg", "buyPrice"}.
    listprice: {"priceList": name or id, "articleNo", "priceExVat", "fromQuantity": 1}."""
    account = get_object_or_404(Account, smb_id=smb_id)
    body = _body(request)
    try:
        if action == "stock":  # optional "site": a stock site's id (none: the default warehouse)
            site = str(body.get("site") or "")
            if site and not site.isdigit():
                return JsonResponse({"error": "site must be a stock site's id (digits)"}, status=400)
            article = changes.set_stock(account, body["articleNo"], int(body["stock"]), site)
            return JsonResponse(
                {"articleNo": article.article_no, "stock": article.stock, "sites": availability(account, article)}
            )
        if action == "price":
            article = changes.set_price(account, body["articleNo"], Decimal(str(body["priceExVat"])), body.get("name"))
            return JsonResponse({"articleNo": article.article_no, "priceExVat": str(article.price_ex_vat)})
        if action == "article":
            numbers = {
                field: _number(body.get(key))
                for field, key in (("price_ex_vat", "priceExVat"), ("weight_kg", "weightKg"), ("buy_price", "buyPrice"))
            }
            if any(value is False for value in numbers.values()):
                return JsonResponse({"error": "priceExVat, weightKg and buyPrice must be numbers"}, status=400)
            bar_code = body.get("barCode")
            article = changes.change_article(
                account,
                body["articleNo"],
                name=body.get("name"),
                bar_code=None if bar_code is None else str(bar_code).strip(),
                **numbers,
            )
            return JsonResponse(
                {
                    "articleNo": article.article_no,
                    "name": article.name,
                    "priceExVat": str(article.price_ex_vat),
                    "barCode": article.bar_code,
                    "weightKg": _text(article.weight_kg),
                    "buyPrice": _text(article.buy_price),
                }
            )
        if action == "listprice":
            listed = changes.set_list_price(
                account,
                body["priceList"],
                body["articleNo"],
                Decimal(str(body["priceExVat"])),
                int(body.get("fromQuantity", 1)),
            )
            return JsonResponse(
                {
                    "priceListId": listed.price_list.price_list_id,
                    "articleNo": listed.article_no,
                    "fromQuantity": listed.from_quantity,
                    "priceExVat": str(listed.price_ex_vat),
                }
            )
        if action == "answers":  # how the account answers (simulator/specter/answers.py)
            form = body.get("answerForm", account.answer_form)
            if form not in {value for value, _label in answers.FORMS}:
                return JsonResponse(
                    {"error": "answerForm is one of " + ", ".join(v for v, _l in answers.FORMS)}, status=400
                )
            account.answer_form = form
            account.decimal_comma = bool(body.get("decimalComma", account.decimal_comma))
            account.says_no_items = bool(body.get("saysNoItems", account.says_no_items))
            account.save(update_fields=["answer_form", "decimal_comma", "says_no_items"])
            return JsonResponse(
                {
                    "answerForm": account.answer_form,
                    "decimalComma": account.decimal_comma,
                    "saysNoItems": account.says_no_items,
                    "kind": account.kind,
                }
            )
        order_no = body["orderNo"]
        if action == "deliver":
            # "invoice": true makes the invoice at delivery too, in one change (as Specter can).
            order = changes.deliver(
                account, order_no, body.get("trackingNo", ""), body.get("rows"), invoice=body.get("invoice") is True
            )
        elif action in ("invoice", "paid", "cancel"):
            order = {"invoice": changes.invoice, "paid": changes.mark_paid, "cancel": changes.cancel}[action](
                account, order_no
            )
        else:
            return JsonResponse({"error": "unknown action"}, status=404)
    except changes.DerivedStock as derived:
        return JsonResponse({"error": str(derived)}, status=400)
    except KeyError as missing:
        return JsonResponse({"error": f"{missing} is required"}, status=400)
    except account.articles.model.DoesNotExist:
        return JsonResponse({"error": "no such article"}, status=404)
    except account.price_lists.model.DoesNotExist:
        return JsonResponse({"error": "no such price list"}, status=404)
    except account.orders.model.DoesNotExist:
        return JsonResponse({"error": "no such order"}, status=404)
    return JsonResponse(
        {"orderNo": order.order_no, "statusId": order.data.get("statusId"), "invoiceNo": order.invoice_no}
    )
