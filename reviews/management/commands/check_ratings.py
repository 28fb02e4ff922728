from django.core.management.base import BaseCommand, CommandError

from reviews.checks import check_ratings


class Command(BaseCommand):
    help = "Recompute the rating totals of services and experts from the reviews; exit 1 naming each mismatch."

    def handle(self, *args, **options):
        problems = check_ratings()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} rating total(s) differ from the reviews.")
        self.stdout.write("Rating totals match the reviews.")
