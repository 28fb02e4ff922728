"""Single-threaded render times of the buyer requests board, signed in as the bench expert.

    DATABASE_URL=…/az_x_bench STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 DEBUG=0 ALLOWED_HOSTS=testserver \
        .venv/bin/python -m bench.profile_board [-n 40] [--profile SHAPE] [--fresh]

Each board shape of `bench/requests.py` (plus the single filters) is requested in-process with
Django's test client and the expert's session cookie (as wrk sends it): median and p95 wall ms,
median process CPU ms, and the SQL queries of one request. "fresh" raises the board version before
each request (as a committed change to a request does) and adds a parameter nobody asked for yet, so
nothing cached for the board can answer: the first visitor after a change.
With --profile, prints where the milliseconds of that shape go (cProfile).
"""

from __future__ import annotations

import argparse
import sys
import time
from urllib.parse import urlencode

from bench import inprocess


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
    inprocess.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

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

    def cols(r):
        return f"{r['p50']:>6.1f} {r['p95']:>6.1f} {r['cpu']:>6.1f} {r['queries']:>3}"

    for name, path in pages.items():
        sep = "&" if "?" in path else "?"
        hit = inprocess.measure(client, path, args.n)
        new = inprocess.measure(client, path, args.n, url_for=lambda i, path=path, sep=sep: fresh(
            f"{path}{sep}_r={i}-{time.time_ns()}"))
        print(f"{name:<24} {cols(hit)} | {cols(new):>30}", flush=True)
    if args.profile:
        path = pages[args.profile]
        sep = "&" if "?" in path else "?"
        inprocess.print_profile(
            lambda i: client.get(fresh(f"{path}{sep}_p={i}-{time.time_ns()}") if args.fresh else path), args.n)

if __name__ == "__main__":
    main(sys.argv[1:])
