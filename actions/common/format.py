"""Dates and times as customers read them (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = "一二三四五六日"


def day(iso: str) -> str:
    """2026-12-01… → 12月1日."""
    moment = dt.datetime.fromisoformat(iso) if "T" in iso else dt.datetime.fromisoformat(iso + "T00:00:00")
    return f"{moment.month}月{moment.day}日"


def last_day(iso: str) -> dt.date:
    """The last day a working-day deadline leaves: due at 24:00, i.e. the next day's 00:00."""
    return (dt.datetime.fromisoformat(iso) - dt.timedelta(days=1)).date()


def weekday_date(day: dt.date) -> str:
    """2026-12-16 → 12月16日（周三）."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def deadline(iso: str) -> str:
    """A due instant as promised: working-day deadlines end at 24:00, clock deadlines at their minute."""
    moment = dt.datetime.fromisoformat(iso)
    if moment.hour == 0 and moment.minute == 0:
        last = last_day(iso)
        return f"{last.month}月{last.day}日24:00"
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


def slot_time(iso: str) -> str:
    """2026-12-01T15:00:00+08:00 → 12月1日（周二）15:00."""
    moment = dt.datetime.fromisoformat(iso)
    return f"{moment.month}月{moment.day}日（周{WEEKDAYS[moment.weekday()]}）{moment:%H:%M}"
