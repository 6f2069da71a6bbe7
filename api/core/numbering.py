"""Case numbers (LP…, TS…-…, YY…-…, GR…-…, P…) from counters that stay unique under concurrency."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.core.clock import local
from api.core.db import Base


class Counter(Base):
    __tablename__ = "counters"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


def next_value(session: Session, key: str) -> int:
    """Atomically increment and return a named counter (row lock on PostgreSQL, write lock on SQLite)."""
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(Counter).values(key=key, value=0).on_conflict_do_nothing(index_elements=["key"]))
    return session.execute(
        update(Counter).where(Counter.key == key).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar_one()


def _dated(session: Session, prefix: str, moment: dt.datetime, width: int, sep: str) -> str:
    day = local(moment).strftime("%Y%m%d")
    value = next_value(session, f"{prefix}{day}")
    if value >= 10**width:
        raise OverflowError(f"more than {10**width - 1} {prefix} numbers on {day}")
    return f"{prefix}{day}{sep}{value:0{width}d}"


def claim_number(session: Session, moment: dt.datetime) -> str:
    """LP + yyyymmdd + 5 digits, e.g. LP2026110500123."""
    return _dated(session, "LP", moment, 5, "")


def complaint_number(session: Session, moment: dt.datetime) -> str:
    """TS + yyyymmdd + '-' + 4 digits, e.g. TS20261122-0001."""
    return _dated(session, "TS", moment, 4, "-")


def appointment_number(session: Session, moment: dt.datetime) -> str:
    """YY + yyyymmdd + '-' + 4 digits."""
    return _dated(session, "YY", moment, 4, "-")


def data_request_number(session: Session, moment: dt.datetime) -> str:
    """GR + yyyymmdd + '-' + 4 digits, e.g. GR20261207-0001 (个人信息申请)."""
    return _dated(session, "GR", moment, 4, "-")


def policy_number(session: Session) -> str:
    """P + 13 digits."""
    return f"P{next_value(session, 'P'):013d}"


def case_kind(number: str) -> str | None:
    """What a case number denotes, by the prefixes issued above: claim, complaint, appointment, data_request, policy."""
    prefixes = (("LP", "claim"), ("TS", "complaint"), ("YY", "appointment"), ("GR", "data_request"), ("P", "policy"))
    for prefix, kind in prefixes:
        if number.startswith(prefix):
            return kind
    return None
