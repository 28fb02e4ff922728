"""Keep the full-text columns of `services_service` current.

The tsvector is a STORED generated column computed by PostgreSQL from four plain text columns;
this module fills those columns with text passed through `azmoodegan.persian.normalize_text`,
the same function every query goes through, so a service is found whatever keyboard typed it.

Why a generated column over normalised inputs (and not a trigger): the normaliser exists once,
in Python (NFKC, Arabic letters, ZWNJ, digits); re-implementing it in PL/pgSQL would let the
index and the query drift apart. The generated column cannot go stale with respect to its
inputs, needs no trigger code, and its weights are declared in one place (migration 0001).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from azmoodegan.persian import normalize_text

# Lexemes longer than this are dropped by PostgreSQL anyway ("word is too long to be indexed").
MAX_FIELD_CHARS = 20_000


def search_parts(*, title: str, tags: Iterable[str], description: str, expert_name: str) -> dict[str, str]:
    """The normalised text of each weighted part of a service's search document."""
    return {
        "search_title": normalize_text(title)[:MAX_FIELD_CHARS],
        "search_tags": normalize_text(" ".join(tags or []))[:MAX_FIELD_CHARS],
        "search_body": normalize_text(description)[:MAX_FIELD_CHARS],
        "search_expert": normalize_text(expert_name)[:MAX_FIELD_CHARS],
    }


def expert_name_of(user_id: int) -> str:
    from accounts.models import ExpertProfile

    return ExpertProfile.objects.filter(user_id=user_id).values_list("display_name", flat=True).first() or ""


def index_service(service) -> None:
    """Write the normalised search columns of one service (one UPDATE)."""
    profile = None
    owner = service._state.fields_cache.get("owner")
    if owner is not None:
        profile = owner._state.fields_cache.get("expert_profile")
    name = profile.display_name if profile is not None else expert_name_of(service.owner_id)
    parts = search_parts(title=service.title, tags=service.tags, description=service.description, expert_name=name)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE services_service SET search_title = %s, search_tags = %s, search_body = %s, search_expert = %s"
            " WHERE id = %s",
            [parts["search_title"], parts["search_tags"], parts["search_body"], parts["search_expert"], service.pk],
        )


def index_expert_name(*, user_id: int, display_name: str) -> int:
    """Put an expert's (new) display name into all their services' search text, in one UPDATE."""
    name = normalize_text(display_name)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE services_service SET search_expert = %s WHERE owner_id = %s AND search_expert IS DISTINCT FROM %s",
            [name, user_id, name],
        )
        return cursor.rowcount


def bulk_reindex(*, only_missing: bool = True, batch_size: int = 20_000) -> int:
    """Fill the search columns of many services at once (after `bulk_create`, which sends no signals).

    Streams the texts out, normalises them in Python, COPYs the results into a temporary table
    and applies them with one UPDATE per batch: about a minute for 100,000 services instead of
    100,000 single-row UPDATEs.
    """
    select = (
        "SELECT s.id, s.title, s.tags, s.description, coalesce(p.display_name, '')"
        " FROM services_service s LEFT JOIN accounts_expertprofile p ON p.user_id = s.owner_id WHERE s.id > %s"
    )
    if only_missing:
        select += " AND s.search_title = '' AND s.title <> ''"
    select += " ORDER BY s.id LIMIT %s"
    total = 0
    last_id = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS search_reindex_tmp"
            " (id bigint PRIMARY KEY, t text, g text, b text, e text) ON COMMIT DROP"
        )
        while True:
            cursor.execute(select, [last_id, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return total
            with cursor.cursor.copy("COPY search_reindex_tmp (id, t, g, b, e) FROM STDIN") as copy:
                for pk, title, tags, description, name in rows:
                    parts = search_parts(title=title, tags=tags, description=description, expert_name=name)
                    copy.write_row((pk, *parts.values()))
            cursor.execute(
                "UPDATE services_service s SET search_title = r.t, search_tags = r.g, search_body = r.b,"
                " search_expert = r.e FROM search_reindex_tmp r WHERE s.id = r.id"
            )
            cursor.execute("DELETE FROM search_reindex_tmp")
            total += len(rows)
            last_id = rows[-1][0]
