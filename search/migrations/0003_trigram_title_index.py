"""A trigram index on the normalised service titles, for "did you mean" on zero results.

Only where PostgreSQL offers `pg_trgm`: the embedded server (the `pgserver` wheel) does not, and
there this migration does nothing; search is complete without it (see search/suggest.py, which
checks at run time whether the extension is installed). Creating the extension needs the right
privilege (pg_trgm is a trusted extension, so a database owner has it on PostgreSQL 13+); without
it the error is ignored and the index is created only if a DBA installed the extension already.
"""

from django.db import DatabaseError, migrations, transaction

INDEX = "search_service_title_trgm"


def _has(cursor, sql: str) -> bool:
    cursor.execute(sql)
    return cursor.fetchone() is not None


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not _has(cursor, "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"):
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            pass  # no privilege to create it: fine, unless a DBA installed it already (checked below)
        if not _has(cursor, "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"):
            return
        # Partial, like the search: only published services are ever suggested from.
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON services_service"
            " USING gin (search_title gin_trgm_ops) WHERE status = 'published'"
        )


def backward(apps, schema_editor):
    # The extension stays: other objects may depend on it, and it is harmless.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_service_search_vector"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
