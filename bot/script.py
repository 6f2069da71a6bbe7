"""Simplified/Traditional script handling shared by the NLU pipeline, the NLG and the actions (OpenCC only, no Rasa)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"

# Hong Kong standard glyphs. Plain s2t writes OpenCC's dictionary forms, which no region uses in print
# (审核 → 審覈, 为 → 爲); s2hk and s2tw both give 審核/為. Of the two, Hong Kong/Macau customers are the
# Traditional-script customers a mainland insurer mostly serves, and Taiwanese readers read HK forms
# (裏, 着) without effort. Not for Cantonese: the replies stay standard written Chinese, and s2hk changes
# glyphs, not words (s2twp's word changes, e.g. 审核 → 稽核, would alter meaning).
TRADITIONAL_CONFIG = "s2hk"


_SURROGATES = re.compile(r"([\ud800-\udfff]+)")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    # OpenCC takes UTF-8, which lone surrogates (from a channel's broken JSON) cannot be; they pass through.
    pieces = _SURROGATES.split(text)
    return "".join(p if i % 2 else _converter(config).convert(p) for i, p in enumerate(pieces))


def to_script(text: str, script: str | None) -> str:
    """`text` (written in Simplified) as the customer reads it: Traditional when `script` is "traditional"."""
    if script != TRADITIONAL or not text:
        return text
    return _convert(TRADITIONAL_CONFIG, text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified with exactly one output character per input character."""
    converted = _convert("t2s", text)
    if len(converted) == len(text):
        return converted
    # Entity offsets index into the text, so a length change would break them: convert char by char
    # instead, keeping any character whose conversion is not a single character.
    return "".join(c if len(s := _convert("t2s", c)) != 1 else s for c in text)


def normalise_width(text: str) -> str:
    """Full-width ASCII and other compatibility forms → their plain forms (NFKC), one character for one."""
    # NFKC on the whole string can change its length (… → ..., ㍿ → 株式会社); per character with a
    # length guard it cannot, so entity offsets stay valid.
    return "".join(n if len(n := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\U00020000" <= char <= "\U0002ebef"


def detect_script(text: str) -> str | None:
    """The script the Han characters show, TRADITIONAL or SIMPLIFIED; None when they show neither."""
    han = "".join(c for c in text if _is_han(c))
    if not han:
        return None
    # Count characters each conversion would change: Traditional text is changed by t2s and left alone by
    # s2t, and vice versa. Most common characters (你好, 投诉…) are the same in both, which is no evidence.
    traditional = sum(a != b for a, b in zip(han, to_simplified(han), strict=True))
    simplified = sum(a != b for a, b in zip(han, _convert("s2t", han), strict=False))
    if traditional > simplified:
        return TRADITIONAL
    if simplified > traditional:
        return SIMPLIFIED
    return None
