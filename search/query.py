"""Turn what a person typed into a safe PostgreSQL tsquery, and highlight matches in text.

User text never reaches `to_tsquery` as syntax: it is normalised, cut into runs of letters and
digits (so `& | ! : * ( ) ' < > \\` and emoji simply disappear), and each run becomes a quoted
lexeme. The last word is a prefix (`:*`), so «طراح» finds «طراحی» while someone is still typing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from azmoodegan.persian import ARABIC_INDIC_DIGITS, PERSIAN_DIGITS, normalize_text

MAX_QUERY_CHARS = 200
MAX_TOKENS = 8
MAX_TOKEN_CHARS = 60
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the normalised, truncated query (what we searched for)
    tokens: tuple[str, ...]

    @property
    def tsquery(self) -> str | None:
        """`'طراحی' & 'لوگو':*`, or None when nothing searchable is left."""
        return self._build("")

    @property
    def title_tsquery(self) -> str | None:
        """The same query restricted to title lexemes (weight A), to rank title matches first."""
        return self._build("A")

    def _build(self, weight: str) -> str | None:
        if not self.tokens:
            return None
        parts = [f"'{t}':{weight}" if weight else f"'{t}'" for t in self.tokens[:-1]]
        parts.append(f"'{self.tokens[-1]}':*{weight}")
        return " & ".join(parts)


def parse_query(raw: str | None) -> ParsedQuery:
    text = normalize_text((raw or "")[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        token = token[:MAX_TOKEN_CHARS]
        if token not in tokens:
            tokens.append(token)
        if len(tokens) == MAX_TOKENS:
            break
    return ParsedQuery(text=text, tokens=tuple(tokens))


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
