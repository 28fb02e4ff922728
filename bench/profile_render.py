"""Single-threaded render times of the hot pages, anonymous (cached) and signed in.

    DATABASE_URL=… .venv/bin/python -m azmoodegan.launcher exec .venv/bin/python -m bench.profile_render [--profile NAME]

Runs the pages in-process with Django's test client (no network, one thread), so the numbers are
relative but stable on a shared machine: median and p95 milliseconds over N requests per page.
With --profile, prints where the milliseconds of that page go (cProfile, by cumulative time).
"""

from __future__ import annotations

import argparse
import sys
import time

from bench import inprocess


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--profile", default=None)
    args = parser.parse_args(argv)
    inprocess.setup()
    from django.test import Client

    from bench.run import pick_pages
    from bench.signed_in import EMAIL, ensure_buyer

    ensure_buyer()
    from django.contrib.auth import get_user_model

    pages = {k: v for k, v in pick_pages().items() if k not in ("ceiling", "compare")}
    anonymous = Client()
    signed = Client()
    signed.force_login(get_user_model().objects.get(email=EMAIL))
    # Anonymous (page cache), signed in (the same URL again: what the signed-in caches give), signed in
    # on a URL nobody asked for yet (a unique extra parameter: everything rendered).
    print(f"{'page':<24} {'anon':>7} {'signed':>8} {'signed, new URL':>16} {'signed p95':>11}  (median ms, one thread)")
    for name, path in pages.items():
        sep = "&" if "?" in path else "?"
        anon = inprocess.measure(anonymous, path, args.n)
        mine = inprocess.measure(signed, path, args.n)
        new = inprocess.measure(signed, path, args.n, url_for=lambda i, path=path, sep=sep: (
            f"{path}{sep}_r={i}-{time.time_ns()}"))
        print(f"{name:<24} {anon['p50']:>7.1f} {mine['p50']:>8.1f} {new['p50']:>16.1f} {mine['p95']:>11.1f}")
    if args.profile:
        path = pages[args.profile]
        inprocess.print_profile(lambda i: signed.get(path), args.n)

if __name__ == "__main__":
    main(sys.argv[1:])
