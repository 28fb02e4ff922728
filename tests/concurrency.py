"""Races with real threads on real PostgreSQL, and waits for real workers, for the tests of every app."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from django.db import connection


class _Racer:
    """A thread that runs one call per race, kept for the next race with its own database connection:
    connecting to PostgreSQL costs more than many of the calls that race."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                job()
            finally:
                # As after a request: a connection left broken or in a transaction is not reused.
                connection.close_if_unusable_or_obsolete()


_racers: list[_Racer] = []


def run_concurrently(func: Callable[[int], object], n: int = 20) -> tuple[list, list[Exception]]:
    """Call `func(i)` for i in 0…n-1 in `n` threads released together by a barrier.

    Each thread uses its own database connection, so the calls really race in PostgreSQL (the threads
    and their connections are kept for the next race). Returns the results and the exceptions raised,
    each in completion order; use it with `@pytest.mark.django_db(transaction=True)` so the threads
    see committed rows.
    """
    barrier = threading.Barrier(n)
    results: list = []
    errors: list[Exception] = []
    finished = threading.Semaphore(0)

    def job(i: int) -> None:
        try:
            barrier.wait()
            results.append(func(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on by the caller
            errors.append(exc)
        finally:
            finished.release()

    while len(_racers) < n:
        _racers.append(_Racer())
    for i in range(n):
        _racers[i].jobs.put(lambda i=i: job(i))
    deadline = time.monotonic() + 60
    for _ in range(n):
        if not finished.acquire(timeout=max(0.0, deadline - time.monotonic())):
            _racers.clear()  # the stuck threads are left to finish on their own
            raise AssertionError("a thread is still running after 60 s")
    return results, errors


def wait_for(check, seconds: float = 20.0) -> bool:
    """Poll `check()` until it is true (True) or `seconds` pass (False): for work done by a real worker."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False
