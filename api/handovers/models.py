"""Hand-overs of a chat from the bot to a human agent, with the kept transcript."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin, TimestampMixin


class HandoverStatus(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    CLOSED = "closed"


class Handover(IdMixin, TimestampMixin, Base):
    __tablename__ = "handovers"
    __table_args__ = (Index("ix_handovers_conversation_status", "conversation_id", "status"),)

    conversation_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))  # requested | fallback | verification_failed | high_risk | …
    summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[HandoverStatus] = mapped_column(String(8), default=HandoverStatus.WAITING, index=True)
    agent: Mapped[str | None] = mapped_column(String(64))
    customer_name: Mapped[str | None] = mapped_column(String(64))
    case_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    outside_agent_hours: Mapped[bool] = mapped_column(default=False)


class HandoverMessage(IdMixin, Base):
    """One line of the transcript; personal numbers are masked before they are stored."""

    __tablename__ = "handover_messages"

    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    sender: Mapped[str] = mapped_column(String(16))  # customer | bot | agent
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
