"""Working-day calendar: statutory holidays, 调休 and Civil Code deadline counting.

Expected values are hand-checked against the State Council notices
国办发明电〔2024〕12号 (2025 holidays) and 国办发明电〔2025〕7号 (2026 holidays).
"""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.service_policy import load_policy
from api.sla import calendar as calendar_module
from api.sla.calendar import SHANGHAI, WorkCalendar

CAL = WorkCalendar()


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def days(first: date, last: date) -> set[date]:
    return {first + timedelta(n) for n in range((last - first).days + 1)}


# Straight from the notices: 放假 ranges and 上班 (adjusted work) days.
HOLIDAYS = (
    days(date(2025, 1, 1), date(2025, 1, 1))
    | days(date(2025, 1, 28), date(2025, 2, 4))
    | days(date(2025, 4, 4), date(2025, 4, 6))
    | days(date(2025, 5, 1), date(2025, 5, 5))
    | days(date(2025, 5, 31), date(2025, 6, 2))
    | days(date(2025, 10, 1), date(2025, 10, 8))
    | days(date(2026, 1, 1), date(2026, 1, 3))
    | days(date(2026, 2, 15), date(2026, 2, 23))
    | days(date(2026, 4, 4), date(2026, 4, 6))
    | days(date(2026, 5, 1), date(2026, 5, 5))
    | days(date(2026, 6, 19), date(2026, 6, 21))
    | days(date(2026, 9, 25), date(2026, 9, 27))
    | days(date(2026, 10, 1), date(2026, 10, 7))
)
ADJUSTED_WORKDAYS = {
    date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11),
    date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
    date(2026, 10, 10),
}  # fmt: skip


@pytest.fixture
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(calendar_module, "_warned_years", set())


