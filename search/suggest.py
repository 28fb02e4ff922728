"""“Did you mean” from the vocabulary of indexed words: works on every PostgreSQL.

Each query word that finds nothing on its own is looked up in `search.models.Term` (the words of
the published catalogue with how many services use each): candidates share letter pairs with it
(a GIN index on an array column, core PostgreSQL), have a similar length, and the closest by edit
distance (ties: the more common word) replaces it when it is clearly close. The corrected query is
offered only if it finds something with the same filters.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from .indexing import bigrams
from .query import parse_query
from .selectors import COUNT_TTL, Filters, search_queryset

log = logging.getLogger(__name__)

# Shorter tokens are too ambiguous to correct; digits are never "misspelt".
MIN_TOKEN_CHARS = 3
# Candidate words read per token, the ones sharing the most letter pairs.
CANDIDATES = 60

# One statement for every token: whether it finds a published service on its own (the last one as
# a prefix, like the search), and, for those that do not, the vocabulary words sharing the most
# letter pairs with it among those of a similar length.
SUGGEST_SQL = """
WITH tokens AS MATERIALIZED (
    SELECT t.n, t.token, string_to_array(t.grams, ' ')::varchar[] AS grams, EXISTS (
        SELECT 1 FROM services_service s
        WHERE s.status = 'published' AND s.search_vector @@ to_tsquery('simple', t.tsq)
    ) AS known
    FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS t(token, tsq, grams, n)
)
SELECT t.n, t.known, c.word, c.frequency
FROM tokens AS t
LEFT JOIN LATERAL (
    SELECT w.word, w.frequency
    FROM search_term w
    WHERE NOT t.known AND w.bigrams && t.grams
      AND w.length BETWEEN length(t.token) - 2 AND length(t.token) + 2
    ORDER BY cardinality(ARRAY(SELECT unnest(w.bigrams) INTERSECT SELECT unnest(t.grams))) DESC,
             w.frequency DESC
    LIMIT %s
) AS c ON true
ORDER BY t.n
"""


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): swaps of neighbours cost one."""
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def max_distance(token: str) -> int:
    return 1 if len(token) <= 4 else 2


@dataclass(frozen=True)
class Suggestion:
    text: str  # the corrected, normalised query


def _correct(query) -> tuple[str, ...] | None:
    """The query's tokens with misspelt ones replaced, or None when nothing clearly better exists."""
    tokens = query.tokens
    # A word counts as known when it finds something with its stem and synonyms, as the search does.
    groups = [g for g in query.groups if len(g.words) == 1 and len(g.words[0]) >= MIN_TOKEN_CHARS
              and not g.words[0].isdigit()]
    if not groups:
        return None
    checked = [g.words[0] for g in groups]
    tsqueries = [g.tsquery() for g in groups]
    grams = [" ".join(bigrams(t)) for t in checked]
    with connection.cursor() as cursor:
        cursor.execute(SUGGEST_SQL, [checked, tsqueries, grams, CANDIDATES])
        rows = cursor.fetchall()
    known = {}
    candidates: dict[str, list[tuple[str, int]]] = {}
    for n, is_known, word, frequency in rows:
        token = checked[n - 1]
        known[token] = is_known
        if word:
            candidates.setdefault(token, []).append((word, frequency))
    out, changed = [], False
    for token in tokens:
        best = None
        if not known.get(token, True):
            scored = [
                (edit_distance(token, word), -frequency, word) for word, frequency in candidates.get(token, ())
                if word != token
            ]
            scored = [s for s in scored if s[0] <= max_distance(token)]
            if scored:
                best = min(scored)[2]
        out.append(best or token)
        changed = changed or best is not None
    return tuple(out) if changed else None


def did_you_mean(filters: Filters) -> Suggestion | None:
    """A corrected query that finds services with the same filters, or None.

    Costs a fixed number of queries (savepoint, suggestion, existence check), and none when the
    answer for these filters was worked out already at this catalogue version.
    """
    tokens = filters.query.tokens
    if not tokens:
        return None
    key = "search:dym:" + hashlib.sha256(replace(filters, mode="all").cache_key().encode()).hexdigest()[:32]
    cached = cache.get(key)
    if cached is not None:
        return Suggestion(cached) if cached else None
    suggestion = None
    try:
        with transaction.atomic():
            corrected = _correct(filters.query)
            if corrected is not None:
                query = parse_query(" ".join(corrected))
                # Any order will do for "is there one?": skip the relevance ranking.
                if query.tokens and search_queryset(replace(filters, query=query, sort="newest", mode="all")).exists():
                    suggestion = Suggestion(query.text)
    except DatabaseError:
        log.warning("search suggestion failed; none shown", exc_info=True)
        return None
    cache.set(key, suggestion.text if suggestion else "", COUNT_TTL)
    return suggestion
