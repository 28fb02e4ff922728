from django.core.management.base import BaseCommand

from search.indexing import bulk_reindex


class Command(BaseCommand):
    help = "Recompute the search vectors of services (all, or only those still empty) and the vocabulary."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="Only services without a search vector.")

    def handle(self, *args, missing=False, **options):
        self.stdout.write(f"Reindexed {bulk_reindex(only_missing=missing)} services.")
