"""Every Persian string follows docs/GLOSSARY.md: one voice, one set of words, Persian digits.

Failures name the file and line, and the rule broken, so whoever added the string can fix it.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from azmoodegan import glossary

BASE = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", ".data", "node_modules", ".git"}


def _ours(pattern: str) -> list[Path]:
    return sorted(p for p in BASE.glob(pattern) if not SKIP_DIRS & set(p.relative_to(BASE).parts))


def _catalogue_problems(path: Path) -> list[str]:
    found = []
    for entry in polib.pofile(str(path)):
        texts = [entry.msgstr, *entry.msgstr_plural.values()] if entry.msgstr_plural else [entry.msgstr]
        for text in texts:
            for advice in glossary.problems(text):
                found.append(f"{path.relative_to(BASE)}:{entry.linenum}: {advice}: {text[:80]!r}")
    return found


def _template_problems(path: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        # Persian written straight into a template (most templates use {% translate %} instead).
        for run in re.findall(r"[^<>{}\"'=]*[\u0600-\u06ff][^<>{}\"'=]*", line):
            for advice in glossary.problems(run):
                found.append(f"{path.relative_to(BASE)}:{number}: {advice}: {run.strip()[:80]!r}")
    return found


def test_persian_catalogues_follow_the_glossary():
    catalogues = _ours("**/locale/fa/LC_MESSAGES/django.po")
    assert BASE / "locale/fa/LC_MESSAGES/django.po" in catalogues
    problems = [p for path in catalogues for p in _catalogue_problems(path)]
    assert problems == [], f"{len(problems)} glossary problems:\n" + "\n".join(problems)


def test_templates_follow_the_glossary():
    templates = _ours("**/templates/**/*.html") + _ours("**/templates/**/*.txt")
    assert templates
    problems = [p for path in templates for p in _template_problems(path)]
    assert problems == [], f"{len(problems)} glossary problems:\n" + "\n".join(problems)


def _stock_entries():
    """Django's and allauth's own Persian strings that our pages and emails show."""
    import allauth
    import django

    roots = [Path(django.__file__).parent / "conf/locale/fa/LC_MESSAGES/django.po",
             Path(django.__file__).parent / "contrib/auth/locale/fa/LC_MESSAGES/django.po",
             Path(django.__file__).parent / "contrib/admin/locale/fa/LC_MESSAGES/django.po",
             Path(allauth.__file__).parent / "locale/fa/LC_MESSAGES/django.po"]
    for path in roots:
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete and not entry.msgid_plural and "fuzzy" not in entry.flags:
                yield path, entry


def test_django_and_allauth_strings_as_shown_follow_the_glossary():
    """What gettext returns for stock strings (our project catalogue overrides the stock Persian)."""
    problems = []
    with translation.override("fa"):
        for path, entry in _stock_entries():
            shown = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
            for advice in glossary.problems(shown):
                problems.append(f"{path.name} ({path.parts[-5]}) {entry.msgid[:60]!r}: {advice}: {shown[:60]!r}")
    assert problems == [], f"{len(problems)} stock strings break the glossary:\n" + "\n".join(problems)


@pytest.mark.parametrize(("text", "expected"), [
    ("رمز عبور شما می‌بایست حداقل از 8 حرف تشکیل شده باشد.", "گذرواژه شما می‌بایست حداقل از ۸ حرف تشکیل شده باشد."),
    ("جستجوی خدمات", "جست‌وجوی خدمات"),
    ("صفحه‌ی اصلی", "صفحهٔ اصلی"),
    ("سفارش های تحویل شده", "سفارش‌های تحویل‌شده"),
    ("درآمد سفارش #۴", "درآمد سفارش ۴"),
    ("امتیاز ۴.۴", "امتیاز ۴٫۴"),
    ("ایمیل %(email)s تایید شد", "ایمیل %(email)s تأیید شد"),
])
def test_mechanical_fixes(text, expected):
    assert glossary.fix(text) == expected
    assert not any("ZWNJ" in p or "hamza" in p or "digits" in p for p in glossary.problems(expected))


def test_informal_voice_is_caught():
    assert glossary.problems("گذرواژه‌ات را فراموش کرده‌ای؟")
    assert glossary.problems("با علی رضایی باموفقیت وارد شدی")
    assert glossary.problems("گذرواژه‌تان را فراموش کرده‌اید؟") == []
