"""`manage.py check_ledger`: run every check registered in `escrow.checks` (escrow's own and those
other apps add, e.g. orders' "a closed order's escrow is zero"); exit 1 naming any broken one."""

from django.core.management.base import BaseCommand, CommandError

from escrow.checks import run_checks


class Command(BaseCommand):
    help = "Verify the ledger's invariants; exits non-zero and names every broken one."

    def handle(self, *args, **options):
        broken = 0
        for name, problems in run_checks().items():
            if not problems:
                self.stdout.write(self.style.SUCCESS(f"OK    {name}"))
                continue
            broken += 1
            first = problems[0]
            self.stdout.write(self.style.ERROR(f"FAIL  {name} — نقض شد: {first.fa} ({len(problems)})"))
            for problem in problems[:50]:
                self.stdout.write(f"      {problem.detail}")
        if broken:
            raise CommandError(f"{broken} ledger invariant(s) broken — {broken} قاعده دفتر کل نقض شده است")
        self.stdout.write(self.style.SUCCESS("The ledger is consistent — دفتر کل سالم است"))
