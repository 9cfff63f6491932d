"""NPI check digit: Luhn over the 9-digit base with the constant prefix 80840."""

from __future__ import annotations


def _luhn_check_digit(base9: str) -> int:
    # "80840" prefix contributes a constant 24 to the Luhn sum of a 9-digit base.
    total = 24
    for i, ch in enumerate(reversed(base9)):
        d = ord(ch) - 48
        if i % 2 == 0:  # rightmost digit of the base is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    """True for a 10-digit string whose last digit is its Luhn check digit."""
    if len(value) != 10 or not value.isdigit() or value[0] not in "12":
        return False
    return _luhn_check_digit(value[:9]) == ord(value[9]) - 48


def make_npi(base9: str) -> str:
    """Complete a 9-digit base (first digit 1 or 2) with its check digit."""
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError(f"NPI base must be 9 digits: {base9!r}")
    return base9 + str(_luhn_check_digit(base9))
