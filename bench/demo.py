"""The demo world of `make run`: merchants, users of every role, a connection wired to the simulator.

Idempotent: running it again keeps every row and resets nothing a person changed, except that the
demo users' passwords are set back to the ones printed, so the printed logins always work.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from billing.models import HourPurchase, Membership, Merchant, Package, Subscription
from billing.roles import BILLING_ADMINS, INTEGRATION_STAFF
from connections.models import Connection
from syncflows.models import WebhookEndpoint
from syncflows.webhooks import SUBSCRIBED_EVENTS, webhook_url


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str  # shown in the banner


OWNER = DemoUser("agare@demobutiken.se", "demo-agare-2026", "merchant owner (Demobutiken AB)")
OTHER_OWNER = DemoUser("agare@annanhandel.se", "demo-annan-2026", "merchant owner (Annan Handel AB)")
STAFF = DemoUser("personal@integrator.local", "demo-personal-2026", "integration staff")
BILLING = DemoUser("fakturering@integrator.local", "demo-faktura-2026", "billing admin")
DEMO_USERS = [OWNER, STAFF, BILLING, OTHER_OWNER]

DEMO_MERCHANT = "Demobutiken AB"

# Order settings that fit the demo shop's methods and the simulated Specter account's service
# articles (simulator/starweb/demo.py, simulator/specter/demo.py). Tests wire their shops the same way.
DEMO_ORDER_SETTINGS = {
    "status": Connection.Status.ACTIVE,
    "flow": Connection.Flow.ERP,
    # Flow #2: Specter rules stock, prices and order status, which come back to the shop (package 200;
    # price lists from 400, the demo merchant's package).
    "status_rules": {
        "delivered": {"status_id": 3, "email": True, "tracking": True, "capture": False},
        "cancelled": {"status_id": 4, "email": True, "tracking": False, "capture": False},
    },
    "export_order": Connection.OrderExport.REGISTERED,
    "gift_card_article": "PRESENTKORT",
    "discount_article": "RABATT",
    "payment_fee_article": "AVGIFT",
    "shipping_article": "FRAKT",
    "cod_article": "POSTFORSKOTT",
    "delivery_methods": {"1": "PN", "2": "DHL", "3": "BUTIK"},
    "payment_methods": {"1": "K", "2": "I", "3": "P", "4": "SW"},
    "status_on_transfer_id": 2,  # "Plockas": the shop sees the order is in Specter (package 200+)
}


def wire_callbacks(connection: Connection, smb_id: str, base_url: str) -> None:
    """Register our callback URLs in a simulated Specter account (activation does it through
    checkAccountSettings for a real one)."""
    from simulator.specter.models import Account
    from syncflows.callbacks import callback_urls

    endpoint, _ = WebhookEndpoint.objects.get_or_create(connection=connection)
    urls = {action.lower(): url for action, url in callback_urls(endpoint, base_url.rstrip("/")).items()}
    Account.objects.filter(smb_id=smb_id).update(callbacks=urls)


def wire_webhooks(connection: Connection, shop_slug: str, base_url: str) -> str:
    """Register our webhook URL for the connection in a simulated shop (what activation does
    through Starweb's API for a real shop). Returns the URL."""
    from simulator.starweb.models import Shop, WebHook

    endpoint, _ = WebhookEndpoint.objects.get_or_create(connection=connection)
    url = webhook_url(endpoint, base_url)
    shop = Shop.objects.get(slug=shop_slug)
    # Our hooks registered under another address (an earlier run on another port) would post nowhere.
    path = url.split("/hooks/", 1)[1]
    WebHook.objects.filter(shop=shop, url__endswith=path).exclude(url=url).delete()
    for event in SUBSCRIBED_EVENTS:
        WebHook.objects.get_or_create(shop=shop, event=event, url=url, defaults={"name": f"integrator {event}"})
    return url


def _user(demo: DemoUser, **flags):
    user, _created = get_user_model().objects.get_or_create(username=demo.username, defaults={"email": demo.username})
    for name, value in flags.items():
        setattr(user, name, value)
    user.set_password(demo.password)
    user.save()
    return user


def _merchant(name: str, org_number: str, owner, package_code: str, start: date) -> Merchant:
    merchant, _created = Merchant.objects.get_or_create(
        name=name, defaults={"org_number": org_number, "contact_email": owner.email}
    )
    Membership.objects.get_or_create(user=owner, merchant=merchant, defaults={"role": Membership.Role.OWNER})
    if not merchant.subscriptions.exists():
        package = Package.objects.get(code=package_code)
        Subscription.objects.create(merchant=merchant, package=package, start_date=start)
        HourPurchase.objects.create(
            merchant=merchant,
            kind=HourPurchase.Kind.START_PACKAGE,
            hours=package.start_package_hours,
            price=package.installation_fee,
            purchased_on=start,
        )
    return merchant


@transaction.atomic
def seed() -> Merchant:
    """Create (or keep) the demo world and return the demo merchant."""
    first_of_month = timezone.localdate().replace(day=1)
    owner = _user(OWNER)
    other_owner = _user(OTHER_OWNER)
    staff = _user(STAFF, is_staff=True)
    staff.groups.add(Group.objects.get(name=INTEGRATION_STAFF))
    billing = _user(BILLING, is_staff=True)
    billing.groups.add(Group.objects.get(name=BILLING_ADMINS))

    merchant = _merchant(DEMO_MERCHANT, "556677-8899", owner, "400", first_of_month)  # 400: price lists show too
    if merchant.responsible_id is None:  # the demo customer's named contact is the demo staff member
        Merchant.objects.filter(pk=merchant.pk).update(responsible=staff)
        merchant.responsible = staff
    _merchant("Annan Handel AB", "559900-1122", other_owner, "100", first_of_month)

    # The simulated shop and Specter account answer under our own host (simulator/urls.py).
    from simulator.specter.demo import ensure_demo_account
    from simulator.starweb.demo import ensure_demo_shop

    ensure_demo_shop("demobutiken", "demo-client", "demo-client-secret")
    ensure_demo_account("1001", "demo-md5key")
    connection, _created = Connection.objects.get_or_create(
        merchant=merchant,
        name="Demobutiken – Starweb ↔ Specter",
        defaults={
            "starweb_base_url": f"{settings.PUBLIC_BASE_URL}/sim/starweb/demobutiken/api/v2",
            "starweb_client_id": "demo-client",
            "starweb_client_secret": "demo-client-secret",
            "specter_smb_id": "1001",
            "specter_key_kind": "single",  # the simulated demo account has one md5key
            "specter_md5key": "demo-md5key",
            **DEMO_ORDER_SETTINGS,
        },
    )
    # Run again on another port or address: the connection follows, so orders arrive where we listen.
    shop_url = f"{settings.PUBLIC_BASE_URL}/sim/starweb/demobutiken/api/v2"
    if connection.starweb_base_url != shop_url and "/sim/starweb/" in connection.starweb_base_url:
        Connection.objects.filter(pk=connection.pk).update(starweb_base_url=shop_url)
    wire_webhooks(connection, "demobutiken", settings.PUBLIC_BASE_URL)
    wire_callbacks(connection, "1001", settings.PUBLIC_BASE_URL)
    return merchant


def banner(base_url: str) -> str:
    width = max(len(u.username) for u in DEMO_USERS)
    lines = [f"Open {base_url}/ and log in as one of the demo users:"]
    lines += [f"  {u.username:<{width}}  password {u.password:<20} {u.role}" for u in DEMO_USERS]
    return "\n".join(lines)
