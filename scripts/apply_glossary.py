"""Apply the glossary's mechanical fixes (azmoodegan/glossary.py) to every Persian catalogue of ours,
and write overrides for Django's and allauth's stock Persian into the project catalogue.

    .venv/bin/python scripts/apply_glossary.py            # fix our catalogues, refresh the overrides
    .venv/bin/python scripts/apply_glossary.py --check    # list what is left for a person to fix

Overrides are ordinary entries of locale/fa (Django prefers LOCALE_PATHS to any app's catalogue);
they carry the comment "glossary: stock wording" so a later run can refresh them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from azmoodegan import glossary  # noqa: E402

MARK = "glossary: stock wording"
# Stock strings whose fix is not mechanical (the informal voice, awkward wording): our own Persian.
HANDWRITTEN: dict[str, str] = {
    "Forgot your password?": "گذرواژه‌تان را فراموش کرده‌اید؟",
    "Forgot Password?": "گذرواژه‌تان را فراموش کرده‌اید؟",
    "Your account has no password set up.": "هنوز گذرواژه‌ای برای حساب شما تعیین نشده است.",
    "In case you forgot, your username is %(username)s.": "اگر فراموش کرده‌اید، نام کاربری شما %(username)s است.",
    "Are you sure you want to sign out?": "آیا می‌خواهید از حساب خود خارج شوید؟",
    "Successfully signed in as %(name)s.": "%(name)s، خوش آمدید.",
    "Your password is now changed.": "گذرواژهٔ شما تغییر کرد.",
    "You have signed out.": "از حساب خود خارج شدید.",
    "Your password can’t be too similar to your other personal information.":
        "گذرواژه نباید شبیه اطلاعات شخصی شما (نام یا ایمیل) باشد.",
    "Your password can’t be a commonly used password.": "گذرواژه نباید از گذرواژه‌های رایج باشد.",
    "Your password can’t be entirely numeric.": "گذرواژه نباید فقط از رقم تشکیل شده باشد.",
    "The password is too similar to the %(verbose_name)s.": "گذرواژه بیش از اندازه به %(verbose_name)s شما شبیه است.",
    "This password is too common.": "این گذرواژه بیش از اندازه رایج است؛ گذرواژهٔ دیگری انتخاب کنید.",
    "This password is entirely numeric.": "گذرواژه نباید فقط از رقم تشکیل شده باشد.",
    "Password successfully changed.": "گذرواژهٔ شما تغییر کرد.",
    "Password successfully set.": "گذرواژهٔ شما تعیین شد.",
    "You decided to cancel logging in to our site using one of your existing accounts. If this was a "
    "mistake, please proceed to <a href=\"%(login_url)s\">sign in</a>.":
        "ورود با حساب دیگرتان را لغو کردید. اگر اشتباهی شده است، لطفاً <a href=\"%(login_url)s\">وارد شوید</a>.",
    "You are about to use your %(provider_name)s account to login to\n%(site_name)s. As a final step, please "
    "complete the following form:":
        "در آستانهٔ ورود به %(site_name)s با حساب %(provider_name)s خود هستید. در گام آخر، لطفاً فرم زیر را کامل کنید:",
}


def ours() -> list[Path]:
    skip = {".venv", ".data", "node_modules", ".git"}
    return sorted(p for p in BASE.glob("**/locale/fa/LC_MESSAGES/django.po") if not skip & set(p.relative_to(BASE).parts))


def fix_catalogue(path: Path) -> int:
    po = polib.pofile(str(path))
    changed = 0
    for entry in po:
        if entry.msgstr_plural:
            for key, text in entry.msgstr_plural.items():
                fixed = glossary.fix(text)
                if fixed != text:
                    entry.msgstr_plural[key], changed = fixed, changed + 1
        elif entry.msgstr:
            fixed = glossary.fix(entry.msgstr)
            if fixed != entry.msgstr:
                entry.msgstr, changed = fixed, changed + 1
    if changed:
        po.save(str(path))
        po.save_as_mofile(str(path.with_suffix(".mo")))
    return changed


def stock_catalogues() -> list[Path]:
    import allauth
    import django

    dj = Path(django.__file__).parent
    return [dj / "conf/locale/fa/LC_MESSAGES/django.po", dj / "contrib/auth/locale/fa/LC_MESSAGES/django.po",
            dj / "contrib/admin/locale/fa/LC_MESSAGES/django.po",
            Path(allauth.__file__).parent / "locale/fa/LC_MESSAGES/django.po"]


def stock_overrides() -> dict[tuple[str | None, str], str]:
    project = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(BASE / "locale/fa/LC_MESSAGES/django.po"))}
    wanted = {}
    for path in stock_catalogues():
        for entry in polib.pofile(str(path)):
            if not entry.msgstr or entry.msgid_plural or entry.obsolete or "fuzzy" in entry.flags:
                continue
            key = (entry.msgctxt, entry.msgid)
            mine = project.get(key)
            if mine is not None and MARK not in (mine.comment or ""):
                continue  # already worded by hand in the project catalogue
            if entry.msgid in HANDWRITTEN:
                wanted[key] = HANDWRITTEN[entry.msgid]
            elif glossary.problems(entry.msgstr):
                wanted[key] = glossary.fix(entry.msgstr)
    return wanted


def write_overrides(wanted) -> int:
    path = BASE / "locale/fa/LC_MESSAGES/django.po"
    po = polib.pofile(str(path))
    index = {(e.msgctxt, e.msgid): e for e in po}
    for (ctx, msgid), msgstr in wanted.items():
        entry = index.get((ctx, msgid))
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr=msgstr, comment=MARK)
            if ctx:
                entry.msgctxt = ctx
            po.append(entry)
        else:
            entry.msgstr = msgstr
    po.save(str(path))
    po.save_as_mofile(str(path.with_suffix(".mo")))
    # English: the msgid is the English text, so an empty entry per override keeps the catalogues aligned.
    en_path = BASE / "locale/en/LC_MESSAGES/django.po"
    en = polib.pofile(str(en_path))
    known = {(e.msgctxt, e.msgid) for e in en}
    new = [(c, m) for c, m in wanted if (c, m) not in known]
    if new:
        with open(en_path, "a", encoding="utf-8") as f:
            for ctx, msgid in new:
                entry = polib.POEntry(msgid=msgid, msgstr="", comment=MARK)
                if ctx:
                    entry.msgctxt = ctx
                f.write("\n" + str(entry))
        polib.pofile(str(en_path)).save_as_mofile(str(en_path.with_suffix(".mo")))
    return len(wanted)


def main() -> None:
    if "--check" in sys.argv:
        for path in ours():
            for entry in polib.pofile(str(path)):
                for advice in glossary.problems(entry.msgstr):
                    print(f"{path.relative_to(BASE)}:{entry.linenum}: {advice}: {entry.msgstr[:70]!r}")
        return
    for path in ours():
        changed = fix_catalogue(path)
        if changed:
            print(f"{path.relative_to(BASE)}: {changed} strings fixed")
    print(f"stock overrides: {write_overrides(stock_overrides())}")


if __name__ == "__main__":
    main()
