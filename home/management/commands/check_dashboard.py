from django.core.management.base import BaseCommand, CommandError

from home.summary import stale_entries


class Command(BaseCommand):
    help = ("Compare every expert's kept dashboard figures (orders by state, due soon, the level's period "
            "counts) with their order and review rows; exit 1 naming each mismatch.")

    def add_arguments(self, parser):
        parser.add_argument("experts", nargs="*", type=int, help="expert user ids (default: every expert)")

    def handle(self, *args, **options):
        wrong = stale_entries(options["experts"] or None)
        for expert_id, figure, kept, rows in wrong:
            self.stderr.write(f"expert {expert_id}: {figure} kept {kept!r}, rows say {rows!r}")
        if wrong:
            raise CommandError(f"{len(wrong)} kept dashboard figure(s) differ from the rows.")
        self.stdout.write("Kept dashboard figures match the rows.")
