"""Loads and validates the shared service policy file (policy/service-policy.yml)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "policy" / "service-policy.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Duration(_Strict):
    """A target length: clock hours/minutes (7×24) or working days (Civil Code counting)."""

    hours: float | None = Field(default=None, gt=0)
    minutes: float | None = Field(default=None, gt=0)
    working_days: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> Duration:
        given = [v for v in (self.hours, self.minutes, self.working_days) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of hours, minutes, working_days")
        return self

    @property
    def is_working_days(self) -> bool:
        return self.working_days is not None

    @property
    def clock(self) -> dt.timedelta:
        return dt.timedelta(hours=self.hours or 0, minutes=self.minutes or 0)


class Window(_Strict):
    min: Duration
    max: Duration


class AgentHours(_Strict):
    working_days_only: bool
    start: dt.time
    end: dt.time


class ServiceHours(_Strict):
    self_service: str
    agents: AgentHours


class Calendar(_Strict):
    extra_holidays: list[dt.date] = []
    extra_workdays: list[dt.date] = []


class ClaimSla(_Strict):
    by_priority: dict[Literal["紧急", "较高", "一般"], dict[Literal["initial_review", "handling"], Duration]]
    settlement: Duration
    expected_completion: dict[Literal["普通", "复杂", "紧急", "重复"], Window]
    pause_statuses: list[str]

    @model_validator(mode="after")
    def _complete(self) -> ClaimSla:
        for name in ("紧急", "较高", "一般"):
            if name not in self.by_priority:
                raise ValueError(f"missing priority {name}")
        for name in ("普通", "复杂", "紧急", "重复"):
            if name not in self.expected_completion:
                raise ValueError(f"missing category {name}")
        return self


class DataRequestSla(_Strict):
    resolution: Duration


class Sla(_Strict):
    warning_ratio: float = Field(gt=0, lt=1)
    complaint: dict[Literal["feedback", "resolution"], Duration]
    claim: ClaimSla
    handover: dict[Literal["pickup"], Duration]
    data_request: DataRequestSla


class Level(_Strict):
    level: int = Field(ge=1)
    role: Literal["supervisor", "manager"]
    after_breach_hours: float = Field(ge=0)


class HighRisk(_Strict):
    regulator: list[str]
    media: list[str]
    legal: list[str]
    repeat_within_days: int = Field(gt=0)


class Escalation(_Strict):
    sweep_interval_seconds: int = Field(gt=0)
    levels: list[Level] = Field(min_length=1)
    high_risk: HighRisk
    urge: dict[Literal["queue_boost"], int]

    @model_validator(mode="after")
    def _ordered(self) -> Escalation:
        if [lv.level for lv in self.levels] != list(range(1, len(self.levels) + 1)):
            raise ValueError("levels must be numbered 1, 2, … in order")
        return self


class Verification(_Strict):
    digits: int = Field(ge=4, le=6)
    max_attempts_per_case: int = Field(gt=0)
    max_attempts_per_conversation: int = Field(gt=0)
    window_minutes: int = Field(gt=0)
    token_minutes: int = Field(gt=0)


class ServiceType(_Strict):
    capacity: int = Field(gt=0)
    working_days_only: bool
    start: dt.time
    end: dt.time
    needs: Literal["branch", "address", "nothing"]

    @model_validator(mode="after")
    def _span(self) -> ServiceType:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Appointment(_Strict):
    slot_minutes: int = Field(gt=0, le=240)
    horizon_days: int = Field(gt=0)
    service_types: dict[str, ServiceType] = Field(min_length=1)
    branches: list[str] = Field(min_length=1)


class Complaint(_Strict):
    types: list[str] = Field(min_length=1)
    type_keywords: dict[str, list[str]] = {}
    channels: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _keywords_for_known_types(self) -> Complaint:
        unknown = set(self.type_keywords) - set(self.types)
        if unknown:
            raise ValueError(f"type_keywords for unknown types: {', '.join(sorted(unknown))}")
        return self


class CustomerTerms(_Strict):
    hesitation_days: int = Field(gt=0)
    grace_days: int = Field(gt=0)
    claim_limitation_years: dict[Literal["life", "other"], int]


class ServicePolicy(_Strict):
    version: int
    timezone: Literal["Asia/Shanghai"]
    calendar: Calendar
    service_hours: ServiceHours
    sla: Sla
    escalation: Escalation
    verification: Verification
    appointment: Appointment
    complaint: Complaint
    customer_terms: CustomerTerms
    retention_years: dict[Literal["ordinary", "special"], int]


class PolicyError(RuntimeError):
    """The policy file is missing or invalid; the message names the offending key."""


def load_policy(path: Path | str = DEFAULT_PATH) -> ServicePolicy:
    """Read and validate the policy file, raising PolicyError naming the bad key."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc
    try:
        return ServicePolicy.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise PolicyError(f"invalid policy file {path}: {problems}") from exc


@lru_cache(maxsize=1)
def get_policy() -> ServicePolicy:
    """The process-wide policy, loaded from POLICY_FILE (settings) on first use."""
    from api.core.config import get_settings

    return load_policy(get_settings().policy_file)
