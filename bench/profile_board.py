"""Single-threaded render times of the buyer requests board, signed in as the bench expert.

    DATABASE_URL=…/az_x_bench STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 DEBUG=0 ALLOWED_HOSTS=testserver \
        .venv/bin/python bench/profile_board.py [-n 40] [--profile SHAPE] [--fresh]

Each board shape of `bench/requests.py` (plus the single filters) is requested in-process with
Django's test client and the expert's session cookie (as wrk sends it): median and p95 wall ms,
median process CPU ms, and the SQL queries of one request. "fresh" raises the board version before
each request (as a committed change to a request does) and adds a parameter nobody asked for yet, so
nothing cached for the board can answer: the first visitor after a change.
With --profile, prints where the milliseconds of that shape go (cProfile).
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
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent


def shapes(expert) -> dict[str, str]:
    from bench.requests import pages
    from buyer_requests.actions import expert_category_ids

    cat = sorted(expert_category_ids(expert))[0]
    board = "/requests/board/"
    out = pages(expert)
    out.update({
        "category": board + "?" + urlencode({"category": cat}),
        "budget": board + "?" + urlencode({"budget": "500000"}),
        "no_offers": board + "?" + urlencode({"no_offers": "on"}),
    })
    return out


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--fresh", action="store_true", help="profile with a new URL each time")
    parser.add_argument("--only", default=None, help="comma-separated shapes")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "azmoodegan.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.requests import _expert
    from bench.signed_in import user_session_cookie

    expert = _expert()
    cookie = user_session_cookie(expert).split("=", 1)[1]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    pages = shapes(expert)
    # "fresh": as after a committed change to the board (its version raised), where the board has one.
    bump = "buyer_requests_board_version" in connection.introspection.table_names()

    def fresh(url):
        if bump:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE buyer_requests_board_version SET version = version + 1 WHERE id = 1")
        return url
    if args.only:
        pages = {k: v for k, v in pages.items() if k in args.only.split(",")}
    print(f"{'shape':<24} {'p50':>6} {'p95':>6} {'cpu':>6} {'q':>3} | {'fresh p50':>9} {'p95':>6} {'cpu':>6} {'q':>3}"
          "  (ms, one thread)")
    for name, path in pages.items():
        for _ in range(3):
            assert client.get(path).status_code == 200, (name, path)
        sep = "&" if "?" in path else "?"
        times = {"hit": [], "fresh": []}
        cpu = {"hit": [], "fresh": []}
        for i in range(args.n):
            for label, url in (("hit", path), ("fresh", f"{path}{sep}_r={i}-{time.time_ns()}")):
                if label == "fresh":
                    fresh(url)
                c0, t0 = time.process_time(), time.perf_counter()
                client.get(url)
                times[label].append((time.perf_counter() - t0) * 1000)
                cpu[label].append((time.process_time() - c0) * 1000)
        queries = {}
        for label, url in (("hit", path), ("fresh", f"{path}{sep}_r=q-{time.time_ns()}")):
            if label == "fresh":
                fresh(url)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            queries[label] = len(ctx.captured_queries)

        def cols(label, times=times, cpu=cpu, queries=queries):
            t = sorted(times[label])
            return (f"{statistics.median(t):>6.1f} {t[max(0, int(len(t) * 0.95) - 1)]:>6.1f} "
                    f"{statistics.median(cpu[label]):>6.1f} {queries[label]:>3}")

        print(f"{name:<24} {cols('hit')} | {cols('fresh'):>30}", flush=True)
    if args.profile:
        path = pages[args.profile]
        sep = "&" if "?" in path else "?"
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.n):
            client.get(fresh(f"{path}{sep}_p={i}-{time.time_ns()}") if args.fresh else path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main(sys.argv[1:])
