"""Request and response shapes for customer satisfaction (CSAT) feedback."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from api.core.masking import CASE_NUMBER_RE


def _case_number(value: str) -> str:
    value = value.upper()
    if not CASE_NUMBER_RE.fullmatch(value):
        raise ValueError("格式不正确（应如 LP2026110500123、TS20261122-0001、P0000000000001）")
    return value


def _blank_to_none(value: str) -> str | None:
    return value or None


# strict: "5", 4.0 or true are refused rather than silently coerced into a rating.
Score = Annotated[int, Field(strict=True, ge=1, le=5, description="1 = 非常不满意 … 5 = 非常满意")]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_blank_to_none)]
ConversationId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Channel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
CaseNumber = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_case_number)]


class FeedbackCreate(BaseModel):
    score: Score
    comment: Comment | None = None
    conversation_id: ConversationId | None = None
    channel: Channel | None = None
    case_number: CaseNumber | None = None


class FeedbackPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    score: int
    comment: str | None
    conversation_id: str | None
    channel: str | None
    case_number: str | None
