"""Where the milliseconds of one confirm-and-release go: queries (with their time), Python time, CPU.

    DATABASE_URL=…/az_NAME_bench .venv/bin/python -m bench.profile_money [-n 40] [--profile]

Prepares N delivered orders through the real actions (as bench/money.py does), then confirms them
one by one in one thread through `orders.actions.order_confirm`, capturing every query. Prints the
median and p95 wall ms, process CPU ms, the queries of one release with their time, and (with
--profile) cProfile's view by cumulative and own time. The after-commit work (draining the outbox)
is measured separately, as a worker would do it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import inprocess  # noqa: E402


def _summary(label: str, values: list[float]) -> str:
    return f"{label}: median {statistics.median(values):.2f} ms, p95 {inprocess.p95(values):.2f} ms"


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of one release")
    parser.add_argument("--profile-drain", action="store_true", help="cProfile of the drainer after the releases")
    parser.add_argument("--drain-sql", action="store_true", help="the drainer's queries, by statement shape")
    args = parser.parse_args(argv)
    from bench.money import _delivered_orders, setup

    setup()  # e-mails kept in memory (bench/run.py's environment)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import outbox.api
    from accounts.models import User
    from orders import actions
    from orders.models import Order
    from outbox.models import Message

    kick, outbox.api.kick = outbox.api.kick, lambda: None  # a worker drains, not the request
    ids = _delivered_orders(args.n + 1)
    buyers = dict(Order.objects.filter(pk__in=ids).values_list("pk", "buyer_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=buyers.values())}
    Message.objects.filter(sent_at__isnull=True).update(sent_at=timezone.now())

    # One release with its queries.
    first = ids.pop(0)
    with CaptureQueriesContext(connection) as ctx:
        actions.order_confirm(order_id=first, actor=users[buyers[first]])
    queries = ctx.captured_queries
    kinds = Counter(q["sql"].split()[0].upper() for q in queries)
    print(f"one release: {len(queries)} queries, {sum(float(q['time']) for q in queries) * 1000:.1f} ms in SQL "
          f"(as timed by the client); by kind {dict(kinds)}")
    for q in queries:
        sql = q["sql"] if args.show_sql else q["sql"][:150]
        print(f"  {float(q['time']) * 1000:6.2f} ms  {sql}")
    # Its side effects drained now, untimed: what a drainer does once per process (the URLconf, the
    # templates, imports) is not counted against the releases below.
    outbox.api.drain()

    wall, cpu, sql_ms = [], [], []
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU time, not waits
    for order_id in ids:
        actor = users[buyers[order_id]]
        with CaptureQueriesContext(connection) as ctx:
            w0, c0 = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            actions.order_confirm(order_id=order_id, actor=actor)
            if profiler:
                profiler.disable()
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    print(f"{len(ids)} releases, one thread:")
    print("  " + _summary("wall", wall))
    print("  " + _summary("process CPU", cpu))
    print("  " + _summary("time waiting on SQL (client side, includes PostgreSQL's work and the commit)", sql_ms))

    pending = Message.objects.filter(sent_at__isnull=True).count()
    outbox.api.kick = kick
    drain_profiler = cProfile.Profile(time.process_time) if args.profile_drain else None
    with CaptureQueriesContext(connection) as ctx:
        w0, c0 = time.perf_counter(), time.process_time()
        if drain_profiler:
            drain_profiler.enable()
        drained = outbox.api.drain()
        if drain_profiler:
            drain_profiler.disable()
        w, c = (time.perf_counter() - w0) * 1000, (time.process_time() - c0) * 1000
    print(f"drainer: {len(ctx.captured_queries)} queries for {drained} rows")
    if args.drain_sql:
        import re

        shapes = Counter(re.sub(r"\b\d+\b", "N", re.sub(r'"s\d+_x\d+"', "SP", " ".join(q["sql"].split()[:7])))[:110]
                         for q in ctx.captured_queries)
        for shape, n in shapes.most_common():
            print(f"  {n:6d}  {shape}")
    if drain_profiler:
        stats = pstats.Stats(drain_profiler)
        stats.sort_stats("cumulative").print_stats(50)
    if drained:
        print(f"after commit, a drainer: {drained} of {pending} outbox rows in {w:.0f} ms wall / {c:.0f} ms CPU "
              f"= {w / max(1, len(ids)):.2f} ms wall, {c / max(1, len(ids)):.2f} ms CPU, "
              f"{len(ctx.captured_queries) / max(1, len(ids)):.1f} queries per release")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "azmoodegan.settings")
    main(sys.argv[1:])
