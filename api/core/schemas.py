"""Field types shared by the request schemas (normalised before validation)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BeforeValidator, Field


def _digits_only(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFKC", value)  # full-width digits from Chinese keyboards
    value = re.sub(r"[\s\-()]", "", value)
    return value.removeprefix("+86") if len(value) > 11 else value


def _clean_text(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Mobile = Annotated[str, BeforeValidator(_digits_only), Field(pattern=r"^1[3-9]\d{9}$", examples=["13812345678"])]
IdNumber = Annotated[str, BeforeValidator(_digits_only), Field(pattern=r"^\d{17}[\dXx]$")]
Last4 = Annotated[str, BeforeValidator(_digits_only), Field(pattern=r"^[\dXx]{4}$")]
Name = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1, max_length=64)]
Text = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1, max_length=4000)]
ClaimNumber = Annotated[str, BeforeValidator(_clean_text), Field(pattern=r"^LP\d{13}$")]
PolicyNumber = Annotated[str, BeforeValidator(_clean_text), Field(pattern=r"^P\d{13}$")]
ComplaintNumber = Annotated[str, BeforeValidator(_clean_text), Field(pattern=r"^TS\d{8}-\d{4}$")]
