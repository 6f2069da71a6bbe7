"""Claims (理赔案件)."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.claims.enums import ClaimCategory, ClaimPriority, ClaimStatus
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin, TimestampMixin
from api.customers.models import Customer
from api.policies.models import InsurancePolicy


class Claim(IdMixin, TimestampMixin, Base):
    __tablename__ = "claims"

    number: Mapped[str] = mapped_column(String(16), unique=True)  # LP + yyyymmdd + 5 digits
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policies.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    category: Mapped[ClaimCategory] = mapped_column(String(8))
    priority: Mapped[ClaimPriority] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[ClaimStatus] = mapped_column(String(8), default=ClaimStatus.ACCEPTED, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    missing_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    handler: Mapped[str | None] = mapped_column(String(64))
    reported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # the SLA clocks start here
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    urge_count: Mapped[int] = mapped_column(Integer, default=0)
    last_urged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)

    policy: Mapped[InsurancePolicy] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")
