"""In-process timing of pages with Django's test client: one thread, no network, so the numbers are
relative but steady on a shared machine. The profile_* scripts and signed_render.py build on it.

Run them against a bench database with STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 DEBUG=0
ALLOWED_HOSTS=testserver DATABASE_URL=…/<name>_bench.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def setup() -> None:
    """Django set up for a script run from the project's root or bench/."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "azmoodegan.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def backend_cpu(pid: int) -> float | None:
    """CPU seconds used so far by the PostgreSQL backend `pid` (user + system, from /proc); None where its
    process cannot be read (a server on another machine). Clock ticks of 10 ms: a mean over many requests."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def measure(client, path: str, n: int, *, url_for: Callable[[int], str] | None = None) -> dict:
    """Median and p95 wall ms, median process CPU ms over `n` requests, and the SQL queries of one.

    `url_for(i)`, when given, makes the URL of the i-th request (a URL nobody asked for yet, say)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url_for = url_for or (lambda i: path)
    for i in range(3):
        response = client.get(url_for(-1 - i))
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url_for(-4))
    queries = len(ctx.captured_queries)  # read now: every request clears the connection's query log
    wall, cpu = [], []
    for i in range(n):
        url = url_for(i)
        w0, c0 = time.perf_counter(), time.process_time()
        client.get(url)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return {"p50": statistics.median(wall), "p95": p95(wall), "cpu": statistics.median(cpu), "queries": queries}


def row(name: str, r: dict, width: int = 28) -> str:
    return f"{name:<{width}} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['cpu']:>7.1f} {r['queries']:>8}"


def header(title: str, width: int = 28) -> str:
    return f"{title:<{width}} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} {'queries':>8}"


def print_profile(request: Callable[[int], object], n: int) -> None:
    """Where the CPU time of `n` calls of `request(i)` goes (waits on PostgreSQL and Redis left out)."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(n):
        request(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
