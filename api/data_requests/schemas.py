"""Request bodies for personal-data requests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from api.core.clock import utcnow
from api.core.schemas import Mobile, Name
from api.data_requests.enums import CLOSED_STATUSES, DataRequestKind, DataRequestStatus
from api.service_policy import get_policy

# A client clock a little ahead of ours is not a request from the future.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _blank_to_none(value: str) -> str | None:
    return value or None


OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), AfterValidator(_blank_to_none)]


class DataRequestCreate(BaseModel):
    kind: DataRequestKind = Field(description="查询 (see/copy) | 更正 (correct) | 删除 (delete)")
    details: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] = Field(
        default="", description="what to see, correct or delete, in the customer's words (may be empty)"
    )
    channel: str = Field(default="在线")
    contact_name: Name
    contact_mobile: Mobile
    conversation_id: str | None = Field(default=None, max_length=128)
    received_at: AwareDatetime | None = Field(
        default=None, description="when the request reached us (a letter, a branch form); staff only; default now"
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: object) -> object:
        if value not in list(DataRequestKind):
            raise PydanticCustomError(
                "value_error",
                "kind must be 查询 (query), 更正 (correct) or 删除 (delete)",
                {"error": f"应为：{'、'.join(DataRequestKind)}"},
            )
        return value

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        channels = get_policy().complaint.channels  # the insurer's channels, listed once with the complaints
        if value not in channels:
            raise ValueError(f"渠道应为：{'、'.join(channels)}")
        return value

    @field_validator("received_at")
    @classmethod
    def _not_in_future(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value > utcnow() + CLOCK_SKEW:
            raise ValueError("不能晚于当前时间")
        return value


class StatusChange(BaseModel):
    status: DataRequestStatus
    resolution: OptionalText | None = Field(
        default=None,
        validate_default=True,
        description="the outcome the customer is told; required for 已完成 and 已驳回 (the reason)",
    )
    note: OptionalText | None = None
    handler: str | None = Field(default=None, max_length=64, description="staff username; default the acting staff")

    @field_validator("resolution", mode="after")
    @classmethod
    def _outcome_is_written(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if value is None and status in CLOSED_STATUSES:
            if status is DataRequestStatus.REJECTED:
                zh, en = "必填：驳回申请须写明原因（客户会看到）", "a rejection needs its reason"
            else:
                zh, en = "必填：办结时须写明办理结果（客户会看到）", "a completed request needs its outcome"
            # value_error + ctx.error: the 422 handler shows the Chinese text, message_en the English one
            raise PydanticCustomError("value_error", en, {"error": zh})
        return value
