"""Queries of a fixed shape, compiled to SQL once per process.

Django turns a queryset into SQL on every evaluation. For the inbox and conversation queries (a union of
two index scans, joins, subqueries) that took 3–4 ms of CPU per page — more than PostgreSQL took to run
them — although from one request to the next only the ids in them change. The signed-in user with their
expert profile (every signed-in request, azmoodegan/auth_backends.py) is read the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

import psycopg
from django.db import connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.models import QuerySet
from psycopg.pq import Format
from psycopg.types.numeric import Int8BinaryDumper, Int8Dumper

_TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid
_PSYCOPG_TIMESTAMPTZ = psycopg.adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)
_NEVER_BY_COUNT = 2**31  # psycopg's prepare threshold: prepare what asks for it, nothing else by count
_STAND_IN = -7_000_000_000  # ids are never negative: a stand-in cannot be mistaken for a real parameter


class CompiledValues:
    """A `.values()` queryset whose SQL is built once and then run with other ids.

    `build(*ids)` returns the queryset. It is called once with stand-in ids, and where they land among the
    SQL parameters is remembered; `rows(*ids)` runs that SQL with the real ids and returns what `.values()`
    would (dicts, Django's converters applied). Only ids may vary: anything else that changes the SQL
    (a slice, a choice of filters) belongs in `build`'s closure, one CompiledValues for each shape.

    With `prepare`, PostgreSQL too keeps the statement (per connection) and, after a few runs, one plan for
    all ids. Only for queries whose best plan does not depend on the ids (rows by primary key and joins from
    them): a per-user query planned once could suit a user with a few rows and not one with thousands.
    """

    def __init__(self, build: Callable[..., QuerySet], arity: int, using: str = "default", *, prepare: bool = False):
        self.build, self.arity, self.using, self.prepare = build, arity, using, prepare
        self._compiled = None

    def _compile(self):
        stand_ins = [_STAND_IN - i for i in range(self.arity)]
        queryset = self.build(*stand_ins)
        query = queryset.query
        compiler = query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        slots = [stand_ins.index(p) if isinstance(p, int) and p in stand_ins else None for p in params]
        missing = set(range(self.arity)) - set(slots)
        if missing:
            raise ValueError(f"arguments {sorted(missing)} do not appear among the SQL parameters")
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        # What `compiler.results_iter` would work out again on every run: the columns' converters.
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("composite fields are not supported")
        converters = compiler.get_converters(fields)
        self._compiled = (sql, list(params), slots, compiler, names, converters)
        return self._compiled

    @property
    def names(self) -> list[str]:
        """The names of the columns, in the order of `tuples()` rows (those of `.values()`)."""
        return (self._compiled or self._compile())[4]

    def rows(self, *ids: int) -> list[dict]:
        names = (self._compiled or self._compile())[4]
        return [dict(zip(names, row, strict=True)) for row in self.tuples(*ids)]

    def tuples(self, *ids: int) -> list:
        """The rows as tuples, in the order of `.values()`'s names (as `.values_list()` would)."""
        if len(ids) != self.arity or not all(isinstance(i, int) for i in ids):
            raise TypeError(f"expected {self.arity} whole-number ids, got {ids!r}")
        sql, params, slots, compiler, names, converters = self._compiled or self._compile()
        values = [p if slot is None else ids[slot] for p, slot in zip(params, slots, strict=True)]
        with connections[self.using].cursor() as cursor:
            if self.prepare:
                cursor.cursor = _preparing(cursor)
            _psycopg_times(cursor)
            cursor.execute(sql, values)
            fetched = cursor.fetchall()
        return list(compiler.apply_converters(fetched, converters)) if converters else fetched


def _psycopg_times(wrapper) -> None:
    """Timestamps read by psycopg's own loader (in C) rather than Django's (Python, about 3 µs a value: 0.1 ms
    for an inbox page's 31 rows) where both give the same: Django's puts the connection's time zone on each
    value, psycopg's the session's, and both are UTC unless DATABASES sets a TIME_ZONE."""
    cursor = wrapper.cursor
    if wrapper.db.timezone is dt.UTC and cursor.connection.info.parameter_status("TimeZone") == "UTC":
        cursor.adapters.register_loader(_TIMESTAMPTZ_OID, _PSYCOPG_TIMESTAMPTZ)


class _PreparingCursor(psycopg.Cursor):
    """A cursor that binds its parameters on the server and runs its statements prepared."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


def _preparing(wrapper):
    """Django's cursor `wrapper` (connection checks, query log and execute wrappers as for any query) with
    a `_PreparingCursor` in place of its client-side binding one. PostgreSQL then parses the statement once
    per connection and, after five runs, plans it once if a generic plan costs no more: planning the
    conversation page's query (six joins, three subqueries) took it several times as long as running it."""
    client = wrapper.cursor
    if not isinstance(client, psycopg.ClientCursor):  # server-side binding already (OPTIONS)
        return client
    connection = client.connection
    if connection.prepare_threshold is None:
        # Django turns psycopg's statement cache off (for connection poolers); this cursor asks for preparing
        # itself, so the threshold only has to let it. Django's own cursors bind on the client and never prepare.
        connection.prepare_threshold = _NEVER_BY_COUNT
    cursor = _PreparingCursor(connection)
    # Every id as a bigint: psycopg would send each as the smallest type that holds it, and a page whose ids
    # straddle 32767 or 2**31 would be another statement for PostgreSQL to prepare and plan, in each order.
    cursor.adapters.register_dumper(int, Int8Dumper)
    cursor.adapters.register_dumper(int, Int8BinaryDumper)
    # As Django's `create_cursor`: the cursor's time zone, if the connection's is not the one in use.
    if wrapper.db.timezone != connection.adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT).timezone:
        register_tzloader(wrapper.db.timezone, cursor)
    client.close()
    return cursor


