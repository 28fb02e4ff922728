"""Write side effects into the outbox in the caller's transaction; drain them exactly once.

    from outbox.api import enqueue_email
    enqueue_email(subject=..., body=..., to=[user.email])    # inside the transaction that caused it

`enqueue` (any handler) and `enqueue_email` register one robust on-commit hook that asks Celery to
drain soon. The request only raises a flag: a thread of the process sends the drain task (at most
one every KICK_INTERVAL seconds, however many commits asked), so no request waits on the broker;
if the broker is unreachable that is logged and nothing else happens: the beat task drains the
rows once the broker is back. The user's request never fails because of it.

Inside `collected()` (an order's completion uses it) every `enqueue` of the block is written at its
end in one INSERT: the side effects that only write to the database become one row (a group, run
by `run_group` in one drainer transaction: all of them or, on an error, none and a retry), and the
ones that leave the site (`alone=True`: emails) a row each, so that a retry never sends twice.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import os
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from psycopg import errors as psycopg_errors

from .models import Message

logger = logging.getLogger(__name__)

EMAIL_HANDLER = "outbox.api.send_email"
GROUP_HANDLER = "outbox.api.run_group"
MAX_ATTEMPTS = 12
KICK_INTERVAL = 0.05  # seconds between two drain tasks sent by one process


class _Collector:
    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.grouped: list[dict] = []
        self.alone: list[Message] = []


_collector: contextvars.ContextVar[_Collector | None] = contextvars.ContextVar("outbox_collector", default=None)


def _savepoint_depth() -> int:
    return sum(1 for sid in transaction.get_connection().savepoint_ids if sid)


@contextmanager
def collected():
    """Inside a transaction: write the block's side effects at its end, in one INSERT (see above).

    A side effect enqueued inside a savepoint of the block is written at once instead (it must
    vanish if that savepoint is rolled back). Nested blocks leave the writing to the outermost.
    """
    if _collector.get() is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("outbox.collected() needs a transaction.")
    collector = _Collector(_savepoint_depth())
    token = _collector.set(collector)
    try:
        yield
    finally:
        _collector.reset(token)
    rows = list(collector.alone)
    if len(collector.grouped) == 1:
        rows.append(collector.grouped[0])
    elif collector.grouped:
        rows.append({"handler": GROUP_HANDLER, "payload": {"items": collector.grouped}})
    if rows:
        _insert(rows)
        transaction.on_commit(kick, robust=True)


_INSERT = """
INSERT INTO outbox_message (handler, payload, created_at, available_at, attempts, last_error)
SELECT row.handler, row.payload::jsonb, %s, %s, 0, '' FROM unnest(%s::text[], %s::text[]) AS row(handler, payload)
"""


def _insert(rows: list[dict]) -> None:
    """Rows `{"handler": …, "payload": …}` in one statement (what `Message.objects.bulk_create` would
    write, without its per-field machinery)."""
    field = Message._meta.get_field("payload")
    now = timezone.now()
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_INSERT, [now, now, [row["handler"] for row in rows],
                                 [json.dumps(row["payload"], cls=field.encoder) for row in rows]])


def enqueue(handler: str, payload: dict | None = None, *, dedupe_key: str | None = None,
            alone: bool = False) -> Message | None:
    """Record one side effect (`handler` is the dotted path of a function taking the payload's keys).

    Call it inside the transaction of the change that causes it. Returns None when `dedupe_key`
    was already enqueued, or when the row is written later by `collected()`. `alone`: the handler
    does something outside the database (sends an email), so it never shares a row with others.
    """
    collector = _collector.get()
    if collector is not None and dedupe_key is None and _savepoint_depth() == collector.depth:
        if alone:
            collector.alone.append({"handler": handler, "payload": payload or {}})
        else:
            collector.grouped.append({"handler": handler, "payload": payload or {}})
        return None
    if dedupe_key is None:
        message = Message.objects.create(handler=handler, payload=payload or {})
    else:
        try:
            with transaction.atomic():
                message = Message.objects.create(handler=handler, payload=payload or {}, dedupe_key=dedupe_key)
        except IntegrityError:
            if Message.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
    transaction.on_commit(kick, robust=True)
    return message


def enqueue_email(*, subject: str, body: str, to: list[str], html: str | None = None,
                  from_email: str | None = None, dedupe_key: str | None = None) -> Message | None:
    """Record one rendered email to be sent after commit."""
    return enqueue(EMAIL_HANDLER, {
        "subject": subject, "body": body, "to": list(to), "html": html,
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
    }, dedupe_key=dedupe_key, alone=True)


def database_only(handler):
    """Mark an outbox handler that only writes to this database (no email, no call to another site):
    the drainer may then run its rows together with others in one transaction. A handler not marked
    is run and committed on its own, so that nothing it sent is sent again if a later row fails."""
    handler.outbox_database_only = True
    return handler


@database_only
def run_group(*, items: list[dict]) -> None:
    """The handler of a group row: every item in order, in the drainer's transaction."""
    for item in items:
        import_string(item["handler"])(**item["payload"])


def send_email(*, subject: str, body: str, to: list[str], from_email: str, html: str | None = None) -> None:
    """The email handler (runs in a drainer)."""
    message = mail.EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def kick() -> None:
    """Ask a worker to drain soon. Never raises and never waits on the broker (see the module's
    docstring); with eager Celery (tests, the demo) it drains here and now."""
    from .tasks import drain_task

    if drain_task.app.conf.task_always_eager:
        drain_task.apply()
        return
    _kicker.want()


def _send_drain_task(state: dict) -> None:
    from .tasks import drain_task

    if drain_task.app.conf.task_always_eager:
        return  # switched to eager meanwhile (tests): the committing thread drained itself
    url = drain_task.app.conf.broker_url
    if state.get("connection") is not None and state.get("url") != url:  # the broker was moved
        with contextlib.suppress(Exception):
            state["connection"].release()
        state["connection"] = None
    try:
        if state.get("connection") is None:
            state["url"] = url
            # A connection that gives up at once: with the broker down, kombu's default retries
            # would hold the kicks of this process for about six seconds.
            state["connection"] = drain_task.app.connection_for_write(
                transport_options={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
                connect_timeout=1,
            )
        drain_task.apply_async(retry=False, connection=state["connection"])
    except Exception:  # noqa: BLE001 - the broker being down must never reach the user
        logger.warning("outbox: could not ask a worker to drain now; the periodic drain will", exc_info=True)
        connection, state["connection"] = state.get("connection"), None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.release()
        time.sleep(1)  # and try again with the next commit


class _Kicker:
    """One daemon thread per process that sends a drain task after commits raised its flag.

    Every commit that wrote rows raises the flag after committing; the thread lowers it before
    sending, so each commit is followed by a drain task sent after it (commits close together share
    one). Restarted in a forked child (gunicorn, Celery prefork).
    """

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._flag = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def want(self) -> None:
        self._flag.set()
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="outbox-kicker", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        state: dict = {}
        flag = self._flag
        while True:
            flag.wait()
            flag.clear()
            _send_drain_task(state)
            time.sleep(KICK_INTERVAL)


_kicker = _Kicker()


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _conflict(exc: BaseException) -> bool:
    """A clash with another transaction (two drainers' batches locking the same rows in opposite
    orders, a serialization failure), not a fault of the handler: worth running again at once."""
    for error in (exc, exc.__cause__):
        if isinstance(error, psycopg_errors.DeadlockDetected | psycopg_errors.SerializationFailure
                      | psycopg_errors.LockNotAvailable):
            return True
    return False


def _failed(pk: int, handler: str, attempts: int, exc: BaseException, now) -> list:
    """Log a failed row and give the values of `_MARK_FAILED`: a clash with another drainer is retried
    a second later and logged as a warning; anything else is an error, retried with backoff."""
    if _conflict(exc):
        logger.warning("outbox: message %s (%s) clashed with another transaction (%s); retried shortly",
                       pk, handler, type(exc.__cause__ or exc).__name__)
        retry_at = now + dt.timedelta(seconds=1)
    else:
        logger.exception("outbox: message %s (%s) failed, attempt %s", pk, handler, attempts + 1)
        retry_at = now + _backoff(attempts + 1)
    return [attempts + 1, f"{type(exc).__name__}: {exc}"[:2000], retry_at, pk]


# Rows one drainer claims at once. The database-only ones share a transaction, so the rows their
# handlers write (a thread, a service's count) stay locked until it commits: a small batch keeps
# that short (a few tens of milliseconds) while sharing most of the per-transaction cost.
BATCH = 20

_CLAIM = """
SELECT id, handler, payload, attempts FROM outbox_message
WHERE sent_at IS NULL AND available_at <= %s AND attempts < %s
ORDER BY available_at, id LIMIT %s FOR UPDATE SKIP LOCKED
"""
# A row claimed again on its own is marked sent by the claim itself (in the transaction that then
# runs it: if the handler fails, the mark is rolled back with it).
_RECLAIM = """
UPDATE outbox_message SET attempts = attempts + 1, sent_at = %s
WHERE id = (SELECT id FROM outbox_message WHERE id = %s AND sent_at IS NULL AND available_at <= %s AND attempts < %s
            FOR UPDATE SKIP LOCKED)
RETURNING id, handler, payload, attempts - 1
"""
_MARK_SENT = "UPDATE outbox_message SET attempts = attempts + 1, sent_at = %s WHERE id = ANY(%s)"
_MARK_FAILED = "UPDATE outbox_message SET attempts = %s, last_error = %s, available_at = %s WHERE id = %s"


_handlers: dict[str, object] = {}


def _handler(path: str):
    handler = _handlers.get(path)
    if handler is None:
        handler = _handlers[path] = import_string(path)
    return handler


def _database_only(path: str) -> bool:
    try:
        return getattr(_handler(path), "outbox_database_only", False)
    except ImportError:
        return False  # run alone, where it fails and is retried like any failing handler


def _rows(cursor) -> list[tuple[int, str, dict, int]]:
    return [(pk, handler, json.loads(payload) if isinstance(payload, str | bytes) else payload, attempts)
            for pk, handler, payload, attempts in cursor.fetchall()]


def _run(cursor, rows, now) -> list[int]:
    """The rows' handlers in order; a failure is logged and its row set for a retry, and the others
    go through. Returns the ids of the rows that went through (the caller marks them sent).

    All in one savepoint first (the common case: nothing fails). If a handler fails, that savepoint
    is rolled back (the claim's locks stay), the failed row is set for a retry without running it
    again, and the other rows run again, each in a savepoint of its own; after a clash with another
    drainer (`_conflict`) every row runs again so, the clashing one too. Only the last row may act
    outside the database (see `drain`), so nothing that left is done twice.
    """
    if not rows:
        return []
    running = None
    try:
        with transaction.atomic():
            for index, (_pk, handler, payload, _attempts) in enumerate(rows):
                running = index
                _handler(handler)(**payload)
            running = None
        return [row[0] for row in rows]
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
        if running is None:
            raise
        pk, handler, _payload, attempts = rows[running]
        if _conflict(exc):
            failed = None  # the rollback freed this batch's locks, so the other drainer goes on
        else:
            cursor.execute(_MARK_FAILED, _failed(pk, handler, attempts, exc, now))
            failed = running
    done = []
    for index, (pk, handler, payload, attempts) in enumerate(rows):
        if index == failed:
            continue
        try:
            with transaction.atomic():
                _handler(handler)(**payload)
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
            cursor.execute(_MARK_FAILED, _failed(pk, handler, attempts, exc, now))
            continue
        done.append(pk)
    return done


def drain(*, limit: int | None = None) -> int:
    """Send due messages; returns how many were sent.

    `SELECT … FOR UPDATE SKIP LOCKED` hands each row to exactly one drainer, which claims up to BATCH
    due rows at once; a handler runs and its row is marked sent before that transaction commits.
    The rows of handlers that only write to the database (`database_only`) run in one transaction
    (a failure stays with its row: see `_run`) and are marked sent in one statement; any other row
    (an email) gets a transaction of its own (the first one shares the batch's, and runs last in
    it), so a retry never sends it twice.
    A failing handler is logged, its row is retried later with backoff (up to MAX_ATTEMPTS), and
    draining goes on with the next row.
    """
    sent = 0
    while limit is None or sent < limit:
        want = BATCH if limit is None else min(BATCH, limit - sent)
        claimed, done, rest = _transaction(_CLAIM, [_NOW, MAX_ATTEMPTS, want], batch=True)
        sent += done
        for pk in rest:  # their locks went with the commit: take each again, if still due
            if limit is not None and sent >= limit:
                break
            sent += _transaction(_RECLAIM, [_NOW, pk, _NOW, MAX_ATTEMPTS], marked=True)[1]
        if claimed < want:  # nothing else was due (rows locked meanwhile are another drainer's)
            return sent
    return sent


_NOW = object()  # stands for the transaction's time among a claim's parameters


def _transaction(claim: str, params: list, *, batch: bool = False, marked: bool = False) -> tuple[int, int, list[int]]:
    """One drainer transaction: claim rows with `claim`, run them, mark the ones that went through.

    With `batch`, the database-only rows and the first other row run here, and the ids of the other
    rows are returned for a transaction each. `marked`: the claim (of one row) marked it sent.
    Returns (rows claimed, rows sent, those ids). A row alone in its transaction runs without a
    savepoint: if it fails, all is rolled back and the failure is written in a transaction of its own.
    """
    claimed, rest, failed = 0, [], None
    try:
        with transaction.atomic(), transaction.get_connection().cursor() as cursor:
            now = timezone.now()
            cursor.execute(claim, [now if p is _NOW else p for p in params])
            rows = _rows(cursor)
            claimed = len(rows)
            if batch:
                local = [row for row in rows if _database_only(row[1])]
                alone = [row for row in rows if not _database_only(row[1])]
                rows, rest = local + alone[:1], [row[0] for row in alone[1:]]
            if len(rows) == 1:
                pk, handler, payload, _attempts = rows[0]
                try:
                    _handler(handler)(**payload)
                except Exception:
                    failed = (rows[0], now)
                    raise
                done = [pk]
            else:
                done = _run(cursor, rows, now)
            if done and not marked:
                cursor.execute(_MARK_SENT, [timezone.now(), done])
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
        if failed is None:
            raise
        (pk, handler, _payload, attempts), now = failed
        values = _failed(pk, handler, attempts, exc, now)
        with transaction.atomic(), transaction.get_connection().cursor() as cursor:
            # Unless another drainer took the row meanwhile (its attempts moved on).
            cursor.execute(_MARK_FAILED + " AND attempts = %s AND sent_at IS NULL", [*values, attempts])
        return claimed, 0, rest
    return claimed, len(done), rest
