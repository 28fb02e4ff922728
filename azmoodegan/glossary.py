"""The site's Persian glossary as rules a machine can check (docs/GLOSSARY.md explains them).

Each rule is a pattern that must not appear in Persian text, what to write instead, and, when the
fix is mechanical, a replacement. `tests/test_glossary.py` scans every Persian catalogue and
template with `problems()`; `scripts/apply_glossary.py` applies `fix()` where a rule can fix itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ZWNJ = "\u200c"
FA = "\u0600-\u06ff"  # Arabic-script letters and digits
_W = rf"[{FA}\w{ZWNJ}]"  # a character that continues a word


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    advice: str
    replacement: str | None = None  # a re.sub replacement when the fix is mechanical


def _rule(pattern: str, advice: str, replacement: str | None = None) -> Rule:
    return Rule(re.compile(pattern), advice, replacement)


RULES: list[Rule] = [
    _rule(r"رمز عبور", "«گذرواژه», not «رمز عبور»", "گذرواژه"),
    _rule(rf"(?<!{_W})رمز(?!{_W}|\s*(?:یک‌بار|یکبار))", "«گذرواژه», not «رمز»", "گذرواژه"),
    _rule(r"رایانامه", "«ایمیل», not «رایانامه»", "ایمیل"),
    _rule(r"آدرس(?:\u200c| )?های ایمیل", "«نشانی‌های ایمیل», not «آدرس‌های ایمیل»", "نشانی‌های ایمیل"),
    _rule(r"آدرس ایمیل", "«نشانی ایمیل», not «آدرس ایمیل»", "نشانی ایمیل"),
    _rule(r"ایمیل آدرس", "«نشانی ایمیل», not «ایمیل آدرس»", "نشانی ایمیل"),
    _rule(r"جستجو", "«جست‌وجو» (with a ZWNJ), not «جستجو»", "جست‌وجو"),
    _rule(r"تایید", "«تأیید» (with hamza), not «تایید»", "تأیید"),
    _rule(r"ثبت نام", "«ثبت‌نام» (with a ZWNJ), not «ثبت نام»", "ثبت‌نام"),
    _rule(r"(?<=[" + FA + r"])ه(?:\u200c| )ی(?=\s)", "one ezafe style: «صفحهٔ», not «صفحه‌ی» / «صفحه ی»", "هٔ"),
    _rule(rf"(?<={_W}) (ها|های|هایی|هایم|هایتان|تر|ترین)(?![{FA}\w{ZWNJ}])",
          "a ZWNJ before plural and comparative suffixes: «فعالیت‌های», not «فعالیت های»", ZWNJ + r"\1"),
    _rule(rf"(?<!{_W})(ن?می) (?=[{FA}])", "a ZWNJ after «می»: «می‌کنید», not «می کنید»", r"\1" + ZWNJ),
    _rule(r"(تحویل|تکمیل|لغو|پرداخت|انتخاب|تأیید|تایید) شده(?=(?:\s|[.،؛:!؟)»]|$))(?! است| بود| باشد| اند| است\.)",
          "a ZWNJ in adjectival compounds: «تحویل‌شده», not «تحویل شده»", r"\1" + ZWNJ + "شده"),
    _rule(r"لطفا(?!ً)", "«لطفاً» with tanvin", "لطفاً"),
    _rule(r"باموفقیت", "«با موفقیت» (two words)", "با موفقیت"),
    _rule(r"ازقبل", "«از قبل» (two words)", "از قبل"),
    _rule(r"#(?=[0-9۰-۹]|%\(|\{)", "no «#» before a number in Persian: «سفارش ۴», not «سفارش #۴»", ""),
    _rule(r"متخصصی من", "«پروفایل متخصص من», not «پروفایل متخصصی من»", "متخصص من"),
    _rule(r"(?<=[۰-۹])\.(?=[۰-۹])", "the Persian decimal separator «٫», not «.»", "٫"),
    _rule(rf"{ZWNJ}(?:ات|ت|هایت)(?=[\s.،؛:!؟)»]|$)|(?<!{_W})(?:شدی|کرده‌ای|داری|هستی|بزن|بکن|کن|بده|ببین|بنویس|شوی|کنی|مطمئنی)(?!{_W})"
          rf"|(?<!{_W})ن?می{ZWNJ}[{FA}]+ی(?=[\s.،؛:!؟)»]|$)",
          "the formal «شما» voice: «گذرواژه‌تان», «وارد شدید», not «گذرواژه‌ات», «وارد شدی»"),
]

# Latin digits inside Persian text (placeholders, tags, URLs, emails and code are taken out first).
_PLACEHOLDERS = re.compile(
    r"%\([^)]*\)[-+ #0]*\d*(?:\.\d+)?[sdifr]|%[-+ #0]*\d*(?:\.\d+)?[sdifr%]|\{\{.*?\}\}|\{%.*?%\}|\{[\w.]*\}"
    r"|<[^>]*>|https?://\S+|\S+@\S+|&#?\w+;|IR[0-9][0-9 ]*[0-9]|\b[A-Za-z_][\w.\-/]*\d[\w.\-/]*"
)
LATIN_DIGIT = re.compile(r"[0-9]")
PERSIAN_LETTER = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")


def latin_digits(text: str) -> bool:
    """True when a Persian sentence shows a Latin digit (after taking out placeholders and code)."""
    if not PERSIAN_LETTER.search(text):
        return False
    return bool(LATIN_DIGIT.search(_PLACEHOLDERS.sub(" ", text)))


def problems(text: str) -> list[str]:
    """What in `text` breaks the glossary, as advice strings (empty when the text is fine)."""
    if not PERSIAN_LETTER.search(text):
        return []
    found = [rule.advice for rule in RULES if rule.pattern.search(text)]
    if latin_digits(text):
        found.append("Persian digits in Persian text («۸», not «8»)")
    return found


_TO_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fix(text: str) -> str:
    """Apply every mechanical rule, and Persian digits outside placeholders and code."""
    if not PERSIAN_LETTER.search(text):
        return text
    for rule in RULES:
        if rule.replacement is not None:
            text = rule.pattern.sub(rule.replacement, text)
    pieces, last = [], 0
    for m in _PLACEHOLDERS.finditer(text):
        pieces.append(text[last : m.start()].translate(_TO_FA))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(text[last:].translate(_TO_FA))
    return "".join(pieces)
