"""Persian digits inside Django's validation messages («دست‌کم ۸ نویسه», not «حداقل 8 حرف»).

Django formats the numbers in its validator messages with `%(limit_value)d`, which always prints
Latin digits. While Persian is active, `install()` makes every whole-number parameter of a
ValidationError a `PersianNumber` (an int whose `str()` has Persian digits), and the project
catalogue words those messages with `%(…)s` so the number is printed through `str()`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from azmoodegan.persian import to_persian_digits

_installed = False


class PersianNumber(int):
    def __str__(self) -> str:
        return to_persian_digits(int(self))


def _persian_params(params):
    if not isinstance(params, dict) or not (get_language() or "").startswith("fa"):
        return params
    return {k: PersianNumber(v) if type(v) is int else v for k, v in params.items()}


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    original = ValidationError.__init__

    def __init__(self, message, code=None, params=None):
        original(self, message, code, _persian_params(params))

    ValidationError.__init__ = __init__
