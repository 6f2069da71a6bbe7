"""Complaints (投诉) with the seed-001 registration fields."""

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.complaints.enums import ComplaintPriority, ComplaintStage
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin, TimestampMixin
from api.customers.models import Customer
from api.policies.models import InsurancePolicy


class Complaint(IdMixin, TimestampMixin, Base):
    __tablename__ = "complaints"

    number: Mapped[str] = mapped_column(String(16), unique=True)  # TS + yyyymmdd + - + 4 digits
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("insurance_policies.id"))
    type: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    demand: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(8))
    conversation_id: Mapped[str | None] = mapped_column(String(128))
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_mobile_enc: Mapped[str] = mapped_column(String(255))
    handler: Mapped[str | None] = mapped_column(String(64))
    handler_staff_no: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[ComplaintStage] = mapped_column(String(4), default=ComplaintStage.ACCEPTED, index=True)
    priority: Mapped[ComplaintPriority] = mapped_column(String(4), default=ComplaintPriority.NORMAL)
    high_risk_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    accepted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # the SLA clocks start here
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    result_sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    customer_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    resolution: Mapped[str | None] = mapped_column(Text)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    urge_count: Mapped[int] = mapped_column(Integer, default=0)
    last_urged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)

    customer: Mapped[Customer] = relationship(lazy="joined")
    policy: Mapped[InsurancePolicy | None] = relationship(lazy="joined")
