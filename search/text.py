"""Words as Persians type them: joined and split compounds, suffixes, Latin names and misspellings.

Indexing and querying both go through `azmoodegan.persian.normalize_text` and then through here:

- A compound written with a ZWNJ («برنامه‌نویسی», «کسب‌وکار») is indexed split («برنامه», «نویسی») and
  joined («برنامهنویسی»), so either way of typing it matches. Two neighbouring title words are also
  indexed joined («صورت های» → «صورتهای»), for titles typed with a plain space.
- Every word is indexed with its light stem (plural and common suffixes ها، های، ان، ات، ی، تر، ترین,
  and the ezafe «ی» removed), and every query word asks for itself or its stem, so «لوگوها» meets
  «لوگو» and «فروشگاه» meets «فروشگاهی» from either side.
- Synonyms (a table staff edit in the admin: «logo» ↔ «لوگو», «سیو» ↔ «سئو») are applied when
  querying: a query word also asks for each of its synonyms. Query-time expansion means an edit in
  the admin works at once, with no reindexing.
"""

from __future__ import annotations

import re

from azmoodegan.persian import normalize_text

# Stands for a ZWNJ through normalize_text (which turns ZWNJ into a space): a private-use character
# that is neither a letter, a space nor a mark, so it survives and can be split on afterwards.
_JOIN = "\ue000"
_COMPOUND = re.compile(rf"[^\W_]+(?:{_JOIN}[^\W_]+)*")
WORD = re.compile(r"[^\W_]+")

# Longest first; each strip must leave at least MIN_STEM letters, and at most two are stripped
# («فروشگاه‌هایی» → «فروشگاه»).
SUFFIXES = ("ترین", "هایی", "های", "ها", "تر", "ان", "ات", "ی")
MIN_STEM = 3
MAX_WORD = 60


def _persian(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


def stem(word: str) -> str:
    """The light stem of a Persian word; any other word unchanged."""
    return stems(word)[0]


def stems(word: str) -> list[str]:
    """The light stem of a word, and a second one where a plural dropped a final «ه»
    («مقالات» → «مقال», «مقاله»)."""
    if not word or not _persian(word):
        return [word]
    extra = None
    for _ in range(2):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                if suffix == "ات":
                    extra = word + "ه"
                break
        else:
            break
    return [word, extra] if extra else [word]


def words(text: str) -> list[str]:
    """The normalised words of a text, ZWNJ compounds split (what a query is cut into)."""
    return [w[:MAX_WORD] for w in WORD.findall(normalize_text(text or ""))]


def index_document(text: str, *, join_neighbours: bool = False) -> str:
    """The text the tsvector of one weighted part is made from: each word, its stem, and the joined
    form of each ZWNJ compound (and, with `join_neighbours`, of each pair of neighbouring words)."""
    norm = normalize_text((text or "").replace("\u200c", _JOIN))
    out: list[str] = []
    previous = None
    for match in _COMPOUND.finditer(norm):
        pieces = [p[:MAX_WORD] for p in match.group(0).split(_JOIN) if p]
        forms = list(pieces)
        if len(pieces) > 1:
            forms.append("".join(pieces)[:MAX_WORD])
            if len(pieces) > 2:  # «صورت‌های‌مالی»: also each joined pair
                forms.extend((a + b)[:MAX_WORD] for a, b in zip(pieces, pieces[1:], strict=False))
            # «کسب‌وکار» is typed «کسب و کار» too: the «و» after a ZWNJ is a conjunction.
            forms.extend(p[1:] for p in pieces[1:] if p.startswith("و") and len(p) > 3)
        if join_neighbours and previous is not None:
            forms.append((previous + pieces[0])[:MAX_WORD])
        previous = pieces[-1]
        for form in forms:
            out.append(form)
            out.extend(s for s in stems(form) if s != form)
    return " ".join(out)


def vocabulary_words(*texts: str) -> set[str]:
    """The words of `texts` worth suggesting (what a person would type): surface forms, no stems."""
    found: set[str] = set()
    for text in texts:
        for word in words(text):
            if len(word) >= 3 and not word.isdigit():
                found.add(word)
    return found
