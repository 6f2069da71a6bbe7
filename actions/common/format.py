"""Dates and times as customers read them (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = "一二三四五六日"


def day(iso: str) -> str:
    """2026-12-01… → 12月1日."""
    moment = dt.datetime.fromisoformat(iso) if "T" in iso else dt.datetime.fromisoformat(iso + "T00:00:00")
    return f"{moment.month}月{moment.day}日"


def deadline(iso: str) -> str:
    """A due instant as promised: working-day deadlines end at 24:00, clock deadlines at their minute."""
    moment = dt.datetime.fromisoformat(iso)
    if moment.hour == 0 and moment.minute == 0:
        last = moment - dt.timedelta(days=1)
        return f"{last.month}月{last.day}日24:00"
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


def slot_time(iso: str) -> str:
    """2026-12-01T15:00:00+08:00 → 12月1日（周二）15:00."""
    moment = dt.datetime.fromisoformat(iso)
    return f"{moment.month}月{moment.day}日（周{WEEKDAYS[moment.weekday()]}）{moment:%H:%M}"
