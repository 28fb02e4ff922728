"""Run a function from many threads at once (each with its own database connection)."""

from __future__ import annotations

import threading

from django.db import connection


def run_concurrently(func, n: int, *, timeout: float = 60):
    """Call `func(i)` for i in range(n) from n threads released together; returns (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(func(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results, errors
