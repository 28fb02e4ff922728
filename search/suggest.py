"""“Did you mean” for searches that found nothing, where PostgreSQL has `pg_trgm`.

Each word of the (normalised) query that finds nothing on its own is compared with the words of
published services' titles: the trigram index of migration 0003 finds titles containing something
like it (`search_title %> token`, i.e. `word_similarity`), their words are scored with
`similarity(word, token)`, and the best one replaces the token when it is clearly close. The
corrected query is offered only if it finds something with the same filters.

Without the extension (the embedded PostgreSQL) there is simply no suggestion; the search itself
never depends on this module. Any database error here is logged and means "no suggestion".
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from .query import parse_query
from .selectors import COUNT_TTL, Filters, search_queryset

log = logging.getLogger(__name__)

# Titles whose best-matching stretch shares at least this share of a token's trigrams are candidates.
WORD_SIMILARITY_THRESHOLD = 0.4
# A title word replaces a token only this similar (trigram Jaccard; «طراهی»/«طراحی» is 0.33).
MIN_SIMILARITY = 0.3
# Shorter tokens have too few trigrams to say anything; digits are never "misspelt".
MIN_TOKEN_CHARS = 3
# Candidate titles read per token: bounds the work on a catalogue of 100,000 similar titles.
CANDIDATE_TITLES = 200

# One statement for every token. A token that finds published services on its own (the last one as
# a prefix, like the search) is kept: it is a real word, the combination or the filters found
# nothing. For the others, candidate titles come through the GIN trigram index; their words, cut
# by the same tsvector parser the search uses (so a suggestion is always a searchable lexeme), are
# scored, and the best one per token is returned. The CTE is MATERIALIZED so the existence check
# runs once per token.
SUGGEST_SQL = """
WITH tokens AS MATERIALIZED (
    SELECT t.n, t.token, EXISTS (
        SELECT 1 FROM services_service s
        WHERE s.status = 'published' AND s.search_vector @@ to_tsquery('simple', t.tsq)
    ) AS known
    FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS t(token, tsq, n)
)
SELECT t.n, t.known, best.word, best.sim
FROM tokens AS t
LEFT JOIN LATERAL (
    SELECT l.lexeme AS word, similarity(l.lexeme, t.token) AS sim
    FROM (
        SELECT s.search_title FROM services_service s
        WHERE NOT t.known AND s.status = 'published' AND s.search_title %%> t.token
        LIMIT %s
    ) AS m
    CROSS JOIN LATERAL unnest(to_tsvector('simple', m.search_title)) AS l
    ORDER BY sim DESC, l.lexeme
    LIMIT 1
) AS best ON true
ORDER BY t.n
"""

_available: dict[str, bool] = {}


def trigram_available() -> bool:
    """Whether pg_trgm is installed in this database; asked once per process (and database)."""
    name = connection.settings_dict.get("NAME") or ""
    if name not in _available:
        if connection.vendor != "postgresql":
            _available[name] = False
        else:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
                    _available[name] = cursor.fetchone() is not None
            except DatabaseError:
                log.warning("could not check for pg_trgm; no search suggestions", exc_info=True)
                _available[name] = False
    return _available[name]


@dataclass(frozen=True)
class Suggestion:
    text: str  # the corrected, normalised query


def _correct(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """The tokens with misspelt ones replaced, or None when nothing clearly better exists."""
    checked = [t for t in tokens if len(t) >= MIN_TOKEN_CHARS and not t.isdigit()]
    if not checked:
        return None
    # Tokens are runs of letters and digits (search.query), so quoting them makes a safe tsquery.
    tsqueries = [f"'{t}':*" if t == tokens[-1] else f"'{t}'" for t in checked]
    with connection.cursor() as cursor:
        # Local to the caller's transaction (a savepoint inside one): `%>` reads it.
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                       [str(WORD_SIMILARITY_THRESHOLD)])
        cursor.execute(SUGGEST_SQL, [checked, tsqueries, CANDIDATE_TITLES])
        rows = cursor.fetchall()
    best = {checked[n - 1]: (known, word, sim) for n, known, word, sim in rows}
    out, changed = [], False
    for token in tokens:
        known, word, sim = best.get(token, (True, None, 0.0))
        if not known and word and word != token and sim >= MIN_SIMILARITY:
            out.append(word)
            changed = True
        else:
            out.append(token)
    return tuple(out) if changed else None


def did_you_mean(filters: Filters) -> Suggestion | None:
    """A corrected query that finds services with the same filters, or None.

    Costs a fixed number of queries (savepoint, threshold, suggestion, existence check), and none
    when the answer for these filters was worked out in the last minute (cached like the count).
    """
    tokens = filters.query.tokens
    if not tokens or not trigram_available():
        return None
    key = "search:dym:" + hashlib.sha256(filters.cache_key().encode()).hexdigest()[:32]
    cached = cache.get(key)
    if cached is not None:
        return Suggestion(cached) if cached else None
    suggestion = None
    try:
        with transaction.atomic():
            corrected = _correct(tokens)
            if corrected is not None:
                query = parse_query(" ".join(corrected))
                # Any order will do for "is there one?": skip the relevance ranking.
                if query.tokens and search_queryset(replace(filters, query=query, sort="newest")).exists():
                    suggestion = Suggestion(query.text)
    except DatabaseError:
        log.warning("search suggestion failed; none shown", exc_info=True)
        return None
    cache.set(key, suggestion.text if suggestion else "", COUNT_TTL)
    return suggestion
