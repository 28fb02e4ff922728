"""Off-platform contact detector: one pure function, `detect(text)`.

Finds what lets two people leave the site: phone numbers, email addresses, card numbers (Luhn),
Sheba numbers (ISO 13616 mod-97), messenger ids and links (Telegram, WhatsApp, Instagram, Eitaa,
Rubika, Bale, Soroush, Skype…), and invitations to talk or pay outside the site. It reads Persian,
Arabic-Indic and Latin digits, digits spaced/dashed/dotted or spelled out as words, «at»/«ات» and
«dot»/«دات», and numbers split across words. Prices, dates, times, order numbers, quantities, sizes,
years and versions are left alone.

The function has no side effects and no database access, so requests and offers can use it too:

    >>> detect("شماره من ۰۹۱۲ ۱۲۳ ۴۵۶۷").kinds
    ['phone']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Detection", "detect", "KINDS"]

KINDS = ("phone", "email", "card", "sheba", "telegram", "whatsapp", "instagram", "messenger", "link", "pay_outside",
         "off_site")


@dataclass(frozen=True)
class Detection:
    flagged: bool
    kinds: list[str] = field(default_factory=list)
    # Character spans [start, end) of the original text that matched.
    spans: list[tuple[int, int]] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"flagged": self.flagged, "kinds": list(self.kinds)}


# --- Normalisation (one character for one character, so spans map back to the original) ---------

_CHAR_MAP = str.maketrans({
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا",
    "＠": "@", "﹫": "@", "．": ".", "。": ".", "٫": ".", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
    "\u200c": " ", "\u200d": " ", "\u200e": " ", "\u200f": " ", "\u00a0": " ", "ـ": " ",
    "\u064b": " ", "\u064c": " ", "\u064d": " ", "\u064e": " ", "\u064f": " ", "\u0650": " ", "\u0651": " ",
    "\u0652": " ",
})


def _normalise(text: str) -> str:
    out = text.translate(_CHAR_MAP)
    # str.lower() can change length for a few characters (e.g. "İ"); keep 1:1 by lowering per character.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in out)


# --- Number checks ---------------------------------------------------------------------------------

def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def sheba_ok(digits24: str) -> bool:
    """`digits24`: the 24 digits after «IR» (2 check digits + 22 account digits)."""
    if len(digits24) != 24:
        return False
    rearranged = digits24[2:] + "1827" + digits24[:2]  # I=18, R=27
    return int(rearranged) % 97 == 1


def _phone_kind(d: str) -> bool:
    """Is this digit string (separators removed, leading + kept as '+') a phone number?"""
    plus = d.startswith("+")
    d = d.lstrip("+")
    if d.startswith("0098"):
        d = d[4:]
        plus = True
    elif d.startswith("98") and (plus or len(d) == 12):
        d = d[2:]
        plus = True
    if plus:
        if len(d) == 10 and d[0] in "1234589":  # Iranian number written internationally
            return True
        return False
    if len(d) == 11 and d.startswith("09"):
        return True
    if len(d) == 11 and d[0] == "0" and d[1] in "12345678" and d[1:3] != "00":
        return True  # landline with area code: 021 8877 6655
    if len(d) == 10 and d[0] == "9" and d[1] in "0123459" and d[3:] != "0000000":
        return True  # mobile without the leading zero
    return False


def _plus_international(d: str) -> bool:
    return d.startswith("+") and 10 <= len(d) - 1 <= 14 and not d.startswith("+0")


# Digit groups: runs of digits; separators allowed between groups of one number.
_GROUP = re.compile(r"\+?\d+")
_SEP_OK = re.compile(r"^[\s\-._/()*\\|:]{0,3}$")
_SEP_PHONE = re.compile(r"^[\s\-._/()*\\|]{0,3}$")  # no ':' (times) inside phone numbers

# Context that makes a number something else.
_MONEY_AFTER = re.compile(r"^\s*(?:تومان|تومن|ریال|هزار|میلیون|میلیارد|toman|tomans|rial|rials|irr|irt|t\b|\$|usd|دلار"
                          r"|یورو|euro|درصد|%|عدد|تا\b|نفر|صفحه|کلمه|روز|ساعت|دقیقه|ماه|سال|بار|پیکسل|px|mb|gb|kb|"
                          r"مگ|گیگ|متر|سانت|میل|کیلو|گرم|kg|cm|mm)")
_ORDER_BEFORE = re.compile(r"(?:سفارش|پیگیری|فاکتور|کد|order|invoice|tracking|ref|رسید|تراکنش|شناسه|#|№|نسخه|"
                           r"version|ver|v|isbn|سریال|serial|ملی)\s*(?:شماره|number|no\.?|#|:)?\s*[:#]?\s*$")
_PHONE_WORDS = re.compile(r"(?:تلفن|تلفنم|موبایل|موبایلم|همراه|تماس|زنگ|واتس|واتساپ|whats|phone|mobile|tel|call|"
                          r"شماره\s*(?:م|ام|من|تماس|تلفن|همراه)|شمارم|شمارمو|شمارهٔ?\s*من)")


@dataclass
class _Found:
    kinds: list[str]
    spans: list[tuple[int, int]]

    def add(self, kind: str, start: int, end: int) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)
        self.spans.append((start, end))


def _numbers(n: str, found: _Found) -> None:
    groups = [(m.start(), m.end(), m.group()) for m in _GROUP.finditer(n)]
    used: set[int] = set()
    i = 0
    # 1) Numbers made of adjacent groups (spaced, dashed, dotted): try every chain of groups.
    chains: list[tuple[int, int]] = []  # (first group, last group) of each maximal chain
    while i < len(groups):
        j = i
        while j + 1 < len(groups) and _SEP_OK.match(n[groups[j][1]:groups[j + 1][0]]):
            j += 1
        chains.append((i, j))
        i = j + 1
    for first, last in chains:
        best = None
        for a in range(first, last + 1):
            if a in used:
                continue
            digits = ""
            for b in range(a, last + 1):
                part = groups[b][2]
                if b > a and part.startswith("+"):
                    break
                digits += part
                plain = digits.lstrip("+")
                start, end = groups[a][0], groups[b][1]
                kind = None
                if len(plain) == 24 and sheba_ok(plain) and not digits.startswith("+"):
                    kind = "sheba"
                elif 15 <= len(plain) <= 19 and plain[0] in "3456" and luhn_ok(plain) and not digits.startswith("+"):
                    kind = "card"
                elif _phone_kind(digits) or _plus_international(digits):
                    has_colon = any(":" in n[groups[k][1]:groups[k + 1][0]] for k in range(a, b))
                    if not has_colon and not _MONEY_AFTER.match(n[end:end + 12]) and not (
                        _ORDER_BEFORE.search(n[max(0, start - 25):start]) and not digits.startswith(("+", "09", "0098"))
                    ):
                        kind = "phone"
                if kind and (best is None or (end - start) > (best[2] - best[1])):
                    best = (kind, start, end, a, b)
        if best:
            kind, start, end, a, b = best
            found.add(kind, start, end)
            used.update(range(a, b + 1))
    # 2) IR + 24 digits (the letters may be spaced or in Persian: «آی آر»).
    for m in re.finditer(r"(?:ir|آی\s*آر|ای\s*ار)\s*[-:]?\s*((?:\d[\s\-.]?){24})", n):
        digits = re.sub(r"\D", "", m.group(1))
        if sheba_ok(digits):
            found.add("sheba", m.start(), m.end())
    # 3) A mobile number split across words: «۰۹۱۲ و بعدش ۱۲۳ ۴۵۶۷».
    for k, (start, end, part) in enumerate(groups):
        if k in used or not (part.startswith("09") or part.startswith("+98")) or len(part) < 3 or len(part) >= 11:
            continue
        digits, last_end, ok = part, end, False
        for k2 in range(k + 1, min(k + 6, len(groups))):
            gap = n[last_end:groups[k2][0]]
            if len(gap) > 30 or ":" in gap or "/" in gap:
                break
            digits += groups[k2][2]
            last_end = groups[k2][1]
            if len(digits.lstrip("+")) >= 11:
                ok = _phone_kind(digits)
                break
        if ok:
            found.add("phone", start, last_end)
            used.update(range(k, k2 + 1))
    # 4) A landline without area code when the words say it is a phone number.
    for start, end, part in groups:
        if len(part) in (7, 8) and part[0] != "0" and _PHONE_WORDS.search(n[max(0, start - 25):start]):
            found.add("phone", start, end)


# Numbers spelled out: «صفر نه یک دو …», «صفر نهصد و دوازده، صد و بیست و سه …», "zero nine one two …".
_UNITS = {
    "صفر": 0, "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "شیش": 6, "هفت": 7, "هشت": 8, "نه": 9,
    "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15, "پونزده": 15, "شانزده": 16,
    "شونزده": 16, "هفده": 17, "هیفده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19,
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}
_TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
_HUNDREDS = {"صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400, "پانصد": 500, "پونصد": 500,
             "ششصد": 600, "شیشصد": 600, "هفتصد": 700, "هشتصد": 800, "نهصد": 900}
_NUMBER_WORDS = {**_UNITS, **_TENS, **_HUNDREDS}
_WORD_TOKEN = re.compile(
    r"(?<![\w])(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r"|\d+)(?![\w])"
)


def _spelled_numbers(n: str, found: _Found) -> None:
    """Read runs of number words (and digits) as one digit string and test it like a written number."""
    tokens = list(_WORD_TOKEN.finditer(n))
    phrases: list[tuple[int, int, str, int]] = []  # (start, end, digits, words used)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        word = tok.group()
        if word.isdigit():
            phrases.append((tok.start(), tok.end(), word, 0))
            i += 1
            continue
        value, start, end, words = _NUMBER_WORDS[word], tok.start(), tok.end(), 1
        # «نهصد و دوازده», «بیست و سه»: a larger part joined by «و» to a smaller one.
        while i + 1 < len(tokens) and re.fullmatch(r"\s*و\s*", n[end:tokens[i + 1].start()]):
            nxt = tokens[i + 1].group()
            part = _NUMBER_WORDS.get(nxt)
            if part is None or part >= _magnitude(value) or value == 0:
                break
            value += part
            end = tokens[i + 1].end()
            words += 1
            i += 1
        phrases.append((start, end, str(value), words))
        i += 1
    run: list[tuple[int, int, str, int]] = []

    def flush():
        if sum(p[3] for p in run) >= 3:
            digits = "".join(p[2] for p in run)
            kind = None
            if _phone_kind(digits):
                kind = "phone"
            elif len(digits) == 16 and digits[0] in "3456" and luhn_ok(digits):
                kind = "card"
            if kind:
                found.add(kind, run[0][0], run[-1][1])

    for phrase in phrases:
        if run and not re.fullmatch(r"[\s\-,،.]*", n[run[-1][1]:phrase[0]]):
            flush()
            run = []
        run.append(phrase)
    if run:
        flush()


def _magnitude(value: int) -> int:
    """The smallest part that can no longer follow `value` («صد و بیست» yes, «بیست و صد» no)."""
    if value >= 100:
        return 100
    if value >= 20:
        return 10
    return 1


# --- Email -----------------------------------------------------------------------------------------

_AT = r"(?:@|\s+@\s+|\s*[\(\[\{<]\s*(?:at|ات|اَت)\s*[\)\]\}>]\s*|\s+(?:at|ات|اَت|ادساین|اتساین|at sign)\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\(\[\{<]\s*(?:dot|دات|نقطه|دوت)\s*[\)\]\}>]\s*|\s+(?:dot|دات|نقطه|دوت)\s+)"
_DOMAIN = r"(?:[a-z0-9][a-z0-9\-]{0,62}|جیمیل|جی\s?میل|یاهو|هاتمیل|اوت\s?لوک|پروتون)"
_TLD = r"(?:[a-z]{2,12}|کام|نت|ارگ|آی\s?آر|ای\s?ار)"
_EMAIL_RE = re.compile(
    r"(?<![\w.@])[a-z0-9][a-z0-9._%+\-]{0,63}" + _AT + _DOMAIN + "(?:" + _DOT + _DOMAIN + ")*" + _DOT + _TLD
    + r"(?![a-z0-9])"
)
_PROVIDER = re.compile(r"(?:gmail|yahoo|hotmail|outlook|protonmail|ymail|live\.com|جیمیل|جی میل|یاهو|هاتمیل|ایمیلم|"
                       r"ایمیل من|email|e-mail|ایمیل)")
_LATIN_ID = re.compile(r"(?<![\w@.])[a-z][a-z0-9]*(?:[._][a-z0-9]+)*[._]?[a-z0-9]*(?![\w@])")


def _looks_like_id(token: str) -> bool:
    """A user name rather than an ordinary word: has a digit, dot or underscore, or is long and lowercase."""
    if len(token) < 4:
        return False
    if any(c.isdigit() for c in token) or "_" in token or "." in token.strip("."):
        return True
    return False


# --- Messengers, links, invitations ------------------------------------------------------------------

_MESSENGERS = {
    "telegram": r"تلگرام|تلگرامم|تل|تلگ|telegram|telegeram|tlgrm|tg|تی\s?جی",
    "whatsapp": r"واتس\s?[اآ]پ|واتساپ|واتساب|واتس\s?آپ|وتساپ|واتس|whatsapp|whats\s?app|wa|وات",
    "instagram": r"اینستاگرام|اینستاگرامم|اینستا|اینستام|instagram|insta|ig|پیج|پیجم|دایرکت|direct|dm",
    "messenger": r"ایتا|روبیکا|سروش|آیگپ|ای\s?گپ|اسکایپ|skype|وایبر|viber|discord|دیسکورد|"
                 r"wechat|لینکدین|linkedin|فیسبوک|facebook|messenger|مسنجر|بله|ایمو|imo|سیگنال|signal|گپ|شاد",
}
_MESSENGER_RE = {k: re.compile(r"(?<![\w])(?:" + v + r")(?:م|ه|ش|تون|مون)?(?![\w])") for k, v in _MESSENGERS.items()}
_ID_WORDS = re.compile(
    r"(?:آیدی|ایدی|آی\s?دی|ای\s?دی|(?<![\w])id(?![\w])|یوزرنیم|یوزر\s?نیم|یوزر|username|user\s?name|اکانت|account|"
    r"آدرس|هندل|handle|لینک|link|پروفایل|profile)"
)
_INVITE = re.compile(
    r"(?:پیام\s*(?:بده|بدید|بدین|بدی|بفرست|بفرستید|بزن|بزنید|بذار|بدهید)|پی\s?وی|(?<![\w])pv(?![\w])|پیوی|دایرکت|"
    r"(?<![\w])(?:dm|direct)(?![\w])|اد\s?(?:کن|کنید|بشید|م\s?کن)|ادد|(?<![\w])add(?![\w])|بیا\s|بیاید|بیایید|بیاین|"
    r"در\s?ارتباط|ارتباط\s*(?:بگیر|بگیرید|باشیم|داشته)|تماس\s*(?:بگیر|بگیرید|بگیرین|داشته)|زنگ\s*(?:بزن|بزنید|بزنین)|"
    r"چت\s*(?:کنیم|کن|کنید)|صحبت\s*(?:کنیم|کنید)|حرف\s*(?:بزنیم|بزنید)|هماهنگ\s*(?:کنیم|کنید)|"
    r"(?<=\s)(?:دارین|دارید|داری|دارن)\s*[؟?]|message\s+me|text\s+me|contact\s+me|reach\s+me|call\s+me|hit\s+me|ping\s+me)"
)
_LINKS = [
    ("telegram", r"(?:t|telegram)\s*\.\s*(?:me|dog)\s*/\s*\+?[\w]+|tg\s*://\S+"),
    ("whatsapp", r"wa\s*\.\s*me\s*/\s*\+?\d+|chat\s*\.\s*whatsapp\s*\.\s*com\S*|api\s*\.\s*whatsapp\s*\.\s*com\S*|"
                 r"whatsapp\s*\.\s*com/\S+"),
    ("instagram", r"(?:www\.)?(?:instagram\s*\.\s*com|instagr\s*\.\s*am)\s*/\s*[\w.]+"),
    ("messenger", r"(?:eitaa\s*\.\s*com|rubika\s*\.\s*ir|ble\s*\.\s*ir|splus\s*\.\s*ir|sapp\s*\.\s*ir|igap\s*\.\s*net|"
                  r"discord\s*\.\s*(?:gg|com/invite)|m\s*\.\s*me|join\s*\.\s*skype\s*\.\s*com|signal\s*\.\s*me|"
                  r"linkedin\s*\.\s*com/in|facebook\s*\.\s*com|fb\s*\.\s*com|viber\s*\.\s*com|"
                  r"wechat\s*\.\s*com|line\s*\.\s*me)\s*/?\s*[\w./#+\-]*"),
]
_LINK_RES = [(k, re.compile(r"(?<![\w])(?:https?://)?(?:www\.)?(?:" + v + ")")) for k, v in _LINKS]
_AMBIGUOUS = {"بله", "ایمو", "imo", "سیگنال", "signal", "گپ", "شاد"}  # also ordinary words
_NOT_HANDLES = {"media", "import", "keyframes", "font", "property", "apply", "tailwind", "param", "return", "override",
                "supports", "layer", "container", "charset", "namespace", "page", "mixin", "include", "extend",
                "staticmethod", "classmethod", "dataclass", "login", "pytest", "admin", "everyone", "here", "channel"}
_HANDLE = re.compile(r"(?<![\w.@])@\s?([a-z][a-z0-9_.]{3,31})(?![\w@])")

_PAY_OUTSIDE = re.compile(
    r"(?:کارت\s*به\s*کارت|کارتبکارت|card\s*to\s*card|"
    r"(?:واریز|پرداخت|بریز|بریزید|بزنید|بزن|بفرستید)\s*(?:کن|کنید|کنین)?\s*(?:مستقیم\s*)?(?:به|تو|توی|رو)\s*"
    r"(?:حساب|کارت|شماره\s*کارت|شماره\s*حساب)\s*(?:م|ام|من|خودم)|"
    r"(?:پرداخت|پول|هزینه|مبلغ|تسویه|حساب)\w*\s*(?:رو\s*|را\s*)?(?:مستقیم|مستقیما|مستقیماً|دستی)|"
    r"مستقیم(?:ا|اً)?\s*(?:به\s*(?:من|خودم|حسابم)\s*)?(?:پرداخت|واریز|بدهید|بدید|بدین|بده|بریز|بریزید|حساب\s*کنیم)|"
    r"(?:بیرون|خارج)\s*(?:از)?\s*(?:سایت|پلتفرم|اینجا|آزمودگان|سامانه)|"
    r"(?:بدون|بی)\s*(?:واسطه|دخالت\s*سایت|کارمزد|کمیسیون)\s*(?:سایت|پلتفرم)?|"
    r"(?:سایت|پلتفرم|آزمودگان)\s*(?:رو|را)?\s*(?:دور\s*بزنیم|دور\s*بزنید|کنار\s*بذاریم)|"
    r"کمیسیون\s*(?:سایت\s*)?(?:ندیم|نپردازیم|ندهیم)|کارمزد\s*(?:سایت\s*)?(?:ندیم|نپردازیم|ندهیم)|"
    r"شماره\s*(?:کارت|حساب|شبا)\s*(?:م|ام|تون|ت|تو|تونو|مو)?\s*(?:رو|را)?\s*(?:بده|بدید|بدین|بفرست|بفرستید|میدم|"
    r"می\s?دم|می‌فرستم|میفرستم|بنویس|اینه|این\s*است|:)|"
    r"شماره\s*(?:کارت|حساب)\s*(?:م|ام|من)|"
    r"(?:pay|paying|payment)\s+(?:me\s+)?(?:directly|outside|off[\s-]?site|off\s+the\s+(?:site|platform)|via\s+paypal|"
    r"by\s+card\s+transfer)|outside\s+(?:the\s+)?(?:site|platform|app)|off[\s-]platform|"
    r"(?:پی\s?پال|paypal|تتر|usdt|tether|بیت\s?کوین|bitcoin|btc|ترون|trx|کریپتو|crypto|ارز\s*دیجیتال)\s*"
    r"(?:پرداخت|بفرست|بدید|بدین|واریز|بزنید|بزن|قبول|می‌گیرم|میگیرم|pay|send)|"
    r"(?:پرداخت|واریز|بفرستید|بفرست|pay|send)\w*\s*(?:با|از\s*طریق|via|in|with)?\s*(?:پی\s?پال|paypal|تتر|usdt|"
    r"tether|بیت\s?کوین|bitcoin|کریپتو|crypto|ارز\s*دیجیتال))"
)
_ASK_NUMBER = re.compile(
    r"(?:شمار(?:ه)?\s*(?:ت|تو|تون|تونو|ت\s*رو|تون\s*رو|تلفنت|تماست|تماستون|موبایلت|همراهت)|شماره\s*(?:تماس|تلفن|موبایل|همراه)\s*"
    r"(?:ت|تون|خودت|خودتون)?\s*(?:رو|را)?\s*(?:بده|بدید|بدین|بفرست|بفرستید|بذار|بذارید|بنویس|بنویسید)|"
    r"شمار(?:ه)?\s*(?:م|مو|مو\s*ب|ام\s*رو)\s*(?:بگیر|داشته|یادداشت|سیو|save)|"
    r"(?:به\s*من|بهم|باهام|با\s*من)\s*(?:زنگ|تماس)\s*(?:بزن|بزنید|بزنین|بگیر|بگیرید|بگیرین)|"
    r"(?:your|ur)\s+(?:phone|number|whatsapp|telegram|email|contact)|my\s+(?:number|phone|whatsapp|telegram|insta|email)\s+is)"
)


def _messengers(n: str, found: _Found) -> None:
    for kind, rx in _LINK_RES:
        for m in rx.finditer(n):
            found.add(kind, m.start(), m.end())
    handles = list(_HANDLE.finditer(n))
    mentions = [(k, m) for k, rx in _MESSENGER_RE.items() for m in rx.finditer(n)]
    for m in handles:
        if m.group(1).split(".")[0].split("-")[0] in _NOT_HANDLES:
            continue
        # "@name" right after an email local part is an email (handled elsewhere).
        near = [k for k, mm in mentions if abs(mm.start() - m.start()) < 60]
        found.add(near[0] if near else "messenger", m.start(), m.end())
    for kind, m in mentions:
        window = n[max(0, m.start() - 40):m.end() + 50]
        after = n[m.end():m.end() + 45]
        ids = [t for t in _LATIN_ID.finditer(after) if _looks_like_id(t.group())]
        if ids:
            found.add(kind, m.start(), m.end() + ids[0].end())
        elif _ID_WORDS.search(window) and (_INVITE.search(window) or re.search(r"[:：]\s*\S", after)
                                          or _GROUP.search(after) or re.search(r"(?:م|من)(?![\w])", window)):
            found.add(kind, m.start(), m.end())
        elif _INVITE.search(window) and kind != "messenger" and not re.search(
                r"(?:ربات|بات|bot|پست|استوری|story|تبلیغ|کمپین|طراحی|مدیریت|ادمین|فالوور|follower|کانال\s*ها|"
                r"محتوا|ریلز|reels|کپشن|ads)", window):
            found.add(kind, m.start(), m.end())
        elif kind == "messenger" and _INVITE.search(window) and (
                m.group() not in _AMBIGUOUS
                or re.search(r"(?:تو|توی|در|روی|طریق|با)\s*$", n[max(0, m.start() - 8):m.start()])):
            found.add(kind, m.start(), m.end())


def _emails(n: str, found: _Found) -> None:
    for m in _EMAIL_RE.finditer(n):
        found.add("email", m.start(), m.end())
    if "email" in found.kinds:
        return
    for m in _PROVIDER.finditer(n):
        window_start = max(0, m.start() - 45)
        for t in _LATIN_ID.finditer(n[window_start:m.end() + 45]):
            token = t.group()
            if _looks_like_id(token) and token not in {"gmail.com", "yahoo.com"} and not token.startswith("www"):
                found.add("email", min(m.start(), window_start + t.start()), max(m.end(), window_start + t.end()))
                return


def detect(text: str) -> Detection:
    """Return what in `text` would let the two sides contact or pay each other outside the site."""
    if not text:
        return Detection(False)
    n = _normalise(text)
    found = _Found([], [])
    _emails(n, found)
    # Email addresses are taken out before numbers and handles are looked for.
    masked = n
    for s, e in found.spans:
        masked = masked[:s] + " " * (e - s) + masked[e:]
    _numbers(masked, found)
    _spelled_numbers(masked, found)
    _messengers(masked, found)
    for rx, kind in ((_PAY_OUTSIDE, "pay_outside"), (_ASK_NUMBER, "off_site")):
        for m in rx.finditer(masked):
            found.add(kind, m.start(), m.end())
    spans = _merge(found.spans)
    kinds = [k for k in KINDS if k in found.kinds]
    return Detection(bool(kinds), kinds, spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
