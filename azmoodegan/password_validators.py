"""Django's password length rule, worded in the site's voice with Persian digits («دست‌کم ۸ نویسه»).

Django interpolates the number with `%d`, which always prints Latin digits; this subclass formats
the number for the active language.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, ngettext

from azmoodegan.persian import to_persian_digits


def _number(value: int) -> str:
    return to_persian_digits(value) if (get_language() or "fa").startswith("fa") else str(value)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def _message(self) -> str:
        return ngettext(
            "Your password must be at least %(min_length)s character long.",
            "Your password must be at least %(min_length)s characters long.",
            self.min_length,
        ) % {"min_length": _number(self.min_length)}

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self._message(), code="password_too_short")

    def get_help_text(self):
        return self._message()
