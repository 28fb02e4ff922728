from django.core.management.base import BaseCommand

from reviews.metrics import recompute_all_levels


class Command(BaseCommand):
    help = "Recompute every expert's level from the last LEVEL_PERIOD_DAYS days (the monthly beat task does the same)."

    def handle(self, *args, **options):
        summary = recompute_all_levels()
        self.stdout.write(", ".join(f"{level}: {n}" for level, n in summary.items()))
