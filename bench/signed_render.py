"""Single-threaded cost of the signed-in pages: wall and CPU milliseconds and SQL queries per request.

    BENCH_CEILING=1 DATABASE_URL=…_bench .venv/bin/python -m azmoodegan.launcher exec \
        .venv/bin/python -m bench.signed_render [-n 40] [--only NAME,…] [--profile NAME]

Every page is requested with a real signed-in session (the bench buyer; the service with 5,000
reviews with its reviewer, and the expert dashboard with bench/home.py's expert of 5,000 orders,
as `make bench` does). `floor` is base.html with an empty content block,
what every signed-in page pays before its own content. With --profile, cProfile of that page.
"""

from __future__ import annotations

import argparse
import sys

from bench import inprocess


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default=None)
    args = parser.parse_args(argv)
    inprocess.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

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
    if not args.only or "dashboard" in args.only.split(","):
        from bench import home as bench_home

        bench_home.prepare()
        expert = Client()
        expert.force_login(bench_home._expert())
        pages["dashboard"] = (expert, "/dashboard/")
    if args.only:
        wanted = args.only.split(",")
        pages = {k: v for k, v in pages.items() if k in wanted}
    print(inprocess.header("page", 24) + f"  (signed in, one thread, n={args.n})")
    for name, (client, path) in pages.items():
        print(inprocess.row(name, inprocess.measure(client, path, args.n), 24), flush=True)
    if args.profile:
        client, path = pages[args.profile]
        inprocess.print_profile(lambda i: client.get(path), args.n)


if __name__ == "__main__":
    main(sys.argv[1:])