def instance(model, row: dict, prefix: str, fields: tuple[str, ...], using: str = "default"):
    """A model instance from `prefix`-ed columns of a values row, as `select_related` + `only` would make it
    (other fields deferred); None if the row has no such object (a LEFT JOIN that found nothing)."""
    pk = row[f"{prefix}id"]
    if pk is None:
        return None
    keys, attnames = _columns(model, prefix, fields)
    return model.from_db(using, attnames, [row[k] for k in keys])


@lru_cache(maxsize=64)
def _columns(model, prefix: str, fields: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The values-row keys and the model's attribute names of `instance`'s columns (worked out once)."""
    names = ["id", *fields]
    return [f"{prefix}{n}" for n in names], [model._meta.get_field(n).attname for n in names]


def marked_ids(model, id_column: str, user_column: str, user_id: int, ids, *, where: str = "",
               params: tuple = ()) -> set[int]:
    """Which of `ids` (values of `id_column`) have a row of `model` whose `user_column` is `user_id` (and
    that meets `where`, SQL over the model's columns with `params`): the per-visitor marks of a shared page
    (saved hearts, helpful votes, offers sent). Written out, because this small indexed query runs on
    every signed-in page that shows such marks and the ORM spent ~1 ms of CPU building it."""
    ids = [int(i) for i in ids]
    if not ids:
        return set()
    connection = connections["default"]
    qn = connection.ops.quote_name
    sql = (f"SELECT {qn(id_column)} FROM {qn(model._meta.db_table)} "  # noqa: S608 - names from the model
           f"WHERE {qn(user_column)} = %s AND {qn(id_column)} = ANY(%s)" + (f" AND {where}" if where else ""))
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, ids, *params])
        return {row[0] for row in cursor.fetchall()}


class CompiledInstances(CompiledValues):
    """Whole model instances (every concrete field, as the queryset itself would give them) from a query
    of a fixed shape compiled once: `build(*ids)` returns the queryset, `instances(*ids)` runs it.

    For the hottest lookups of a model, such as an order action's `SELECT … FOR UPDATE` of the order row:
    building the SQL of a model with thirty columns cost more CPU than PostgreSQL spent running it.
    """

    def __init__(self, model, build: Callable[..., QuerySet], arity: int, using: str = "default"):
        self.model = model
        self.attnames = tuple(f.attname for f in model._meta.concrete_fields)
        super().__init__(lambda *ids: build(*ids).values(*self.attnames), arity, using)

    def instances(self, *ids: int) -> list:
        return [self.model.from_db(self.using, self.attnames, row) for row in self.tuples(*ids)]
