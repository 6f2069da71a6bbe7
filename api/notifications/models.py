"""Notification outbox: written in the same transaction as the event, delivered later."""

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin


class Notification(IdMixin, Base):
    __tablename__ = "notifications"

    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))  # sla_warning | escalation | high_risk | urge | …
    recipient_role: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str | None] = mapped_column(String(64))
    case_type: Mapped[str] = mapped_column(String(16))
    case_number: Mapped[str] = mapped_column(String(16), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
