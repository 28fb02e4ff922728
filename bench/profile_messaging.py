"""Single-threaded in-process times of the messaging pages (inbox of 200 conversations, a 500-message
conversation), signed in as bench/messaging.py's user: median/p95 wall ms, process CPU ms, SQL queries.

    DATABASE_URL=…/az_x_bench STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 DEBUG=0 ALLOWED_HOSTS=testserver \\
        .venv/bin/python -m bench.profile_messaging [-n 60] [--profile inbox|conversation] [--base]

With --profile, prints where the time of that page goes (cProfile). With --base, also measures a
signed-in page that is base.html and nothing else (the base cost every signed-in page pays).
"pg cpu" is the mean CPU ms per request of the PostgreSQL backend (parsing, planning, running the
queries), read from /proc when the server runs on this machine.
"""

from __future__ import annotations

import argparse
import sys

from bench import inprocess


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


def _backend_cpu_ms():
    """A function giving the CPU ms used so far by this process's PostgreSQL backend (None where the server's
    processes cannot be read, as when it runs elsewhere): what the page costs the database, planning included,
    on the same two cores under wrk. Clock ticks of 10 ms: meaningful as a mean over many requests."""

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    def spent():
        seconds = inprocess.backend_cpu(pid)
        return None if seconds is None else seconds * 1000

    return spent


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=60)
    parser.add_argument("--profile", choices=["inbox", "conversation"], default=None)
    parser.add_argument("--base", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the queries of each page")
    args = parser.parse_args(argv)
    inprocess.setup()
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
    print(inprocess.header("page", 32) + f" {'pg cpu':>7}  (n={args.n}, one thread)")
    pg_cpu = _backend_cpu_ms()
    for name, path in pages.items():
        before = pg_cpu()
        result = inprocess.measure(client, path, args.n)
        spent = pg_cpu() - before if before is not None else None
        # measure() makes n + 4 requests (three to warm up, one to count the queries)
        print(inprocess.row(name, result, 32) + (f" {spent / (args.n + 4):>7.2f}" if spent is not None else "       -"))
    if args.profile:
        path = pages[args.profile]
        inprocess.print_profile(lambda i: client.get(path), args.n)

if __name__ == "__main__":
    main(sys.argv[1:])
