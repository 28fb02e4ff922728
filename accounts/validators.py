"""Iranian identifiers: mobile numbers, national codes (کد ملی) and Sheba numbers (IBAN).

Each `normalize_*` returns the canonical stored form or raises ValidationError with a Persian
message; digits may be typed in Persian, Arabic-Indic or Latin, with spaces and dashes.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from azmoodegan.persian import digits_only, to_ascii_digits


def normalize_mobile(value: str) -> str:
    """`+98 912 345 6789`, `۰۹۱۲۳۴۵۶۷۸۹`, `9123456789` → `09123456789`."""
    digits = digits_only(value)
    if digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    if not re.fullmatch(r"09\d{9}", digits):
        raise ValidationError(
            _("Enter an Iranian mobile number of 11 digits starting with 09, such as 0912 345 6789."),
            code="invalid_mobile",
        )
    return digits


def national_code_is_valid(code: str) -> bool:
    if not re.fullmatch(r"\d{10}", code) or len(set(code)) == 1:
        return False
    total = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    check = int(code[9])
    return check == total if total < 2 else check == 11 - total


def normalize_national_code(value: str) -> str:
    digits = digits_only(value)
    if len(digits) != 10:
        raise ValidationError(_("A national code has exactly 10 digits."), code="national_code_length")
    if not national_code_is_valid(digits):
        raise ValidationError(
            _("This national code is not valid; please check its digits."), code="national_code_checksum"
        )
    return digits


def sheba_is_valid(sheba: str) -> bool:
    """ISO 13616 mod-97 check of an Iranian IBAN (`IR` followed by 24 digits)."""
    if not re.fullmatch(r"IR\d{24}", sheba):
        return False
    rearranged = sheba[4:] + sheba[:4]
    as_number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(as_number) % 97 == 1


def normalize_sheba(value: str) -> str:
    compact = re.sub(r"[\s\-\u200c]", "", to_ascii_digits(value)).upper()
    if compact.isdigit() and len(compact) == 24:
        compact = "IR" + compact
    if not re.fullmatch(r"IR\d{24}", compact):
        raise ValidationError(
            _("A Sheba number is IR followed by 24 digits, such as IR06 2960 0000 0010 0324 2000 01."),
            code="sheba_format",
        )
    if not sheba_is_valid(compact):
        raise ValidationError(_("This Sheba number is not valid; please check its digits."), code="sheba_checksum")
    return compact
