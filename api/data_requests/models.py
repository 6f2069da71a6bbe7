"""Personal-data requests (个人信息申请): query, correct or delete one's data (RULES §7)."""

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, UtcDateTime
from api.core.models import IdMixin, TimestampMixin
from api.customers.models import Customer
from api.data_requests.enums import DataRequestKind, DataRequestStatus


class DataRequest(IdMixin, TimestampMixin, Base):
    __tablename__ = "data_requests"

    number: Mapped[str] = mapped_column(String(16), unique=True)  # GR + yyyymmdd + - + 4 digits
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[DataRequestKind] = mapped_column(String(4))
    details: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(8))
    conversation_id: Mapped[str | None] = mapped_column(String(128), index=True)
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_mobile_enc: Mapped[str] = mapped_column(String(255))
    status: Mapped[DataRequestStatus] = mapped_column(String(8), default=DataRequestStatus.ACCEPTED, index=True)
    accepted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # the SLA clock starts here
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # the reply promised to the customer
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    handler: Mapped[str | None] = mapped_column(String(64))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)

    customer: Mapped[Customer] = relationship(lazy="joined")
