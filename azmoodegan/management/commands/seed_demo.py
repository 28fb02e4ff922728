"""Load Persian demo data once; each app adds its part through a `demo` module with `seed()`."""

import importlib

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, DEMO_USERS

# Order matters: later seeders use what earlier ones made.
SEEDERS = ["accounts.demo", "services.demo", "search.demo", "orders.demo", "reviews.demo", "messaging.demo",
           "buyer_requests.demo", "home.demo"]


class Command(BaseCommand):
    help = "Create the demo buyer, expert and staff user (and each app's demo data). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=None, help="Scale the catalogue to N services.")

    def handle(self, *args, **options):
        for name in SEEDERS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.seed(stdout=self.stdout, **options)
        self.stdout.write("Demo accounts (password for all: %s):" % DEMO_PASSWORD)
        for role, email in DEMO_USERS.items():
            self.stdout.write(f"  {role:<7} {email}")
