"""Hand-overs of a chat from the bot to a human agent, with the kept transcript."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Double, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin, TimestampMixin


class HandoverStatus(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    CLOSED = "closed"


class HandoverReason(StrEnum):
    REQUESTED = "requested"  # the customer asked for a human
    FALLBACK = "fallback"  # the bot misunderstood repeatedly (RULES §8)
    VERIFICATION_FAILED = "verification_failed"
    HIGH_RISK = "high_risk"  # regulator / media / legal complaint (RULES §8)
    OTHER = "other"


class HandoverOutcome(StrEnum):
    HANDED_BACK = "handed_back"  # the agent gave the chat back to the bot
    RESOLVED = "resolved"
    ABANDONED = "abandoned"  # the customer left


class HandoverSender(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"


OPEN_STATUSES = (HandoverStatus.WAITING, HandoverStatus.ACTIVE)


class Handover(IdMixin, TimestampMixin, Base):
    __tablename__ = "handovers"
    __table_args__ = (
        # At most one open hand-over per conversation, enforced by the database so that
        # concurrent retries from the bot cannot create two.
        Index(
            "uq_handovers_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text("status <> 'closed'"),
            postgresql_where=text("status <> 'closed'"),
        ),
        Index("ix_handovers_status_created_at", "status", "created_at"),
    )

    conversation_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(32))
    reason: Mapped[HandoverReason] = mapped_column(String(32))
    summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[HandoverStatus] = mapped_column(String(8), default=HandoverStatus.WAITING)
    agent: Mapped[str | None] = mapped_column(String(64))
    customer_name: Mapped[str | None] = mapped_column(String(64))
    case_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[HandoverOutcome | None] = mapped_column(String(16))
    outside_agent_hours: Mapped[bool] = mapped_column(default=False)  # as at creation
    # Rasa timestamp (epoch seconds) of the newest tracker line copied into the transcript;
    # None: nothing copied yet, so copying starts at created_at.
    synced_until: Mapped[float | None] = mapped_column(Double)


class HandoverMessage(IdMixin, Base):
    """One line of the transcript; personal numbers are masked before they are stored."""

    __tablename__ = "handover_messages"

    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    sender: Mapped[HandoverSender] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
