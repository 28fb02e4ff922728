"""Turn what a person typed into a safe PostgreSQL tsquery, and highlight matches in text.

User text never reaches `to_tsquery` as syntax: it is normalised, cut into runs of letters and
digits (so `& | ! : * ( ) ' < > \\` and emoji simply disappear), and each run becomes a quoted
lexeme. The last word is a prefix (`:*`), so «طراح» finds «طراحی» while someone is still typing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from azmoodegan.persian import ARABIC_INDIC_DIGITS, PERSIAN_DIGITS, normalize_text

from .text import stem, stems, words

MAX_QUERY_CHARS = 200
MAX_TOKENS = 8
MAX_TOKEN_CHARS = 60
MAX_PHRASE = 3  # synonym terms of up to three words are recognised in a query
_TOKEN = re.compile(r"[^\W_]+")
SYNONYMS_KEY = "search:synonyms:v1"
STOP_WORDS = frozenset("و در به از که را با برای این آن یک تا بر یا هم ها های ی ای من شما ما است".split())
SYNONYMS_TTL = 3600

# An alternative is a tuple of words that must all be there; a group is the alternatives of one
# query word (or of a recognised phrase): itself (a prefix when last), its stem, its synonyms.
Alternative = tuple[str, ...]


@dataclass(frozen=True)
class Group:
    words: tuple[str, ...]  # what the person typed (one word, or a phrase)
    alternatives: tuple[Alternative, ...]
    prefix: str | None = None  # the last word as typed, matched as a prefix

    def tsquery(self, weight: str = "") -> str:
        parts = []
        for alt in self.alternatives:
            lexemes = [f"'{w}':{weight}" if weight else f"'{w}'" for w in alt]
            parts.append(lexemes[0] if len(lexemes) == 1 else "(" + " & ".join(lexemes) + ")")
        if self.prefix:
            parts.insert(0, f"'{self.prefix}':*{weight}")
        return "(" + " | ".join(parts) + ")"


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the normalised, truncated query (what we searched for)
    tokens: tuple[str, ...]
    groups: tuple[Group, ...] = field(default=(), compare=False)
    # One group per word (no phrases), for the any-word fallback and its "words matched" ranking.
    word_groups: tuple[Group, ...] = field(default=(), compare=False)

    @property
    def tsquery(self) -> str | None:
        """Every word (or one of its forms), e.g. `('طراحی' | 'طراح') & ('لوگو':* | 'logo')`."""
        return " & ".join(g.tsquery() for g in self.groups) or None

    @property
    def any_tsquery(self) -> str | None:
        """At least one word: the fallback when no service has them all."""
        return " | ".join(g.tsquery() for g in self.word_groups) or None

    @property
    def title_tsquery(self) -> str | None:
        """The same query restricted to title lexemes (weight A), to rank title matches first."""
        return " & ".join(g.tsquery("A") for g in self.groups) or None

    @property
    def group_tsqueries(self) -> list[str]:
        return [g.tsquery() for g in self.word_groups]


def synonym_map() -> dict[str, list[Alternative]]:
    """{normalised term: [alternative, ...]} in both directions; cached until the table changes."""
    found = cache.get(SYNONYMS_KEY)
    if found is None:
        from .models import Synonym

        found = {}
        for term, synonym in Synonym.objects.values_list("term", "synonym"):
            a, b = tuple(words(term))[:MAX_PHRASE], tuple(words(synonym))[:MAX_PHRASE]
            if a and b and a != b:
                found.setdefault(" ".join(a), []).append(b)
                found.setdefault(" ".join(b), []).append(a)
        cache.set(SYNONYMS_KEY, found, SYNONYMS_TTL)
    return found


def clear_synonyms(**kwargs) -> None:
    from django.db import transaction

    cache.delete(SYNONYMS_KEY)
    transaction.on_commit(lambda: cache.delete(SYNONYMS_KEY))  # and after, in case it was re-read


def _alternatives(phrase: tuple[str, ...], synonyms: dict) -> list[Alternative]:
    alts: list[Alternative] = [phrase]
    stemmed = tuple(stem(w) for w in phrase)
    if stemmed != phrase:
        alts.append(stemmed)
    if len(phrase) == 1:
        alts.extend((s,) for s in stems(phrase[0])[1:])
    for key in {" ".join(phrase), " ".join(stemmed)}:
        for alt in synonyms.get(key, ()):
            if alt not in alts:
                alts.append(alt)
    return alts


def parse_query(raw: str | None, *, synonyms: dict | None = None) -> ParsedQuery:
    text = normalize_text((raw or "")[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        token = token[:MAX_TOKEN_CHARS]
        if token not in tokens:
            tokens.append(token)
        if len(tokens) == MAX_TOKENS:
            break
    if not tokens:
        return ParsedQuery(text=text, tokens=())
    # Little words («برای», «و», «در») are not required, unless they are all there is.
    content = [t for t in tokens if t not in STOP_WORDS] or tokens
    if synonyms is None:
        synonyms = synonym_map()
    return ParsedQuery(
        text=text, tokens=tuple(tokens), groups=_groups(content, tokens, synonyms, MAX_PHRASE),
        word_groups=_groups(content, tokens, synonyms, 1),
    )


def _groups(content: list[str], tokens: list[str], synonyms: dict, max_phrase: int) -> tuple[Group, ...]:
    groups: list[Group] = []
    i = 0
    while i < len(content):
        # The longest phrase starting here that the synonym table knows, else the single word.
        for size in range(min(max_phrase, len(content) - i), 0, -1):
            phrase = tuple(content[i : i + size])
            if size == 1 or " ".join(phrase) in synonyms:
                break
        alts = _alternatives(phrase, synonyms)
        last = i + len(phrase) == len(content) and len(phrase) == 1 and content[-1] == tokens[-1]
        prefix = phrase[0] if last else None
        if prefix:
            alts = alts[1:]  # the word itself is matched as a prefix instead
        groups.append(Group(words=phrase, alternatives=tuple(alts), prefix=prefix))
        i += len(phrase)
    return tuple(groups)


# --- Highlighting --------------------------------------------------------------------------------

# Every spelling normalize_text folds into one letter, so a match is found in the original text.
_VARIANTS = {
    "ی": "یيى", "ک": "کك", "ه": "هۀة", " ": " \u200c\u00a0",
    **{str(d): f"{d}{PERSIAN_DIGITS[d]}{ARABIC_INDIC_DIGITS[d]}" for d in range(10)},
}
_IGNORABLE = "[\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200d\u200e\u200f]*"


def _char_pattern(ch: str) -> str:
    variants = _VARIANTS.get(ch)
    if variants:
        return "[" + re.escape(variants) + "]"
    if ch.isalpha() and ch.lower() != ch.upper():
        return "[" + re.escape(ch.lower() + ch.upper()) + "]"
    return re.escape(ch)


def _token_pattern(token: str) -> str:
    return _IGNORABLE.join(_char_pattern(ch) for ch in token)


def match_pattern(tokens: tuple[str, ...]) -> re.Pattern | None:
    """A regex finding each token at the start of a word in un-normalised text (whole word marked)."""
    if not tokens:
        return None
    alternatives = "|".join(_token_pattern(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*")


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """Escape `text` and wrap every match of `pattern` in <mark>."""
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def snippet(text: str, pattern: re.Pattern | None, width: int = 160) -> SafeString | None:
    """A short excerpt of `text` around its first match, highlighted; None without a match."""
    if pattern is None or not text:
        return None
    m = pattern.search(text)
    if m is None:
        return None
    start = max(0, m.start() - width // 3)
    end = min(len(text), start + width)
    # Whole words only: step forward to a word start and back to a word end.
    if start > 0:
        space = text.find(" ", start, m.start())
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", m.end(), end)
        end = space if space != -1 else end
    piece = text[start:end].replace("\n", " ")
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(escape(prefix) + highlight(piece, pattern) + escape(suffix))  # noqa: S308