def test_every_day_of_2025_and_2026_matches_the_state_council_notices():
    for day in sorted(days(date(2025, 1, 1), date(2026, 12, 31))):
        expected = day in ADJUSTED_WORKDAYS or (day.weekday() < 5 and day not in HOLIDAYS)
        assert CAL.is_working_day(day) is expected, day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday, 调休 for Spring Festival
        (date(2025, 1, 28), False),  # 除夕, Tuesday
        (date(2025, 2, 4), False),  # last day of Spring Festival, Tuesday
        (date(2025, 2, 8), True),  # Saturday, 调休
        (date(2025, 9, 28), True),  # Sunday before National Day
        (date(2025, 10, 8), False),  # Wednesday, National Day + Mid-autumn
        (date(2025, 10, 11), True),  # Saturday after National Day
        (date(2026, 1, 2), False),  # Friday, New Year
        (date(2026, 1, 4), True),  # Sunday, 调休 for New Year
        (date(2026, 2, 14), True),  # Saturday before Spring Festival
        (date(2026, 2, 23), False),  # Monday, 正月初七
        (date(2026, 2, 28), True),  # Saturday after Spring Festival
        (date(2026, 9, 20), True),  # Sunday, 调休 for National Day
        (date(2026, 9, 25), False),  # Friday, Mid-autumn
        (date(2026, 10, 7), False),  # Wednesday, National Day
        (date(2026, 10, 10), True),  # Saturday after National Day
    ],
)
def test_statutory_holidays_and_adjusted_work_days(day, working):
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("accepted", "n", "deadline"),
    [
        # ordinary weeks
        (at(2025, 3, 3, 10), 1, at(2025, 3, 5)),  # Mon → ends 24:00 Tue
        (at(2025, 3, 3, 0, 1), 1, at(2025, 3, 5)),  # acceptance day not counted even at 00:01
        (at(2025, 3, 3, 23, 59), 1, at(2025, 3, 5)),
        (at(2025, 3, 7, 15), 1, at(2025, 3, 11)),  # Fri → Mon
        (at(2025, 3, 8, 10), 1, at(2025, 3, 11)),  # accepted on a Saturday
        # 2025 Spring Festival: off Jan 28–Feb 4, work Sun Jan 26 and Sat Feb 8
        (at(2025, 1, 24, 10), 1, at(2025, 1, 27)),  # Sun Jan 26 is a working day
        (at(2025, 1, 24, 10), 2, at(2025, 1, 28)),
        (at(2025, 1, 24, 10), 3, at(2025, 2, 6)),  # skips the whole holiday
        (at(2025, 1, 27, 16), 1, at(2025, 2, 6)),
        (at(2025, 1, 30, 9), 1, at(2025, 2, 6)),  # accepted on a holiday
        (at(2025, 1, 30, 9), 7, at(2025, 2, 13)),  # Feb 5,6,7, Sat 8, 10,11,12
        (at(2025, 1, 20, 10), 7, at(2025, 2, 6)),  # complaint resolution across the festival
        # 2025 National Day + Mid-autumn: off Oct 1–8, work Sun Sep 28 and Sat Oct 11
        (at(2025, 9, 26, 14), 1, at(2025, 9, 29)),
        (at(2025, 9, 26, 14), 3, at(2025, 10, 1)),  # ends 24:00 Sep 30
        (at(2025, 9, 26, 14), 4, at(2025, 10, 10)),
        (at(2025, 9, 26, 14), 6, at(2025, 10, 12)),  # 6th is Sat Oct 11
        (at(2025, 9, 26, 14), 7, at(2025, 10, 14)),
        (at(2025, 10, 1, 0, 1), 1, at(2025, 10, 10)),  # accepted on National Day
        # 2025 → 2026: off Jan 1–3 2026, work Sun Jan 4
        (at(2025, 12, 30, 11), 1, at(2026, 1, 1)),  # 24:00 Dec 31 == 00:00 Jan 1
        (at(2025, 12, 31, 17), 1, at(2026, 1, 5)),
        (at(2025, 12, 31, 17), 2, at(2026, 1, 6)),
        # 2026 Spring Festival: off Feb 15–23, work Sat Feb 14 and Sat Feb 28
        (at(2026, 2, 13, 10), 1, at(2026, 2, 15)),
        (at(2026, 2, 13, 10), 2, at(2026, 2, 25)),
        (at(2026, 2, 14, 9), 1, at(2026, 2, 25)),  # accepted on an adjusted work day
        (at(2026, 2, 14, 9), 5, at(2026, 3, 1)),  # 5th is Sat Feb 28
        # 2026 Mid-autumn (Fri Sep 25) and National Day: off Oct 1–7, work Sep 20 and Oct 10
        (at(2026, 9, 18, 10), 1, at(2026, 9, 21)),
        (at(2026, 9, 24, 10), 1, at(2026, 9, 29)),
        (at(2026, 9, 30, 10), 1, at(2026, 10, 9)),
        (at(2026, 9, 30, 10), 3, at(2026, 10, 11)),
        # time zones: 17:00 UTC on Mar 3 is already Tue Mar 4 in Shanghai
        (datetime(2025, 3, 3, 17, tzinfo=ZoneInfo("UTC")), 1, at(2025, 3, 6)),
        (datetime(2025, 3, 3, 15, 59, tzinfo=ZoneInfo("UTC")), 1, at(2025, 3, 5)),
    ],
)
def test_add_working_days_civil_code_deadline(accepted, n, deadline):
    result = CAL.add_working_days(accepted, n)
    assert result == deadline
    assert result.tzinfo == SHANGHAI and result.time() == time(0)


def test_year_2027_falls_back_to_monday_to_friday_with_one_warning(caplog, fresh_warnings):
    caplog.set_level(logging.WARNING, logger="api.sla.calendar")
    # Jan 1 2027 is really New Year's Day, but without data it counts as a Friday.
    assert CAL.add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 2)
    assert CAL.add_working_days(at(2026, 12, 30, 10), 3) == at(2027, 1, 5)
    assert CAL.is_working_day(date(2027, 1, 2)) is False
    assert CAL.is_working_day(date(2027, 3, 3)) is True
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2027" in warnings[0].getMessage()


def test_each_unknown_year_warns_once(caplog, fresh_warnings):
    caplog.set_level(logging.WARNING, logger="api.sla.calendar")
    for day in (date(2027, 5, 1), date(2028, 5, 1), date(2027, 6, 1), date(2028, 6, 1)):
        CAL.is_working_day(day)
    assert sorted(r.args[0] for r in caplog.records) == [2027, 2028]


def test_known_years_do_not_warn(caplog, fresh_warnings):
    caplog.set_level(logging.WARNING, logger="api.sla.calendar")
    CAL.add_working_days(at(2026, 12, 1), 10)
    assert caplog.records == []


