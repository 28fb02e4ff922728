"""The search documents of services, and the "did you mean" vocabulary.

`Service.search_vector` (see `search.fields`) is computed in the same statement that saves a
service. This module prepares its text (`documents`), re-indexes services whose expert renamed
themself, fills vectors after raw bulk loads, and keeps the vocabulary (`search.models.Term`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from .text import index_document, vocabulary_words

# Lexemes longer than this are dropped by PostgreSQL anyway ("word is too long to be indexed").
MAX_FIELD_CHARS = 20_000


def documents(*, title: str, tags: Iterable[str], description: str, expert_name: str) -> dict[str, str]:
    """The prepared text of each weighted part of a service's search document."""
    return {
        "title": index_document(title or "", join_neighbours=True)[: MAX_FIELD_CHARS],
        "tags": index_document(" ، ".join(tags or []), join_neighbours=True)[: MAX_FIELD_CHARS],
        "body": (index_document(description or "") + " " + index_document(expert_name or ""))[: MAX_FIELD_CHARS],
    }


def expert_name_for(service) -> str:
    """The display name of the service's expert, from the loaded objects when they are there."""
    from accounts.models import ExpertProfile

    owner = service._state.fields_cache.get("owner")
    if owner is not None and owner.pk == service.owner_id:
        try:
            return owner.expert_profile.display_name  # cached on the user after the first service
        except ExpertProfile.DoesNotExist:
            return ""
    if service.owner_id is None:
        return ""
    return ExpertProfile.objects.filter(user_id=service.owner_id).values_list("display_name", flat=True).first() or ""


def reindex_services(qs) -> int:
    """Recompute the vectors of the services in `qs` (one UPDATE each; for small sets)."""
    from .fields import document_expression

    count = 0
    for service in qs.select_related("owner__expert_profile"):
        expr = document_expression(title=service.title, tags=service.tags, description=service.description,
                                   expert_name=expert_name_for(service))
        type(service).objects.filter(pk=service.pk).update(search_vector=expr)
        count += 1
    return count


def index_expert_name(*, user_id: int, display_name: str) -> int:
    """Put an expert's (new) display name into the search documents of all their services."""
    from services.models import Service

    return reindex_services(Service.objects.filter(owner_id=user_id))


def bulk_reindex(*, only_missing: bool = True, batch_size: int = 5_000) -> int:
    """Fill the vectors of many services at once (after a raw load that bypassed `Service.save`).

    Streams the texts out, prepares the documents in Python, COPYs them into a temporary table and
    applies them with one UPDATE per batch.
    """
    select = (
        "SELECT s.id, s.title, s.tags, s.description, coalesce(p.display_name, '')"
        " FROM services_service s LEFT JOIN accounts_expertprofile p ON p.user_id = s.owner_id WHERE s.id > %s"
    )
    if only_missing:
        select += " AND s.search_vector IS NULL"
    select += " ORDER BY s.id LIMIT %s"
    total = 0
    last_id = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS search_reindex_tmp"
            " (id bigint PRIMARY KEY, t text, g text, b text) ON COMMIT DROP"
        )
        while True:
            cursor.execute(select, [last_id, batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            with cursor.cursor.copy("COPY search_reindex_tmp (id, t, g, b) FROM STDIN") as copy:
                for pk, title, tags, description, name in rows:
                    docs = documents(title=title, tags=tags, description=description, expert_name=name)
                    copy.write_row((pk, docs["title"], docs["tags"], docs["body"]))
            cursor.execute(
                "UPDATE services_service s SET search_vector ="
                " setweight(to_tsvector('simple'::regconfig, r.t), 'A')"
                " || setweight(to_tsvector('simple'::regconfig, r.g), 'B')"
                " || setweight(to_tsvector('simple'::regconfig, r.b), 'C')"
                " FROM search_reindex_tmp r WHERE s.id = r.id"
            )
            cursor.execute("DELETE FROM search_reindex_tmp")
            total += len(rows)
            last_id = rows[-1][0]
    if total:
        rebuild_vocabulary()
    return total


# --- Vocabulary -----------------------------------------------------------------------------------


def bigrams(word: str) -> list[str]:
    """The letter pairs of a word with its edges marked («^ط», «طر», …, «ی$»)."""
    padded = f"^{word}$"
    return sorted({padded[i : i + 2] for i in range(len(padded) - 1)})


def add_words(found: Iterable[str]) -> None:
    """Add words the vocabulary lacks (existing ones are left to the periodic recount)."""
    from .models import Term

    rows = [Term(word=w, frequency=1, length=len(w), bigrams=bigrams(w)) for w in sorted(set(found))]
    if rows:
        Term.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class _PendingWords:
    """The words saved in one transaction, added to the vocabulary once it commits."""

    def __init__(self):
        self.words: set[str] = set()

    def __call__(self):
        add_words(self.words)


def remember_words(service) -> None:
    """Queue the words of a service being saved for the vocabulary, after the commit.

    After the commit and in its own statement, so a writer never holds a lock on a word that
    another writer's service also uses; one INSERT per transaction however many services it saves
    (a bulk load of thousands).
    """
    found = vocabulary_words(service.title, " ".join(service.tags or []), service.description)
    if not found:
        return
    if not connection.in_atomic_block:
        transaction.on_commit(lambda: add_words(found), robust=True)  # runs at once
        return
    pending = getattr(connection, "_search_pending_words", None)
    if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
        pending = connection._search_pending_words = _PendingWords()
        transaction.on_commit(pending, robust=True)
    pending.words.update(found)


def rebuild_vocabulary(batch_size: int = 5_000) -> int:
    """Recount the vocabulary from the published services (how many services use each word)."""
    from services.models import Service

    from .models import Term

    counts: Counter[str] = Counter()
    last = 0
    qs = Service.objects.filter(status=Service.Status.PUBLISHED).order_by("pk")
    while True:
        rows = list(qs.filter(pk__gt=last).values_list("pk", "title", "tags", "description")[:batch_size])
        if not rows:
            break
        for _pk, title, tags, description in rows:
            counts.update(vocabulary_words(title, " ".join(tags or []), description))
        last = rows[-1][0]
    with transaction.atomic():
        Term.objects.all().delete()
        Term.objects.bulk_create(
            [Term(word=w, frequency=n, length=len(w), bigrams=bigrams(w)) for w, n in counts.items()],
            batch_size=2000,
        )
    return len(counts)
