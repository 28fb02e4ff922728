"""Single-threaded render times of the hot pages, anonymous (cached) and signed in.

    DATABASE_URL=… .venv/bin/python -m azmoodegan.launcher exec .venv/bin/python bench/profile_render.py [--profile NAME]

Runs the pages in-process with Django's test client (no network, one thread), so the numbers are
relative but stable on a shared machine: median and p95 milliseconds over N requests per page.
With --profile, prints where the milliseconds of that page go (cProfile, by cumulative time).
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
    parser.add_argument("--profile", default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "azmoodegan.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.test import Client

    from bench.run import pick_pages
    from bench.signed_in import EMAIL, ensure_buyer

    ensure_buyer()
    from django.contrib.auth import get_user_model

    pages = {k: v for k, v in pick_pages().items() if k not in ("ceiling", "compare")}
    anonymous = Client()
    signed = Client()
    signed.force_login(get_user_model().objects.get(email=EMAIL))
    # Interleaved, so a busy machine slows every column alike: anonymous (page cache), signed in
    # (the same URL again: what the signed-in caches give), signed in on a URL nobody asked for yet
    # (a unique extra parameter: everything rendered, as before those caches).
    print(f"{'page':<24} {'anon':>7} {'signed':>8} {'signed, new URL':>16} {'signed p95':>11}  (median ms, one thread)")
    for name, path in pages.items():
        for client in (anonymous, signed):
            for _ in range(3):
                assert client.get(path).status_code == 200, (name, path)
        times = {"anon": [], "signed": [], "fresh": []}
        sep = "&" if "?" in path else "?"
        for i in range(args.n):
            for label, client, url in (("anon", anonymous, path), ("signed", signed, path),
                                       ("fresh", signed, f"{path}{sep}_r={i}-{time.time_ns()}")):
                started = time.perf_counter()
                client.get(url)
                times[label].append((time.perf_counter() - started) * 1000)
        med = {k: statistics.median(v) for k, v in times.items()}
        p95 = sorted(times["signed"])[int(args.n * 0.95) - 1]
        print(f"{name:<24} {med['anon']:>7.1f} {med['signed']:>8.1f} {med['fresh']:>16.1f} {p95:>11.1f}")
    if args.profile:
        path = pages[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            signed.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main(sys.argv[1:])
