"""Drive the simulated Starweb from the shell: `manage.py sim_starweb place-order --count 5`,
`manage.py sim_starweb deliver-webhooks`, `manage.py sim_starweb ensure-shop`."""

from django.core.management.base import BaseCommand, CommandError

from simulator.starweb import webhooks
from simulator.starweb.demo import ensure_demo_shop, place_order
from simulator.starweb.models import Shop


class Command(BaseCommand):
    help = "Drive the simulated Starweb: place realistic orders, redeliver failed web hooks, create the demo shop."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["place-order", "deliver-webhooks", "ensure-shop"])
        parser.add_argument("--shop", default="demobutiken")
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--currency", default="SEK", help="ensure-shop: the shop's base currency")

    def handle(self, *args, action, shop, count, seed, currency, **options):
        if action == "ensure-shop":
            found = ensure_demo_shop(shop, currency=currency)
            self.stdout.write(f"Shop {found.slug} ready ({found.base_currency}).")
            return
        if action == "deliver-webhooks":
            self.stdout.write(f"Delivered {webhooks.deliver_pending()} web hook call(s).")
            return
        found = Shop.objects.filter(slug=shop).first()
        if found is None:
            raise CommandError(
                f"No simulated shop {shop!r}: run `manage.py sim_starweb ensure-shop --shop {shop}` first."
            )
        for n in range(count):
            order = place_order(found, seed=None if seed is None else seed + n)
            self.stdout.write(f"Order {order.order_id}: {order.data['amountToPay']:.2f} {order.data['currencyCode']}")
