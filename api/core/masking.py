"""Masks personal numbers (mobiles, ID cards, bank cards) in free text before it is stored."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Our own case numbers: LP + 8 + 5 digits, P + 13 digits, TS/YY/GR + 8 digits + '-' + 4 digits.
CASE_NUMBER = r"(?:LP\d{13}|P\d{13}|(?:TS|YY|GR)\d{8}-\d{4})"
CASE_NUMBER_RE = re.compile(rf"^{CASE_NUMBER}$", re.ASCII)

# `\d` is deliberately Unicode-aware so full-width digits (１３８…) typed on Chinese keyboards
# are caught too. Case numbers are matched first and kept, so a policy number such as
# P8613812345678 is never mistaken for "+86 138…".
_NUMBERS = re.compile(
    rf"(?P<case>(?<![0-9A-Za-z]){CASE_NUMBER}(?!\d))"
    r"|(?<!\d)(?:"
    r"(?P<id>\d{17}[\dXxＸｘ])"
    r"|(?P<card>\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)"
    r"|(?P<cc>(?:\+|00|＋)?[8８][6６][ -]?)?(?P<mobile>\d{3}(?:[ -]?\d{4}){2})"
    r"|(?P<abroad>(?:[+＋]|00)(?![8８][6６])\d{1,3}[ -]?\d(?:[ -]?\d){5,11})"
    r")(?!\d)",
    re.IGNORECASE,
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID_CARD = re.compile(r"\d{17}[\dX]")


def _ascii(text: str) -> str:
    """Digits (and the ID-card X) only, full-width folded to ASCII."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isdigit() or ch == "X")


def _star(text: str, head: int, tail: int) -> str:
    """Replace all but the first `head` and last `tail` digits with '*', keeping separators."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit() or ch in "XxＸｘ"]
    hidden = set(positions[head : len(positions) - tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _is_id_card(digits: str) -> bool:
    if not _ID_CARD.fullmatch(digits):
        return False
    if digits.endswith("X"):
        return True
    # An 18-digit run is an ID card only if it carries a plausible birth date; otherwise
    # it is treated as a bank card (both are masked, just differently).
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def _replace(match: re.Match[str]) -> str:
    if match["case"]:
        return match["case"]
    if match["id"]:
        return _star(match["id"], 6, 4) if _is_id_card(_ascii(match["id"])) else _star(match["id"], 4, 4)
    if match["card"]:
        return _star(match["card"], 4, 4)
    if match["abroad"]:
        # A number written with its country code (+852 9123 4478, 00853 6612 3456) is a phone number
        # whatever its length; only the country code and the last four digits stay readable.
        code = re.match(r"(?:[+＋]|00)\d{1,3}", match["abroad"])[0]
        return code + _star(match["abroad"][len(code):], 0, 4)
    if _MOBILE.fullmatch(_ascii(match["mobile"])):
        return (match["cc"] or "") + _star(match["mobile"], 3, 4)
    return match[0]


def mask_personal_numbers(text: str) -> str:
    """Mask mobiles (138****5678, +852 ****4478), ID cards (110105********1234) and bank cards (6222********1234)."""
    return _NUMBERS.sub(_replace, text) if text else text
