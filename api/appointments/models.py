"""Service appointments (预约) and per-slot capacity counters."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin, TimestampMixin


class AppointmentStatus(StrEnum):
    BOOKED = "已预约"
    CANCELLED = "已取消"
    COMPLETED = "已完成"
    NO_SHOW = "未到场"


class AppointmentSlot(IdMixin, Base):
    """One bookable slot; `booked` is raised with a guarded UPDATE so it never passes capacity."""

    __tablename__ = "appointment_slots"
    __table_args__ = (
        UniqueConstraint("service_type", "branch", "start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
    )

    service_type: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str] = mapped_column(String(32), default="")  # "" where the service has no branch
    start: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class Appointment(IdMixin, TimestampMixin, Base):
    __tablename__ = "appointments"

    number: Mapped[str] = mapped_column(String(16), unique=True)  # YY + yyyymmdd + - + 4 digits
    service_type: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slots.id"))
    start: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    end: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_mobile_enc: Mapped[str] = mapped_column(String(255))
    contact_mobile_hash: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[AppointmentStatus] = mapped_column(String(4), default=AppointmentStatus.BOOKED)
    conversation_id: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
