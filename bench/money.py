"""Money scenarios of `make bench` (issue #9), run in-process against the bench database:

1. confirm-and-release: N delivered orders, 20 concurrent clients (threads, each with its own
   database connection) each confirming distinct orders through `order_confirm`; reports releases/s
   and the number of orders released more than once (must be 0), then runs the ledger checks.
2. the wallet page of an expert with 1,000 ledger lines: queries on the first and the last page
   (paged, so the same constant), and the time per render through Django's test client.

`python -m bench.money --orders 40` runs them alone (migrating the bench database first);
`bench.run` calls `run(...)` after its page measurements.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CLIENTS = 20
WALLET_LINES = 1000
_keys = itertools.count()


def say(message: str) -> None:
    print(f"[bench:money] {message}", flush=True)


def _delivered_orders(n: int) -> list[int]:
    """`n` delivered orders made through the real actions (wallet-paid, so no bank page)."""
    from accounts.models import User
    from escrow import ledger
    from escrow.models import Transfer
    from orders import actions
    from services.models import Package, Service

    stamp = int(time.time() * 1000)
    # Orders spread over many services and experts, as on the live site (one service's counter row
    # would otherwise serialise every confirmation).
    packages = list(Package.objects.select_related("service", "service__owner")
                    .filter(service__status=Service.Status.PUBLISHED)
                    .exclude(service__requirement_questions__required=True,
                             service__requirement_questions__kind="file")
                    .order_by("service_id", "pk").distinct("service_id")[:max(1, n)])
    if not packages:
        raise SystemExit("no published service to order: seed the bench database first")
    answers_for = {
        p.pk: {str(q.pk): (q.choices[0] if q.choices else "bench")
               for q in p.service.requirement_questions.exclude(kind="file")}
        for p in packages
    }
    ids = []
    for i in range(n):
        package = packages[i % len(packages)]
        buyer = User.objects.create_user(email=f"bench-money-{stamp}-{i}@example.com", password=None)
        total = actions.checkout_total(package)
        ledger.post_transfer(key=f"bench-fund:{stamp}:{i}", kind=Transfer.Kind.ADJUSTMENT,
                             legs=[(ledger.outside_account(), -total), (ledger.user_account(buyer), total)])
        order = actions.order_checkout(buyer=buyer, package=package, expected_total=total, key=f"b{stamp}{i}",
                                       method="wallet")
        actions.order_submit_requirements(order_id=order.pk, actor=buyer, answers=answers_for[package.pk],
                                          description="bench")
        actions.order_deliver(order_id=order.pk, actor=package.service.owner, message="bench")
        ids.append(order.pk)
    return ids


def confirm_and_release(n_orders: int, clients: int = CLIENTS) -> dict:
    from django.db import connection
    from django.db.models import Count

    from escrow.checks import run_checks
    from escrow.models import Transfer
    from orders import actions
    from orders.models import Order

    say(f"preparing {n_orders} delivered orders")
    started = time.monotonic()
    ids = _delivered_orders(n_orders)
    say(f"  ready in {time.monotonic() - started:.1f}s; {clients} clients confirming")
    buyers = dict(Order.objects.filter(pk__in=ids).values_list("pk", "buyer_id"))
    from accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=buyers.values())}
    shards = [ids[i::clients] for i in range(clients)]
    errors: list[Exception] = []
    barrier = threading.Barrier(clients)

    def client(shard):
        try:
            barrier.wait()
            for order_id in shard:
                actions.order_confirm(order_id=order_id, actor=users[buyers[order_id]])
        except Exception as exc:  # noqa: BLE001 - reported
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(shard,)) for shard in shards]
    # Emails leave through the outbox, drained by Celery workers; with eager Celery the bench would
    # drain inline after every commit, so the kick is off while measuring (the rows are written).
    import outbox.api

    kick, outbox.api.kick = outbox.api.kick, lambda: None
    t0 = time.monotonic()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
    finally:
        outbox.api.kick = kick
    doubles = (Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref__in=ids).values("order_ref")
               .annotate(n=Count("id")).filter(n__gt=1).count())
    released = Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref__in=ids).count()
    problems = {name: len(found) for name, found in run_checks().items() if found}
    return {
        "orders": n_orders, "clients": clients, "released": released, "doubles": doubles, "errors": len(errors),
        "seconds": round(elapsed, 3), "releases_per_s": round(released / elapsed, 1) if elapsed else 0,
        "ledger_problems": problems,
    }


def wallet_page(lines: int = WALLET_LINES, renders: int = 30) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from escrow import ledger
    from escrow.models import Transfer
    from escrow.selectors import WALLET_PAGE_SIZE

    stamp = int(time.time() * 1000)
    expert = User.objects.create_user(email=f"bench-wallet-{stamp}@example.com", password=None)
    say(f"writing {lines} ledger lines for one wallet")
    outside, wallet = ledger.outside_account(), ledger.user_account(expert)
    for i in range(lines):
        ledger.post_transfer(key=f"bench-wallet:{stamp}:{i}", kind=Transfer.Kind.ADJUSTMENT,
                             legs=[(outside, -(10_000 + i)), (wallet, 10_000 + i)])
    client = Client()
    client.force_login(expert)
    last = (lines + WALLET_PAGE_SIZE - 1) // WALLET_PAGE_SIZE
    counts = {}
    for page in (1, last):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/wallet/?page={page}")
        assert response.status_code == 200, response.status_code
        counts[page] = len(ctx.captured_queries)
    reset_queries()
    timings = []
    for i in range(renders):
        t0 = time.perf_counter()
        client.get(f"/wallet/?page={1 + i % last}")
        timings.append((time.perf_counter() - t0) * 1000)
    return {
        "lines": lines, "pages": last, "queries_first_page": counts[1], "queries_last_page": counts[last],
        "constant_queries": counts[1] == counts[last], "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(sorted(timings)[int(len(timings) * 0.95) - 1], 1),
    }


def run(*, orders: int = 400) -> dict:
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # no SMTP server in the bench
    results = {"confirm_and_release": confirm_and_release(orders), "wallet_1000_lines": wallet_page()}
    r, w = results["confirm_and_release"], results["wallet_1000_lines"]
    say(f"confirm-and-release: {r['released']} releases in {r['seconds']}s = {r['releases_per_s']}/s with "
        f"{r['clients']} clients; doubles {r['doubles']}; errors {r['errors']}; ledger problems {r['ledger_problems']}")
    say(f"wallet with {w['lines']} lines: {w['queries_first_page']} queries on page 1, "
        f"{w['queries_last_page']} on page {w['pages']}; median {w['median_ms']} ms, p95 {w['p95_ms']} ms")
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=400)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    from bench.run import setup_environment

    setup_environment()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from services.models import Service

    if not Service.objects.filter(status=Service.Status.PUBLISHED).exists():
        call_command("seed_demo", services=20)
    run(orders=args.orders)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
