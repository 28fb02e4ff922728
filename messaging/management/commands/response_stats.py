from django.core.management.base import BaseCommand

from messaging.stats import compute


class Command(BaseCommand):
    help = "Recompute every expert's response time and rate (last 90 days) from real conversations."

    def handle(self, *args, **options):
        n = compute()
        self.stdout.write(f"Response statistics written for {n} experts.")
