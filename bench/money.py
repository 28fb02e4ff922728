"""Money scenarios of `make bench` (issue #9), run in-process against the bench database:

1. confirm-and-release: N delivered orders, 20 concurrent clients each confirming distinct orders
   through `order_confirm` (what the view calls), spread over 2 processes of 10 threads, each thread
   with its own database connection, as a web server runs them (one process of 20 threads would
   measure Python's GIL). Drain tasks go to the broker as on a server; the outbox rows (the side
   effects: thread line, notices, review window, email) are drained after the run by one drainer,
   timed apart. Reports releases/s, confirm latency, orders released more than once (must be 0),
   then runs the ledger checks.
2. the wallet page of an expert with 1,000 ledger lines: queries on the first and the last page
   (paged, so the same constant), and the time per render through Django's test client.

`python -m bench.money --orders 40` runs them alone (migrating the bench database first);
`bench.run` calls `run(...)` after its page measurements.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CLIENTS = 20
# Server processes the clients are spread over: 2, as the page measurements' 2 gunicorn workers (here
# 10 threads each, as gthread workers would run them).
PROCESSES = 2
WALLET_LINES = 1000


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


def _confirm_process(shards: list[list[int]], buyers: dict[int, int], ready, results, queue: str) -> None:
    """One server process: a thread per client, each with its own database connection, confirming
    its orders one after the other through `orders.actions.order_confirm` (what the view calls)."""
    # Drain tasks go to the broker as on a server, to a queue of this run that no worker reads
    # (emptied afterwards); the outbox rows they point at are drained after the run, timed.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from orders import actions

    users = {u.pk: u for u in User.objects.filter(pk__in=set(buyers.values()))}
    connection.close()
    errors: list[str] = []
    spans: list[tuple[float, float]] = []
    latencies: list[float] = []
    backend_cpus: list[float] = []
    lock = threading.Lock()
    connected = threading.Barrier(len(shards) + 1)
    go = threading.Event()

    def client(shard):
        from django.db import connection

        try:
            connection.ensure_connection()
            backend = connection.connection.info.backend_pid
            connected.wait()
            go.wait()
            backend_cpu = _backend_cpu(backend)
            first = time.monotonic()
            mine = []
            for order_id in shard:
                t0 = time.monotonic()
                actions.order_confirm(order_id=order_id, actor=users[buyers[order_id]])
                mine.append(time.monotonic() - t0)
            last = time.monotonic()
            backend_cpu = _backend_cpu(backend) - backend_cpu
            with lock:
                spans.append((first, last))
                latencies.extend(mine)
                backend_cpus.append(backend_cpu)
        except Exception as exc:  # noqa: BLE001 - reported
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(shard,)) for shard in shards]
    for t in threads:
        t.start()
    connected.wait()
    ready.wait()  # every process has its connections open
    cpu = time.process_time()
    go.set()
    for t in threads:
        t.join()
    cpu = time.process_time() - cpu
    time.sleep(KICK_SETTLE)  # let the outbox's kicker send its last drain task
    results.put({"spans": spans, "latencies": latencies, "errors": errors, "cpu": cpu,
                 "backend_cpu": sum(backend_cpus)})


KICK_SETTLE = 0.2


def _backend_cpu(pid: int) -> float:
    """CPU seconds used so far by a PostgreSQL backend on this machine (0 if it cannot be read)."""
    from bench.inprocess import backend_cpu

    return backend_cpu(pid) or 0.0


def setup(**env: str) -> None:
    """Django on the bench database (bench/run.py's environment, then `env`), migrated, with a published
    service to order: what the money scripts (this one, profile_money, release_cost) start with."""
    sys.path.insert(0, str(BASE_DIR))
    from bench.run import setup_environment

    setup_environment()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from services.models import Service

    call_command("migrate", interactive=False, verbosity=0)
    if not Service.objects.filter(status=Service.Status.PUBLISHED).exists():
        call_command("seed_demo", services=20)


def confirm_and_release(n_orders: int, clients: int = CLIENTS, processes: int = PROCESSES) -> dict:
    """`clients` concurrent clients spread over `processes` processes (as a web server runs them:
    several processes, several threads each, every thread with its own database connection)."""
    import multiprocessing

    from django.db import connection
    from django.db.models import Count

    from escrow.checks import run_checks
    from escrow.models import Transfer
    from orders.models import Order
    from outbox.models import Message

    processes = max(1, min(processes, clients))
    say(f"preparing {n_orders} delivered orders")
    started = time.monotonic()
    ids = _delivered_orders(n_orders)
    buyers = dict(Order.objects.filter(pk__in=ids).values_list("pk", "buyer_id"))
    waiting_before = Message.objects.filter(sent_at__isnull=True).count()
    say(f"  ready in {time.monotonic() - started:.1f}s; {clients} clients in {processes} processes confirming")
    connection.close()
    shards = [ids[i::clients] for i in range(clients)]
    queue = f"bench-money-{os.getpid()}"
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(processes + 1)
    results = ctx.Queue()
    procs = []
    for p in range(processes):
        mine = shards[p::processes]
        procs.append(ctx.Process(target=_confirm_process, args=(
            mine, {o: buyers[o] for shard in mine for o in shard}, ready, results, queue)))
    for proc in procs:
        proc.start()
    ready.wait(timeout=300)
    waits, stop = _sample_waits()
    outcome = [results.get(timeout=1800) for _ in procs]
    stop()
    for proc in procs:
        proc.join()
    spans = [span for o in outcome for span in o["spans"]]
    latencies = sorted(x * 1000 for o in outcome for x in o["latencies"])
    errors = [e for o in outcome for e in o["errors"]]
    elapsed = (max(end for _, end in spans) - min(begin for begin, _ in spans)) if spans else 0.0
    kicks = _purge(queue)

    doubles = (Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref__in=ids).values("order_ref")
               .annotate(n=Count("id")).filter(n__gt=1).count())
    released = Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref__in=ids).count()
    completed = Order.objects.filter(pk__in=ids, status=Order.Status.COMPLETED).count()
    # The side effects, as a worker drains them after the run (one drainer).
    import outbox.api

    waiting = Message.objects.filter(sent_at__isnull=True).count()
    t0, c0 = time.monotonic(), time.process_time()
    drained = outbox.api.drain()
    drain_s, drain_cpu = time.monotonic() - t0, time.process_time() - c0
    problems = {name: len(found) for name, found in run_checks().items() if found}
    return {
        "orders": n_orders, "clients": clients, "processes": processes, "released": released,
        "completed": completed, "doubles": doubles, "errors": len(errors), "error_samples": errors[:3],
        "seconds": round(elapsed, 3), "releases_per_s": round(released / elapsed, 1) if elapsed else 0,
        "latency_p50_ms": round(latencies[len(latencies) // 2], 1) if latencies else None,
        "latency_p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1) if latencies else None,
        "cpu_ms_per_release_in_server_processes": round(sum(o["cpu"] for o in outcome) * 1000 / max(1, released), 2),
        "cpu_ms_per_release_in_postgres_backends": round(
            sum(o["backend_cpu"] for o in outcome) * 1000 / max(1, released), 2),
        "waits_sampled": dict(waits.most_common(8)),
        "drain_tasks_sent": kicks, "outbox_rows_written": waiting - waiting_before, "outbox_rows_drained": drained,
        "drain_seconds": round(drain_s, 2), "drain_cpu_seconds": round(drain_cpu, 2),
        "ledger_problems": problems,
    }


def _sample_waits():
    """What the bench database's busy backends wait on, sampled every 10 ms from pg_stat_activity
    (`CPU` when a backend is running, not waiting). Returns the counter and a function that stops."""
    from collections import Counter

    import psycopg
    from django.db import connection

    counts: Counter = Counter()
    done = threading.Event()
    sd = connection.settings_dict
    dbname = sd["NAME"]
    params = {"dbname": dbname, "host": sd["HOST"] or None, "port": sd["PORT"] or None, "user": sd["USER"] or None,
              "password": sd["PASSWORD"] or None}

    def sample():
        with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
            while not done.is_set():
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity "
                    "WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()", [dbname]).fetchall()
                counts.update(row[0] for row in rows)
                time.sleep(0.01)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()

    def stop():
        done.set()
        thread.join()

    return counts, stop


def _purge(queue: str) -> int:
    """Empty this run's drain-task queue; returns how many tasks the confirming processes sent."""
    from azmoodegan.celery import app

    try:
        with app.connection_for_write() as conn:
            return conn.default_channel.queue_purge(queue) or 0
    except Exception as exc:  # noqa: BLE001 - the broker is optional for the measure
        say(f"could not empty the queue {queue}: {exc}")
        return 0


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


def run(*, orders: int = 400, clients: int = CLIENTS, processes: int = PROCESSES, wallet: bool = True) -> dict:
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # no SMTP server in the bench
    results = {"confirm_and_release": confirm_and_release(orders, clients, processes)}
    r = results["confirm_and_release"]
    say(f"confirm-and-release: {r['released']} releases in {r['seconds']}s = {r['releases_per_s']}/s with "
        f"{r['clients']} clients in {r['processes']} processes (latency p50 {r['latency_p50_ms']} ms, "
        f"p95 {r['latency_p95_ms']} ms); doubles {r['doubles']}; errors {r['errors']} {r['error_samples']}; "
        f"ledger problems {r['ledger_problems']}")
    say(f"  CPU per release: {r['cpu_ms_per_release_in_server_processes']} ms in the server processes, "
        f"{r['cpu_ms_per_release_in_postgres_backends']} ms in their PostgreSQL backends; "
        f"PostgreSQL backends sampled: {r['waits_sampled']}")
    say(f"  side effects: {r['outbox_rows_written']} outbox rows written, {r['drain_tasks_sent']} drain tasks sent; "
        f"one drainer afterwards: {r['outbox_rows_drained']} rows in {r['drain_seconds']}s "
        f"({r['drain_cpu_seconds']}s CPU)")
    if not wallet:
        return results
    results["wallet_1000_lines"] = w = wallet_page()
    say(f"wallet with {w['lines']} lines: {w['queries_first_page']} queries on page 1, "
        f"{w['queries_last_page']} on page {w['pages']}; median {w['median_ms']} ms, p95 {w['p95_ms']} ms")
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--processes", type=int, default=PROCESSES)
    parser.add_argument("--no-wallet", action="store_true", help="confirm-and-release only")
    args = parser.parse_args(argv)
    setup()
    run(orders=args.orders, clients=args.clients, processes=args.processes, wallet=not args.no_wallet)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
