import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    national_code_is_valid,
    normalize_mobile,
    normalize_national_code,
    normalize_sheba,
    sheba_is_valid,
)


@pytest.mark.parametrize(
    "typed", ["09123456789", "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩", "+98 912 345 6789", "0098-912-345-6789", "9123456789"]
)
def test_mobile_is_stored_normalised(typed):
    assert normalize_mobile(typed) == "09123456789"


@pytest.mark.parametrize("typed", ["0912345678", "08123456789", "091234567890", "abc", ""])
def test_bad_mobile_has_a_persian_message(typed):
    with pytest.raises(ValidationError) as exc:
        normalize_mobile(typed)
    assert "۰۹" in str(exc.value.messages[0]) or "09" in str(exc.value.messages[0])
    assert "موبایل" in exc.value.messages[0]


def _with_check_digit(nine: str) -> str:
    total = sum(int(nine[i]) * (10 - i) for i in range(9)) % 11
    return nine + str(total if total < 2 else 11 - total)


@pytest.mark.parametrize("nine", ["049937089", "001234567", "123456789", "987654321"])
def test_national_code_checksum(nine):
    good = _with_check_digit(nine)
    assert national_code_is_valid(good)
    for wrong in range(10):
        if str(wrong) != good[-1]:
            assert not national_code_is_valid(nine + str(wrong))


def test_national_code_accepts_persian_digits_and_refuses_repeated_digits():
    assert normalize_national_code("۰۴۹۹۳۷۰۸۹۹") == "0499370899"
    with pytest.raises(ValidationError, match="معتبر نیست"):
        normalize_national_code("1111111111")
    with pytest.raises(ValidationError, match="۱۰ رقم"):
        normalize_national_code("12345")


def test_sheba_mod97():
    assert sheba_is_valid("IR062960000000100324200001")
    assert not sheba_is_valid("IR062960000000100324200002")
    assert normalize_sheba("ir06 2960 0000 0010 0324 2000 01") == "IR062960000000100324200001"
    assert normalize_sheba("IR۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱") == "IR062960000000100324200001"
    with pytest.raises(ValidationError, match="معتبر نیست"):
        normalize_sheba("IR062960000000100324200002")
    with pytest.raises(ValidationError, match="۲۴ رقم"):
        normalize_sheba("IR12")