def test_extra_holiday_and_extra_workday():
    cal = WorkCalendar(extra_holidays=[date(2025, 3, 4)], extra_workdays=[date(2025, 3, 8)])
    assert cal.add_working_days(at(2025, 3, 3, 10), 1) == at(2025, 3, 6)
    assert cal.add_working_days(at(2025, 3, 7, 10), 1) == at(2025, 3, 9)
    assert cal.is_working_day(date(2025, 3, 4)) is False
    assert CAL.is_working_day(date(2025, 3, 4)) is True  # the extras are per instance


def test_extra_workday_wins_over_extra_holiday():
    cal = WorkCalendar(extra_holidays=[date(2025, 3, 8)], extra_workdays=[date(2025, 3, 8)])
    assert cal.is_working_day(date(2025, 3, 8)) is True


def test_from_policy_reads_the_calendar_section():
    policy = load_policy()
    cal = WorkCalendar.from_policy(policy)
    assert cal.extra_holidays == frozenset(policy.calendar.extra_holidays)
    assert cal.extra_workdays == frozenset(policy.calendar.extra_workdays)
    extended = policy.model_copy(
        update={"calendar": policy.calendar.model_copy(update={"extra_holidays": [date(2025, 3, 4)]})}
    )
    assert WorkCalendar.from_policy(extended).is_working_day(date(2025, 3, 4)) is False


@pytest.mark.parametrize(
    ("after", "through", "count"),
    [
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        (date(2025, 3, 3), date(2025, 3, 1), 0),
        (date(2025, 3, 3), date(2025, 3, 4), 1),
        (date(2025, 3, 7), date(2025, 3, 10), 1),  # Sat, Sun, Mon
        (date(2025, 1, 24), date(2025, 2, 8), 6),  # Jan 26, 27, Feb 5, 6, 7, 8
        (date(2025, 9, 30), date(2025, 10, 8), 0),  # whole National Day holiday
        (date(2025, 12, 31), date(2026, 1, 4), 1),  # only the adjusted Sunday
    ],
)
def test_working_days_in_half_open_interval(after, through, count):
    assert CAL.working_days_in(after, through) == count


@pytest.mark.parametrize(
    ("moment", "working_days_only", "inside"),
    [
        (at(2025, 3, 3, 9), True, True),  # start is inclusive
        (at(2025, 3, 3, 17, 59), True, True),
        (at(2025, 3, 3, 18), True, False),  # end is exclusive
        (at(2025, 3, 3, 8, 59), True, False),
        (at(2025, 3, 8, 10), True, False),  # Saturday
        (at(2025, 3, 8, 10), False, True),
        (at(2025, 1, 26, 10), True, True),  # Sunday but an adjusted work day
        (at(2025, 1, 28, 10), True, False),  # Spring Festival
        (datetime(2025, 3, 3, 2, tzinfo=ZoneInfo("UTC")), True, True),  # 10:00 in Shanghai
    ],
)
def test_is_within_hours(moment, working_days_only, inside):
    assert CAL.is_within_hours(moment, time(9), time(18), working_days_only) is inside


def test_is_within_hours_across_midnight():
    assert CAL.is_within_hours(at(2025, 3, 3, 23), time(22), time(6), False) is True
    assert CAL.is_within_hours(at(2025, 3, 3, 5, 59), time(22), time(6), False) is True
    assert CAL.is_within_hours(at(2025, 3, 3, 12), time(22), time(6), False) is False


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="naive"):
        CAL.add_working_days(datetime(2025, 3, 3, 10), 1)
    with pytest.raises(ValueError, match="naive"):
        CAL.is_within_hours(datetime(2025, 3, 3, 10), time(9), time(18), True)


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="n must be >= 1"):
        CAL.add_working_days(at(2025, 3, 3), 0)


@pytest.mark.parametrize(
    "after, through, provisional",
    [
        (date(2026, 12, 7), date(2026, 12, 16), False),  # inside the published 2026 table
        (date(2026, 12, 24), date(2027, 1, 5), True),  # crosses into 2027, counted Monday–Friday
        (date(2027, 2, 3), date(2027, 2, 19), True),
    ],
)
def test_dates_counted_without_a_holiday_table_are_provisional(after, through, provisional):
    assert CAL.provisional(after, through) is provisional
