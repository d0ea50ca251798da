"""Drive the simulated Specter from the shell: stock, price, deliver, invoice, paid, cancel."""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from simulator.specter import changes
from simulator.specter.demo import ensure_demo_account
from simulator.specter.models import Account


class Command(BaseCommand):
    help = "Drive the simulated Specter: ensure-account, stock ART N, price ART P, deliver/invoice/paid/cancel ORDER."

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["ensure-account", "stock", "price", "deliver", "invoice", "paid", "cancel"]
        )
        parser.add_argument("target", nargs="?", help="article number (stock, price) or Specter order number")
        parser.add_argument("value", nargs="?", help="stock quantity or price ex VAT")
        parser.add_argument("--account", default="1001")
        parser.add_argument("--tracking-no", default="")

    def handle(self, *args, action, target, value, account, tracking_no, **options):
        if action == "ensure-account":
            self.stdout.write(f"Specter account {ensure_demo_account(account).smb_id} ready.")
            return
        found = Account.objects.filter(smb_id=account).first()
        if found is None or not target:
            raise CommandError("Give an existing --account and the article or order number.")
        if action == "stock":
            try:
                changes.set_stock(found, target, int(value or 0))
            except changes.DerivedStock as derived:
                raise CommandError(str(derived)) from None
        elif action == "price":
            changes.set_price(found, target, Decimal(value or "0"))
        elif action == "deliver":
            changes.deliver(found, target, tracking_no)
        else:
            {"invoice": changes.invoice, "paid": changes.mark_paid, "cancel": changes.cancel}[action](found, target)
        self.stdout.write(f"{action} {target}: done.")
