"""Customers; personal numbers are stored encrypted and found by keyed hash."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.models import IdMixin, TimestampMixin


class Customer(IdMixin, TimestampMixin, Base):
    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(64))
    mobile_enc: Mapped[str] = mapped_column(String(255))
    mobile_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_number_enc: Mapped[str | None] = mapped_column(String(255))
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
