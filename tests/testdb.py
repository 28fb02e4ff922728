"""The test databases: one migrated template per schema, copied for each worker, and a fast wipe
between transactional tests that puts the database back exactly as `migrate` left it.

- **Template.** `migrate` runs once into `test_<NAME>_tpl_<fingerprint>`; each pytest-xdist worker's
  database is a copy of it (`CREATE DATABASE … TEMPLATE`, a fraction of a second instead of a full
  `migrate`). The fingerprint hashes everything that decides what `migrate` builds: every Python file
  of the project outside `tests/` (migrations import app code), every file under a `migrations/`
  folder, and the installed packages' versions. Any change to those builds a new template and drops
  the old one, so a template can never be stale; an unchanged tree reuses the last one.
- **Snapshot.** The template also holds, in the schema `test_snapshot`, a copy of every table that
  `migrate` left rows in (content types, permissions, seeded synonyms, the catalogue version).
- **Wipe.** After a transactional test Django would TRUNCATE every table and re-run `post_migrate`
  (about a second on a loaded machine). Instead every table is emptied with DELETE and the snapshot
  copied back (only into the tables whose rows differ from it), in one transaction with triggers off (`session_replication_role = replica`, which
  needs a superuser; otherwise Django's flush runs). The database is then exactly as migrated — also
  the rows data migrations made, which Django's flush leaves out — so tests of any kind may run in
  any order.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
from pathlib import Path

from django.conf import settings

SNAPSHOT = "test_snapshot"
_SKIP_DIRS = {"node_modules", "tests", "static", "staticfiles", "__pycache__"}


def fingerprint() -> str:
    """A hash of what `migrate` depends on (see the module docstring)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    paths = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
        rel_folder = Path(folder).relative_to(root)
        for name in files:
            rel = rel_folder / name
            if name.endswith(".py") or "migrations" in rel.parts:
                paths.append(rel)
    for rel in sorted(paths):
        digest.update(str(rel).encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(dist.encode() + b"\n")
    return digest.hexdigest()[:12]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _drop(cursor, name: str) -> None:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cursor.fetchone():
        cursor.execute(f"ALTER DATABASE {_quote(name)} WITH IS_TEMPLATE false")
        cursor.execute(f"DROP DATABASE {_quote(name)} WITH (FORCE)")


def _take_snapshot(connection) -> None:
    """Copy every table `migrate` left rows in into the schema `test_snapshot`."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {SNAPSHOT}")
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})")
            if cursor.fetchone()[0]:
                cursor.execute(f"CREATE TABLE {SNAPSHOT}.{_quote(table)} AS TABLE public.{_quote(table)}")


def ensure_template(connection) -> str:
    """The name of the migrated template for this tree, built first if it does not exist yet.

    Workers starting together wait on an advisory lock while one of them builds it.
    """
    base = "test_" + connection.settings_dict["NAME"]
    prefix = base[: 63 - len("_tpl_") - 12 - len("_new")] + "_tpl_"
    template = prefix + fingerprint()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        try:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone():
                return template
            building = template + "_new"
            _drop(cursor, building)
            saved_name, saved_test = connection.settings_dict["NAME"], dict(connection.settings_dict["TEST"])
            connection.settings_dict["TEST"] = {**saved_test, "NAME": building, "TEMPLATE": None}
            try:
                connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
                _take_snapshot(connection)
            finally:
                connection.close()
                connection.settings_dict["NAME"] = saved_name
                settings.DATABASES[connection.alias]["NAME"] = saved_name
                connection.settings_dict["TEST"] = saved_test
            cursor.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(template)}")
            cursor.execute(f"ALTER DATABASE {_quote(template)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
            # Templates of older trees go (only this checkout's database name is touched).
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                           [prefix.replace("_", r"\_") + "%", template])
            for (stale,) in cursor.fetchall():
                if re.fullmatch(re.escape(prefix) + r"[0-9a-f]{12}(_new)?", stale):
                    _drop(cursor, stale)
            return template
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])


def prepare_worker_database(connection, recreate: bool = False) -> None:
    """Point `connection` at this worker's test database, a copy of the template.

    The copy of the previous run is kept and reused when it came from the same template: it is wiped
    back to the migrated state first (like `--reuse-db`, without stale rows). Otherwise, with
    `recreate` (pytest's `--create-db`), or when the wipe is not allowed (not a superuser), it is
    copied anew. It is not dropped at the end: DROP
    DATABASE waits for a checkpoint of the whole server (seconds on a busy machine).
    """
    template = ensure_template(connection)
    name = connection.creation._get_test_db_name()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                       [name])
        row = cursor.fetchone()
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        can_wipe = cursor.fetchone()[0]
        reuse = can_wipe and not recreate and row is not None and row[0] == f"copy of {template}"
        if not reuse:
            if row is not None:
                cursor.execute(f"DROP DATABASE {_quote(name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(template)}")
            cursor.execute(f"COMMENT ON DATABASE {_quote(name)} IS %s", [f"copy of {template}"])
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    if reuse and not wipe(connection):
        raise RuntimeError(f"cannot wipe the kept test database {name}: run with --create-db")


_wipe_sql: dict[str, str | None] = {}


def _build_wipe_sql(connection) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            "SELECT table_name, string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
            "FROM information_schema.columns WHERE table_schema = %s AND is_generated = 'NEVER' "
            "GROUP BY table_name", [SNAPSHOT])
        snapshot = dict(cursor.fetchall())
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    if not tables or not snapshot:
        return None
    # Tables `migrate` left rows in are copied back only when a test changed them (most tests leave
    # the permissions, content types and synonyms alone): comparing is cheaper than rewriting.
    restore = []
    for table, columns in sorted(snapshot.items()):
        if table in tables:
            mine, kept = f"public.{_quote(table)}", f"{SNAPSHOT}.{_quote(table)}"
            restore.append(
                f"IF EXISTS (SELECT {columns} FROM {mine} EXCEPT ALL SELECT {columns} FROM {kept}) "
                f"OR EXISTS (SELECT {columns} FROM {kept} EXCEPT ALL SELECT {columns} FROM {mine}) THEN "
                f"DELETE FROM {mine}; INSERT INTO {mine} ({columns}) SELECT {columns} FROM {kept}; END IF;")
    emptied = sorted(t for t in tables if t not in snapshot)
    return ("SET LOCAL session_replication_role = replica;"
            + "".join(f"DELETE FROM public.{_quote(t)};" for t in emptied)
            + "DO $wipe$ BEGIN " + " ".join(restore) + " END $wipe$;")


def wipe(connection) -> bool:
    """Empty every table and copy the snapshot back; False when this database cannot (see above)."""
    from django.db import transaction

    name = connection.alias
    if name not in _wipe_sql:
        _wipe_sql[name] = _build_wipe_sql(connection) if connection.vendor == "postgresql" else None
    if _wipe_sql[name] is None:
        return False
    with transaction.atomic(using=name), connection.cursor() as cursor:
        cursor.execute(_wipe_sql[name])
    return True


def install_fast_wipe() -> None:
    """Make transactional tests end with the wipe above instead of Django's TRUNCATE flush, and keep
    their database connection when it is clean."""
    from django.db import connections
    from django.test import TransactionTestCase

    django_flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if self.available_apps is not None or self.serialized_rollback:
            return django_flush(self)
        for name in self._databases_names(include_mirrors=False):
            if not wipe(connections[name]):
                return django_flush(self)
        return None

    def _should_reload_connections(self):
        """Django closes every connection after a transactional test, so that the next one starts
        clean; connecting again costs 10–20 ms. A connection left idle (autocommit, no transaction, no
        error) is as clean and is kept; any other is closed as before."""
        for conn in connections.all(initialized_only=True):
            if conn.connection is None:
                continue
            if conn.in_atomic_block or not conn.get_autocommit() or conn.errors_occurred or not conn.is_usable():
                conn.close()
        return False

    TransactionTestCase._fixture_teardown = _fixture_teardown
    TransactionTestCase._should_reload_connections = _should_reload_connections
