"""Races with real threads on real PostgreSQL, and waits for real workers, for the tests of every app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection


def run_concurrently(func: Callable[[int], object], n: int = 20) -> tuple[list, list[Exception]]:
    """Call `func(i)` for i in 0…n-1 in `n` threads released together by a barrier.

    Each thread uses (and closes) its own database connection, so the calls really race in
    PostgreSQL. Returns the results and the exceptions raised, each in completion order; use it
    with `@pytest.mark.django_db(transaction=True)` so the threads see committed rows.
    """
    barrier = threading.Barrier(n)
    results: list = []
    errors: list[Exception] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results.append(func(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running after 60 s"
    return results, errors


def wait_for(check, seconds: float = 20.0) -> bool:
    """Poll `check()` until it is true (True) or `seconds` pass (False): for work done by a real worker."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False
