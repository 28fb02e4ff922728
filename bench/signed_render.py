"""Single-threaded cost of the signed-in pages: wall and CPU milliseconds and SQL queries per request.

    BENCH_CEILING=1 DATABASE_URL=…_bench .venv/bin/python -m azmoodegan.launcher exec \
        .venv/bin/python bench/signed_render.py [-n 40] [--only NAME,…] [--profile NAME]

Every page is requested with a real signed-in session (the bench buyer; the service with 5,000
reviews with its reviewer, as `make bench` does). `floor` is base.html with an empty content block,
what every signed-in page pays before its own content. With --profile, cProfile of that page.
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


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "azmoodegan.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import reviews as bench_reviews
    from bench.run import pick_pages
    from bench.signed_in import EMAIL, ensure_buyer

    ensure_buyer()
    User = get_user_model()
    buyer = Client()
    buyer.force_login(User.objects.get(email=EMAIL))
    reviewer = Client()
    reviewer.force_login(User.objects.get(email=bench_reviews.EMAIL_BUYER))
    picked = pick_pages()
    review_pages, _cookies = bench_reviews.prepare()
    pages = {"floor": (buyer, "/bench/floor")}
    pages.update({k: (buyer, v) for k, v in picked.items() if k not in ("ceiling", "compare")})
    pages["service_5000_reviews"] = (reviewer, next(iter(review_pages.values())))
    if args.only:
        wanted = args.only.split(",")
        pages = {k: v for k, v in pages.items() if k in wanted}
    print(f"{'page':<24} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} {'queries':>8}  (signed in, one thread, n={args.n})")
    for name, (client, path) in pages.items():
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (name, path, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        queries = len(ctx.captured_queries)  # read now: the log is cleared by the next requests
        walls, cpus = [], []
        for _ in range(args.n):
            c0, w0 = time.process_time(), time.perf_counter()
            client.get(path)
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        walls.sort()
        p95 = walls[max(0, int(len(walls) * 0.95) - 1)]
        print(f"{name:<24} {statistics.median(walls):>7.1f} {p95:>7.1f} {statistics.median(cpus):>7.1f} "
              f"{queries:>8}", flush=True)
    if args.profile:
        client, path = pages[args.profile]
        profiler = cProfile.Profile(time.process_time)  # CPU time: waits on the database and Redis left out
        profiler.enable()
        for _ in range(args.n):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main(sys.argv[1:])
