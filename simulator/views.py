"""The staff's window on the simulated outside world: both systems' state, and a button that places
a realistic order in a simulated shop (the demo drives the simulator as the tests do)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import CallLog
from .specter import changes
from .specter.models import Account
from .starweb.demo import place_order as place
from .starweb.models import Shop


@staff_member_required
def index(request):
    shops = [(shop, shop.orders.order_by("-order_id")[:15]) for shop in Shop.objects.order_by("slug")]
    accounts = [
        (
            account,
            account.orders.order_by("-id")[:15],
            account.articles.filter(is_service=False),
            account.customers.count(),
        )
        for account in Account.objects.order_by("smb_id")
    ]
    return render(
        request,
        "simulator/index.html",
        {
            "shops": shops,
            "accounts": accounts,
            "calls": CallLog.objects.order_by("-id")[:25],
        },
    )


@staff_member_required
@require_POST
def place_order(request, shop):
    found = get_object_or_404(Shop, slug=shop)
    order = place(found)
    messages.success(request, f"Order {order.order_id} placed in {found.name} ({order.data['amountToPay']:.2f} kr).")
    return redirect("sim_index")


@staff_member_required
@require_POST
def specter_action(request, smb_id, action):
    """The page's buttons: deliver (with a tracking number), invoice, paid, cancel, set stock and set a list price."""
    account = get_object_or_404(Account, smb_id=smb_id)
    if action == "stock":
        try:
            changes.set_stock(account, request.POST["articleNo"], int(request.POST.get("stock") or 0))
        except changes.DerivedStock as derived:
            messages.error(request, str(derived))
        else:
            messages.success(request, f"Stock of {request.POST['articleNo']} set.")
        return redirect("sim_index")
    if action == "listprice":
        listed = changes.set_list_price(
            account,
            request.POST["priceList"],
            request.POST["articleNo"],
            Decimal(request.POST.get("priceExVat") or "0"),
            int(request.POST.get("fromQuantity") or 1),
        )
        messages.success(
            request,
            f"{listed.article_no} on {listed.price_list.name} from {listed.from_quantity}: {listed.price_ex_vat} set.",
        )
        return redirect("sim_index")
    order_no = request.POST.get("orderNo", "")
    act = {
        "deliver": lambda: changes.deliver(account, order_no, request.POST.get("trackingNo", "")),
        "invoice": lambda: changes.invoice(account, order_no),
        "paid": lambda: changes.mark_paid(account, order_no),
        "cancel": lambda: changes.cancel(account, order_no),
    }.get(action)
    if act is None:
        return redirect("sim_index")
    act()
    messages.success(request, f"Specter order {order_no}: {action} done.")
    return redirect("sim_index")
