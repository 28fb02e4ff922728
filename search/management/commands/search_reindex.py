from django.core.management.base import BaseCommand

from search.indexing import reindex_all


class Command(BaseCommand):
    help = "Recompute the normalised full-text columns of every service."

    def handle(self, *args, **options):
        self.stdout.write(f"Reindexed {reindex_all()} services.")
