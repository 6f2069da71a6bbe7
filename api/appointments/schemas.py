"""Appointment requests and responses; times go out as Asia/Shanghai ISO strings."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer
from pydantic_core import PydanticCustomError

from api.appointments.models import Appointment, AppointmentStatus
from api.core.clock import local
from api.core.security import decrypt, mask
from api.history.models import CaseEvent
from api.service_policy import get_policy

MOBILE = re.compile(r"1[3-9][0-9]{9}")


def _invalid(zh: str, en: str) -> PydanticCustomError:
    # Type "value_error" with ctx.error is how api/core/errors.py finds a Chinese reason;
    # the template stays English so message_en is English too.
    return PydanticCustomError("value_error", en, {"error": zh})


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise _invalid(
            "需带时区，例如 2026-12-01T10:00:00+08:00",
            "Input should include a timezone offset, e.g. 2026-12-01T10:00:00+08:00",
        )
    return value


def _mobile(value: str) -> str:
    # Full-width digits (Chinese keyboards), spaces, dashes and a +86 prefix are all fine.
    digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", value))
    digits = re.sub(r"^(?:\+?86|0086)(?=1[0-9]{10}$)", "", digits)
    if not MOBILE.fullmatch(digits):
        raise _invalid(
            "应为 11 位中国大陆手机号（1 开头，第二位 3–9，如 13812345678）",
            "should be an 11-digit mainland China mobile number such as 13812345678",
        )
    return digits


def _service_type(value: str) -> str:
    allowed = get_policy().appointment.service_types
    if value not in allowed:
        raise _invalid(
            f"不在可预约的服务中（可选：{'、'.join(allowed)}）",
            f"is not a bookable service (one of: {', '.join(allowed)})",
        )
    return value


def _branch(value: str) -> str:
    allowed = get_policy().appointment.branches
    if value not in allowed:
        raise _invalid(
            f"不在可选网点中（可选：{'、'.join(allowed)}）", f"is not one of our branches ({', '.join(allowed)})"
        )
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]
Mobile = Annotated[str, AfterValidator(_mobile)]
ServiceTypeName = Annotated[str, AfterValidator(_service_type)]
BranchName = Annotated[str, AfterValidator(_branch)]
ShanghaiTime = Annotated[dt.datetime, PlainSerializer(lambda v: local(v).isoformat(), return_type=str)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AppointmentCreate(_In):
    service_type: ServiceTypeName
    start: AwareDatetime
    branch: BranchName | None = None
    address: str | None = Field(default=None, min_length=4, max_length=200)
    contact_name: str = Field(min_length=1, max_length=64)
    contact_mobile: Mobile
    conversation_id: str | None = Field(default=None, max_length=128)
    note: str | None = Field(default=None, max_length=500)


class AppointmentCancel(_In):
    reason: str | None = Field(default=None, max_length=500)


class AppointmentReschedule(_In):
    start: AwareDatetime
    reason: str | None = Field(default=None, max_length=500)


class AppointmentOutcome(_In):
    note: str | None = Field(default=None, max_length=500)


class SlotPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    start: ShanghaiTime
    end: ShanghaiTime
    capacity: int
    remaining: int


class Availability(BaseModel):
    service_type: str
    date: dt.date
    branch: str | None
    slots: list[SlotPublic]
    reason: str | None = None  # why the list is empty (non-working day, past, beyond the horizon)
    reason_en: str | None = None


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    from_state: str | None
    to_state: str | None
    actor: str
    at: ShanghaiTime
    note: str | None
    data: dict | None


class AppointmentPublic(BaseModel):
    number: str
    service_type: str
    branch: str | None
    address: str | None
    start: ShanghaiTime
    end: ShanghaiTime
    status: AppointmentStatus
    contact_name: str
    contact_mobile: str  # masked: 138****5678
    customer_id: int | None
    conversation_id: str | None
    note: str | None
    created_at: ShanghaiTime
    history: list[EventPublic] | None = None  # staff only

    @classmethod
    def build(cls, appt: Appointment, history: list[CaseEvent] | None = None) -> AppointmentPublic:
        """The public view of an appointment; the mobile number leaves masked."""
        return cls(
            number=appt.number,
            service_type=appt.service_type,
            branch=appt.branch,
            address=appt.address,
            start=appt.start,
            end=appt.end,
            status=appt.status,
            contact_name=appt.contact_name,
            contact_mobile=mask(decrypt(appt.contact_mobile_enc)),
            customer_id=appt.customer_id,
            conversation_id=appt.conversation_id,
            note=appt.note,
            created_at=appt.created_at,
            history=None if history is None else [EventPublic.model_validate(e) for e in history],
        )
