from django.core.management.base import BaseCommand

from search.indexing import bulk_reindex


class Command(BaseCommand):
    help = "Fill the normalised full-text columns of services (all, or only those still empty)."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="Only services whose search text is empty.")

    def handle(self, *args, missing=False, **options):
        self.stdout.write(f"Reindexed {bulk_reindex(only_missing=missing)} services.")
