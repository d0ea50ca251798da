from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import demo


class Command(BaseCommand):
    help = "Create (or keep) the demo merchants, users and simulator-wired connection; print the logins."

    def handle(self, *args, **options):
        if not settings.SIMULATOR_ENABLED:
            raise CommandError("The demo is wired to the simulator, which these settings do not enable.")
        merchant = demo.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {merchant.name}."))
        self.stdout.write(demo.banner(settings.PUBLIC_BASE_URL))
