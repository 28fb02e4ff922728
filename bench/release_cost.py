"""What one confirm-and-release costs, without a profiler in the way: CPU of this process, CPU of its
PostgreSQL backend, statements sent and WAL written, per release (medians over N releases).

    DATABASE_URL=…/az_NAME_bench .venv/bin/python -m bench.release_cost [-n 100] [--wal 20]

Prepares N delivered orders as bench/money.py does, then confirms them one by one in one thread
through `orders.actions.order_confirm`. Statements are counted with an execute wrapper (plus the
BEGIN and COMMIT psycopg sends itself). WAL: for `--wal` of the releases, the records of their own
transactions are read back with pg_walinspect (other sessions on the server write WAL too), by
resource manager; the extension is created in the bench database if missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--wal", type=int, default=20, help="releases whose WAL is read back")
    args = parser.parse_args(argv)
    from bench.money import _backend_cpu, _delivered_orders, _purge, setup

    queue = f"bench-release-cost-{os.getpid()}"
    # Drain tasks go to a queue no worker reads (purged at the end); e-mails are kept in memory.
    setup(CELERY_TASK_ALWAYS_EAGER="0", CELERY_TASK_DEFAULT_QUEUE=queue)
    from django.db import connection

    from accounts.models import User
    from orders import actions
    from orders.models import Order

    ids = _delivered_orders(args.n + args.wal + 2)
    buyers = dict(Order.objects.filter(pk__in=ids).values_list("pk", "buyer_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=buyers.values())}
    for order_id in ids[:2]:  # warm up (first compilations, connections)
        actions.order_confirm(order_id=order_id, actor=users[buyers[order_id]])
    ids = ids[2:]
    backend = connection.connection.info.backend_pid

    statements = []
    kinds: Counter = Counter()

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    cpu, pg_cpu, wall, per_release = [], [], [], []
    timed = ids[: args.n]
    with connection.execute_wrapper(count):
        c_all, p_all = time.process_time(), _backend_cpu(backend)
        for order_id in timed:
            before = len(statements)
            w0, c0 = time.perf_counter(), time.process_time()
            actions.order_confirm(order_id=order_id, actor=users[buyers[order_id]])
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            per_release.append(len(statements) - before + 2)  # + BEGIN, COMMIT
        c_all, p_all = time.process_time() - c_all, _backend_cpu(backend) - p_all
    for sql in statements[-(per_release[-1] - 2):]:
        kinds[sql.split()[0].upper()] += 1
    pg_cpu = p_all * 1000 / len(timed)
    print(f"{len(timed)} releases, one thread: wall median {statistics.median(wall):.2f} ms; process CPU median "
          f"{statistics.median(cpu):.2f} ms (mean {c_all * 1000 / len(timed):.2f}, fastest quarter "
          f"{sorted(cpu)[len(cpu) // 4]:.2f}); PostgreSQL backend CPU mean "
          f"{pg_cpu:.2f} ms; statements per release {statistics.median(per_release)} "
          f"(+BEGIN/COMMIT counted; by kind {dict(kinds)})")

    if args.wal:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        xids, spans = [], []

        def xid(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if sql.lstrip().startswith("INSERT INTO outbox_message"):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT txid_current()")
                    xids.append(cursor.fetchone()[0] & 0xFFFFFFFF)
            return result

        with connection.execute_wrapper(xid):
            for order_id in ids[args.n: args.n + args.wal]:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_current_wal_insert_lsn()")
                    start = cursor.fetchone()[0]
                actions.order_confirm(order_id=order_id, actor=users[buyers[order_id]])
                with connection.cursor() as cursor:  # flushed: the commit waited for it (and no further)
                    cursor.execute("SELECT pg_current_wal_flush_lsn()")
                    spans.append((start, cursor.fetchone()[0]))
        by_rm: Counter = Counter()
        records: Counter = Counter()
        fpi = 0
        with connection.cursor() as cursor:
            for (start, end), x in zip(spans, xids, strict=True):
                cursor.execute(
                    "SELECT resource_manager, record_type, record_length, fpi_length FROM "
                    "pg_get_wal_records_info(%s, %s) WHERE xid = %s", [start, end, x])
                for rm, rtype, length, fpi_length in cursor.fetchall():
                    by_rm[rm] += length
                    records[f"{rm}/{rtype}"] += 1
                    fpi += fpi_length
        n = len(spans)
        total = sum(by_rm.values())
        print(f"WAL of a release's own transaction (mean of {n}): {total / n:.0f} bytes, of which full-page images "
              f"{fpi / n:.0f}; {sum(records.values()) / n:.1f} records")
        print("  by resource manager (bytes): " + ", ".join(f"{rm} {b / n:.0f}" for rm, b in by_rm.most_common()))
        print("  records: " + ", ".join(f"{k} {v / n:.1f}" for k, v in records.most_common()))
    _purge(queue)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "azmoodegan.settings")
    main(sys.argv[1:])
