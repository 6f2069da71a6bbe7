"""Property-based checks of the calendar and the engine, including the 2027 fallback year."""

from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.service_policy import Duration
from api.sla.calendar import SHANGHAI, WorkCalendar
from api.sla.engine import Pause, due_at, evaluate

CAL = WorkCalendar()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# 2024–2027: known statutory years plus 2027, which chinese-calendar 1.11 does not know.
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
moments = st.builds(
    lambda d, t: datetime.combine(d, t, tzinfo=SHANGHAI), days, st.times()
)  # fmt: skip
counts = st.integers(min_value=1, max_value=40)


@SETTINGS
@given(moments, counts)
def test_deadline_is_midnight_after_the_nth_working_day(start, n):
    deadline = CAL.add_working_days(start, n)
    assert deadline.tzinfo == SHANGHAI and deadline.time() == time(0)
    last = deadline.date() - timedelta(days=1)
    assert CAL.is_working_day(last)
    assert CAL.working_days_in(start.date(), last) == n
    assert last > start.date()


@SETTINGS
@given(moments, counts)
def test_add_working_days_is_strictly_monotone_in_n(start, n):
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@SETTINGS
@given(moments, moments, counts)
def test_add_working_days_is_monotone_in_start(a, b, n):
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(b, n)


@SETTINGS
@given(moments, counts, counts)
def test_add_working_days_composes(start, m, n):
    # m days then n more from the start of the last counted day's successor == m + n days.
    first = CAL.add_working_days(start, m)
    assert CAL.add_working_days(first - timedelta(days=1), n) == CAL.add_working_days(start, m + n)


@SETTINGS
@given(days, days, days)
def test_working_days_in_is_additive(a, b, c):
    a, b, c = sorted((a, b, c))
    assert CAL.working_days_in(a, b) + CAL.working_days_in(b, c) == CAL.working_days_in(a, c)


@SETTINGS
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)))
def test_unknown_year_is_monday_to_friday(day):
    assert CAL.is_working_day(day) is (day.weekday() < 5)


@SETTINGS
@given(days, st.sets(days, max_size=5), st.sets(days, max_size=5))
def test_extras_override_the_statutory_calendar(day, holidays, workdays):
    cal = WorkCalendar(extra_holidays=holidays, extra_workdays=workdays)
    if day in workdays:
        assert cal.is_working_day(day)
    elif day in holidays:
        assert not cal.is_working_day(day)
    else:
        assert cal.is_working_day(day) is CAL.is_working_day(day)


pause_spans = st.lists(
    st.tuples(st.integers(-120, 3000), st.integers(0, 600)), max_size=6
)  # fmt: skip


@SETTINGS
@given(moments, st.integers(1, 2000), pause_spans)
def test_clock_due_is_duration_plus_paused_time(start, minutes, spans):
    # Independent oracle on a one-minute grid: the due time is the first instant at which
    # exactly `minutes` unpaused minutes have passed since start.
    pauses = [Pause(start + timedelta(minutes=s), start + timedelta(minutes=s + length)) for s, length in spans]
    paused = {m for s, length in spans for m in range(max(s, 0), s + length)}
    due = due_at(start, Duration(minutes=minutes), CAL, pauses)
    offset = (due - start) / timedelta(minutes=1)
    assert offset == int(offset)
    offset = int(offset)
    active = [m for m in range(offset) if m not in paused]
    assert len(active) == minutes
    assert active[-1] == offset - 1  # no earlier instant would do
    assert offset - minutes == len([m for m in paused if m < offset])


@SETTINGS
@given(
    moments,
    counts,
    st.lists(st.tuples(st.integers(0, 60 * 24 * 40), st.integers(0, 60 * 24 * 20)), max_size=4),
)
def test_working_day_pauses_never_shorten_the_deadline(start, n, spans):
    pauses = [Pause(start + timedelta(minutes=s), start + timedelta(minutes=s + length)) for s, length in spans]
    plain = due_at(start, Duration(working_days=n), CAL)
    paused = due_at(start, Duration(working_days=n), CAL, pauses)
    assert paused >= plain
    assert paused.time() == time(0)
    assert CAL.is_working_day(paused.date() - timedelta(days=1))


STATE_ORDER = ["running", "warning", "breached"]


@SETTINGS
@given(moments, st.integers(1, 3000), pause_spans, st.integers(0, 6000), st.integers(0, 6000))
def test_state_and_ratio_only_move_forward(start, minutes, spans, t1, t2):
    t1, t2 = sorted((t1, t2))
    pauses = [Pause(start + timedelta(minutes=s), start + timedelta(minutes=s + length)) for s, length in spans]
    duration = Duration(minutes=minutes)
    a, b = (evaluate("x", "x", start, duration, CAL, now=start + timedelta(minutes=t), pauses=pauses) for t in (t1, t2))
    assert a.due_at == b.due_at
    assert a.elapsed_ratio <= b.elapsed_ratio
    assert a.remaining_seconds >= b.remaining_seconds
    assert STATE_ORDER.index(a.state) <= STATE_ORDER.index(b.state)
    assert (b.state == "breached") is (b.remaining_seconds <= 0)
