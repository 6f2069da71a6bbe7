"""Escalation steps taken by the sweep; the unique key makes each step happen once."""

import datetime as dt

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin


class EscalationStep(IdMixin, Base):
    __tablename__ = "escalation_steps"
    __table_args__ = (UniqueConstraint("case_type", "case_id", "kind", "target", "level"),)

    case_type: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # warning | escalation
    target: Mapped[str] = mapped_column(String(24))  # SLA target name; "" for escalations (one per level)
    level: Mapped[int]
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(200))
