"""Working-day calendar for China (statutory holidays and 调休) and Civil Code day counting."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import chinese_calendar

if TYPE_CHECKING:
    from api.service_policy import ServicePolicy

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)

logger = logging.getLogger(__name__)
_warned_years: set[int] = set()


def require_aware(moment: datetime, name: str = "datetime") -> datetime:
    """Return moment unchanged, or raise ValueError if it has no timezone."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{name} {moment.isoformat()} is naive; SLA times must be timezone-aware "
            "(e.g. tzinfo=ZoneInfo('Asia/Shanghai'))"
        )
    return moment


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware datetime."""
    return require_aware(moment).astimezone(SHANGHAI).date()


def local_midnight(day: date) -> datetime:
    """00:00 Asia/Shanghai at the start of day."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


@lru_cache(maxsize=16384)
def _statutory_workday(day: date) -> bool | None:
    """chinese_calendar's verdict for day, or None when it has no data for that year."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _fallback_workday(day: date) -> bool:
    # Warn once per year (not per date): the holiday table must be updated by upgrading
    # chinese-calendar once the State Council publishes the year's notice.
    if day.year not in _warned_years:
        _warned_years.add(day.year)
        logger.warning(
            "chinese-calendar has no holiday data for %s; counting Monday–Friday as working "
            "days (upgrade chinese-calendar or add policy calendar.extra_holidays)",
            day.year,
        )
    return day.weekday() < 5


def _as_date(value: date, name: str) -> date:
    # datetime is a subclass of date; a bare comparison would mix instants with days.
    if isinstance(value, datetime):
        return local_date(require_aware(value, name))
    return value


class WorkCalendar:
    """China's working-day calendar plus the insurer's own extra holidays and working days."""

    def __init__(self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()):
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)

    @classmethod
    def from_policy(cls, policy: ServicePolicy) -> WorkCalendar:
        """Build the calendar from the policy file's `calendar` section."""
        return cls(policy.calendar.extra_holidays, policy.calendar.extra_workdays)

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(extra_holidays={sorted(self.extra_holidays)}, "
            f"extra_workdays={sorted(self.extra_workdays)})"
        )

    def is_working_day(self, day: date) -> bool:
        """True if day is a working day (statutory calendar incl. 调休, then policy extras)."""
        day = _as_date(day, "day")
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        verdict = _statutory_workday(day)
        return _fallback_workday(day) if verdict is None else verdict

    def provisional(self, after: date, through: date) -> bool:
        """True if a day in (after, through] is counted Monday–Friday for want of a published holiday table: a
        date quoted across it may still move when the State Council publishes the year's 调休."""
        after, through = _as_date(after, "after"), _as_date(through, "through")
        return any(_statutory_workday(date(year, 12, 31)) is None for year in range(after.year, through.year + 1))

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The n-th working day strictly after day (n >= 1)."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        day = _as_date(day, "day")
        found = 0
        while found < n:
            day += ONE_DAY
            if self.is_working_day(day):
                found += 1
        return day

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Deadline of an n-working-day period accepted at start (民法典 第201条).

        The acceptance day is not counted; the period ends at 24:00 of the n-th working day
        after it, returned as 00:00 Asia/Shanghai of the following calendar day.
        """
        last = self.nth_working_day_after(local_date(require_aware(start, "start")), n)
        return local_midnight(last + ONE_DAY)

    def working_days_in(self, after: date, through: date) -> int:
        """Number of working days d with after < d <= through (0 if through <= after)."""
        after, through = _as_date(after, "after"), _as_date(through, "through")
        count = 0
        day = after + ONE_DAY
        while day <= through:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def is_within_hours(
        self, moment: datetime, start: time, end: time, working_days_only: bool
    ) -> bool:
        """True if moment falls in [start, end) local time (on a working day if required).

        An end at or before start means the span crosses midnight (e.g. 22:00–06:00); the
        working-day check then applies to the local date of moment.
        """
        local = require_aware(moment, "moment").astimezone(SHANGHAI)
        if working_days_only and not self.is_working_day(local.date()):
            return False
        clock = local.time().replace(tzinfo=None)
        if start < end:
            return start <= clock < end
        return clock >= start or clock < end
