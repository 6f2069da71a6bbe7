"""Identity-check attempts, counted per case and per conversation against enumeration."""

import datetime as dt

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin


class VerificationAttempt(IdMixin, Base):
    __tablename__ = "verification_attempts"

    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(128), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
