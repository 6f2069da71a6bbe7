"""Text normalisation for rule matching: Traditional → Simplified script, full-width → half-width."""

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """The form keyword rules are written in (Simplified, NFKC)."""
    return _t2s().convert(unicodedata.normalize("NFKC", text))
