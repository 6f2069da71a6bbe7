"""Case history: every state change of every case, with actor and time."""

import datetime as dt

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin


class CaseEvent(IdMixin, Base):
    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_type", "case_id"),)

    case_type: Mapped[str] = mapped_column(String(16))  # claim | complaint | appointment | handover
    case_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(24))  # created | status | urge | escalation | warning | note | …
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
