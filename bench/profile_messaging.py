"""Single-threaded in-process times of the messaging pages (inbox of 200 conversations, a 500-message
conversation), signed in as bench/messaging.py's user: median/p95 wall ms, process CPU ms, SQL queries.

    DATABASE_URL=…/az_x_bench STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 DEBUG=0 ALLOWED_HOSTS=testserver \\
        .venv/bin/python bench/profile_messaging.py [-n 60] [--profile inbox|conversation] [--base]

With --profile, prints where the time of that page goes (cProfile). With --base, also measures a
signed-in page that is base.html and nothing else (the base cost every signed-in page pays).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def measure(client, path: str, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(path).status_code == 200, path
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    queries = len(ctx.captured_queries)  # read now: every request clears the connection's query log
    wall, cpu = [], []
    for _ in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        client.get(path)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    wall.sort()
    return {"p50": statistics.median(wall), "p95": wall[max(0, int(n * 0.95) - 1)],
            "cpu": statistics.median(cpu), "queries": queries}


def _add_empty_page() -> None:
    """A page that is base.html and nothing else, at /__empty__/ (this process only): the signed-in base
    cost (middleware, session, user, header, context processors) that every signed-in page pays."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    from azmoodegan import urls

    template = engines["django"].from_string('{% extends "base.html" %}')

    @login_required
    def empty(request):
        return HttpResponse(template.render({}, request))

    urls.urlpatterns.append(path("__empty__/", empty))
    clear_url_caches()


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=60)
    parser.add_argument("--profile", choices=["inbox", "conversation"], default=None)
    parser.add_argument("--base", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the queries of each page")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "azmoodegan.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.test import Client

    from bench.messaging import prepare

    user, pages = prepare()
    pages = {"inbox": pages["messaging_inbox"], "conversation": pages["messaging_conversation"]}
    if args.base:
        _add_empty_page()
        pages["base (empty signed-in page)"] = "/__empty__/"
    client = Client()
    client.force_login(user)
    if args.sql:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for name, path in pages.items():
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            print(f"--- {name}")
            for q in ctx.captured_queries:
                print(f"  {q['time']}s {q['sql'][:300]}")
    print(f"{'page':<32} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} {'queries':>8}  (n={args.n}, one thread)")
    for name, path in pages.items():
        r = measure(client, path, args.n)
        print(f"{name:<32} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['cpu']:>7.1f} {r['queries']:>8}")
    if args.profile:
        path = pages[args.profile]
        profiler = cProfile.Profile(time.process_time)  # CPU time: waits for PostgreSQL and Redis not counted
        profiler.enable()
        for _ in range(args.n):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main(sys.argv[1:])
