"""Insurance policies (contracts) held by customers."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base
from api.core.models import IdMixin, TimestampMixin
from api.customers.models import Customer


class InsurancePolicy(IdMixin, TimestampMixin, Base):
    __tablename__ = "insurance_policies"

    number: Mapped[str] = mapped_column(String(14), unique=True)  # P + 13 digits
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product_name: Mapped[str] = mapped_column(String(64))
    product_type: Mapped[str] = mapped_column(String(16))  # 健康险 / 意外险 / 寿险 / 车险 / 财产险
    status: Mapped[str] = mapped_column(String(8), default="有效")
    effective_date: Mapped[dt.date] = mapped_column(Date)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    sum_insured: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    customer: Mapped[Customer] = relationship(lazy="joined")
