"""Customer satisfaction (CSAT, 1–5) after a conversation or a case."""

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin


class Feedback(IdMixin, Base):
    __tablename__ = "feedback"

    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(128))
    channel: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(16))
