"""SLA engine: due times with pauses, target states, policy target tables and previews."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.service_policy import Duration, load_policy
from api.sla.calendar import SHANGHAI, WorkCalendar
from api.sla.engine import (
    LABELS,
    Pause,
    TargetState,
    claim_targets,
    complaint_targets,
    due_at,
    earliest_open_due,
    evaluate,
    handover_targets,
    preview,
)

CAL = WorkCalendar()
POLICY = load_policy()
HOURS_24 = Duration(hours=24)
DAYS_7 = Duration(working_days=7)


def at(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def status(start, duration, now, **kwargs):
    return evaluate("feedback", "首次反馈", start, duration, CAL, now=now, **kwargs)


# --- clock targets run 7×24 -----------------------------------------------------------------


def test_clock_target_crosses_midnight_and_holidays():
    # Accepted the evening before 除夕 2025: holidays do not stop a 24-hour clock.
    assert due_at(at(2025, 1, 27, 20), HOURS_24, CAL) == at(2025, 1, 28, 20)
    assert due_at(at(2025, 9, 30, 16), Duration(hours=48), CAL) == at(2025, 10, 2, 16)
    assert due_at(at(2025, 12, 31, 23, 58), Duration(minutes=3), CAL) == at(2026, 1, 1, 0, 1)


def test_clock_due_is_returned_in_shanghai_time():
    start = datetime(2025, 3, 3, 2, tzinfo=ZoneInfo("UTC"))  # 10:00 in Shanghai
    due = due_at(start, HOURS_24, CAL)
    assert due == at(2025, 3, 4, 10) and due.tzinfo == SHANGHAI


def test_clock_pause_extends_due_time():
    pauses = [Pause(at(2025, 3, 3, 12), at(2025, 3, 3, 15))]
    assert due_at(at(2025, 3, 3, 10), HOURS_24, CAL, pauses) == at(2025, 3, 4, 13)


def test_clock_pause_made_relevant_by_an_earlier_pause_counts():
    pauses = [
        Pause(at(2025, 3, 4, 11), at(2025, 3, 4, 12)),  # after the original due, before the new
        Pause(at(2025, 3, 3, 12), at(2025, 3, 3, 15)),  # given out of order on purpose
        Pause(at(2025, 3, 4, 14, 30), at(2025, 3, 4, 16)),  # after the extended due: ignored
    ]
    assert due_at(at(2025, 3, 3, 10), HOURS_24, CAL, pauses) == at(2025, 3, 4, 14)


def test_overlapping_pauses_count_once():
    pauses = [
        Pause(at(2025, 3, 3, 12), at(2025, 3, 3, 15)),
        Pause(at(2025, 3, 3, 14), at(2025, 3, 3, 16)),
    ]
    assert due_at(at(2025, 3, 3, 10), HOURS_24, CAL, pauses) == at(2025, 3, 4, 14)


def test_pause_before_acceptance_only_counts_after_it():
    pauses = [Pause(at(2025, 3, 3, 8), at(2025, 3, 3, 11))]
    assert due_at(at(2025, 3, 3, 10), HOURS_24, CAL, pauses) == at(2025, 3, 4, 11)


def test_open_pause_ends_at_now():
    pauses = [Pause(at(2025, 3, 3, 12))]
    assert due_at(at(2025, 3, 3, 10), HOURS_24, CAL, pauses, now=at(2025, 3, 3, 18)) == at(2025, 3, 4, 16)


def test_open_pause_without_now_is_an_error():
    with pytest.raises(ValueError, match="now"):
        due_at(at(2025, 3, 3, 10), HOURS_24, CAL, [Pause(at(2025, 3, 3, 12))])


# --- working-day targets --------------------------------------------------------------------


def test_working_day_target_without_pause():
    assert due_at(at(2025, 3, 3, 10), DAYS_7, CAL) == at(2025, 3, 13)


def test_working_day_pause_gives_back_the_days_up_to_resume():
    # Paused Wed 15:00, resumed Mon 09:00: Thu, Fri and Mon are given back (Wed stays counted).
    pauses = [Pause(at(2025, 3, 5, 15), at(2025, 3, 10, 9))]
    assert due_at(at(2025, 3, 3, 10), DAYS_7, CAL, pauses) == at(2025, 3, 18)


def test_working_day_pause_within_one_day_gives_nothing_back():
    pauses = [Pause(at(2025, 3, 5, 10), at(2025, 3, 5, 16))]
    assert due_at(at(2025, 3, 3, 10), DAYS_7, CAL, pauses) == at(2025, 3, 13)


def test_working_day_pause_over_spring_festival():
    # 7 working days from Mon Jan 20 2025 end 24:00 Feb 5; paused Fri Jan 24 → Wed Feb 5 gives
    # back Sun Jan 26, Mon Jan 27 and Wed Feb 5, so the 10th day is the adjusted Sat Feb 8.
    pauses = [Pause(at(2025, 1, 24, 11), at(2025, 2, 5, 10))]
    assert due_at(at(2025, 1, 20, 10), DAYS_7, CAL, pauses) == at(2025, 2, 9)


def test_working_day_pause_after_due_does_not_extend():
    pauses = [Pause(at(2025, 3, 13, 9), at(2025, 3, 17, 9))]
    assert due_at(at(2025, 3, 3, 10), DAYS_7, CAL, pauses) == at(2025, 3, 13)


def test_working_day_open_pause_is_paused_state():
    start = at(2025, 3, 3, 10)
    result = evaluate(
        "resolution", "处理结果", start, DAYS_7, CAL,
        now=at(2025, 3, 10, 9), pauses=[Pause(at(2025, 3, 5, 15))],
    )  # fmt: skip
    assert result.state is TargetState.PAUSED
    assert result.due_at == at(2025, 3, 18)


# --- states ---------------------------------------------------------------------------------

START = at(2025, 3, 3, 10)
DUE = at(2025, 3, 4, 10)


@pytest.mark.parametrize(
    ("now", "state", "remaining"),
    [
        (START + timedelta(hours=1), TargetState.RUNNING, 23 * 3600),
        (START + timedelta(hours=19), TargetState.RUNNING, 5 * 3600),
        (START + timedelta(hours=19, minutes=12), TargetState.WARNING, 4 * 3600 + 48 * 60),  # 80%
        (DUE - timedelta(seconds=1), TargetState.WARNING, 1),
        (DUE, TargetState.BREACHED, 0),
        (DUE + timedelta(hours=1), TargetState.BREACHED, -3600),
    ],
)
def test_state_progresses_running_warning_breached(now, state, remaining):
    result = status(START, HOURS_24, now)
    assert result.state is state
    assert result.remaining_seconds == remaining
    assert result.met_at is None
    assert result.breached_at == (DUE if state is TargetState.BREACHED else None)


def test_warning_ratio_comes_from_the_caller():
    now = START + timedelta(hours=13)
    assert status(START, HOURS_24, now).state is TargetState.RUNNING
    assert status(START, HOURS_24, now, warning_ratio=0.5).state is TargetState.WARNING


def test_elapsed_ratio():
    assert status(START, HOURS_24, START).elapsed_ratio == 0.0
    assert status(START, HOURS_24, START + timedelta(hours=6)).elapsed_ratio == 0.25
    assert status(START, HOURS_24, DUE).elapsed_ratio == 1.0
    assert status(START, HOURS_24, DUE + timedelta(hours=12)).elapsed_ratio == 1.5


def test_met_before_due():
    result = status(START, HOURS_24, DUE + timedelta(days=3), met_at=START + timedelta(hours=5))
    assert result.state is TargetState.MET
    assert result.remaining_seconds is None and result.breached_at is None
    assert result.met_at == START + timedelta(hours=5)


def test_met_exactly_at_due_is_met():
    assert status(START, HOURS_24, DUE, met_at=DUE).state is TargetState.MET


def test_met_after_due_is_met_late():
    result = status(START, HOURS_24, DUE + timedelta(days=3), met_at=DUE + timedelta(hours=2))
    assert result.state is TargetState.MET_LATE
    assert result.breached_at == DUE
    assert result.remaining_seconds is None


def test_pause_after_met_does_not_move_the_due_time():
    pauses = [Pause(START + timedelta(hours=5), START + timedelta(hours=50))]
    result = status(START, HOURS_24, DUE + timedelta(days=3), met_at=DUE, pauses=pauses)
    # Only the 5 h → 24 h stretch of the pause happened before the target was met.
    assert result.due_at == DUE + timedelta(hours=19)
    assert result.state is TargetState.MET


def test_open_pause_is_paused_and_freezes_remaining_time():
    pauses = [Pause(START + timedelta(hours=2))]
    early = status(START, HOURS_24, START + timedelta(hours=3), pauses=pauses)
    later = status(START, HOURS_24, START + timedelta(hours=30), pauses=pauses)
    for result in (early, later):
        assert result.state is TargetState.PAUSED
        assert result.remaining_seconds == 22 * 3600
        assert result.elapsed_ratio == pytest.approx(2 / 24, abs=1e-4)
    assert later.due_at == DUE + timedelta(hours=28)


def test_resumed_pause_runs_again():
    pauses = [Pause(START + timedelta(hours=2), START + timedelta(hours=4))]
    result = status(START, HOURS_24, START + timedelta(hours=5), pauses=pauses)
    assert result.state is TargetState.RUNNING
    assert result.due_at == DUE + timedelta(hours=2)
    assert result.elapsed_ratio == pytest.approx(3 / 24, abs=1e-4)


def test_pause_opened_after_breach_still_shows_breach():
    pauses = [Pause(DUE + timedelta(hours=1))]
    result = status(START, HOURS_24, DUE + timedelta(hours=3), pauses=pauses)
    assert result.state is TargetState.BREACHED
    assert result.breached_at == DUE


def test_working_day_target_warns_near_the_end():
    start = at(2025, 3, 3, 10)  # due 2025-03-13 00:00
    assert status(start, DAYS_7, at(2025, 3, 5, 10)).state is TargetState.RUNNING
    assert status(start, DAYS_7, at(2025, 3, 11, 12)).state is TargetState.WARNING
    assert status(start, DAYS_7, at(2025, 3, 13)).state is TargetState.BREACHED


def test_to_dict_uses_shanghai_iso_strings():
    utc_start = START.astimezone(ZoneInfo("UTC"))
    result = status(utc_start, HOURS_24, DUE + timedelta(hours=1))
    assert result.to_dict() == {
        "name": "feedback",
        "label": "首次反馈",
        "due_at": "2025-03-04T10:00:00+08:00",
        "met_at": None,
        "state": "breached",
        "remaining_seconds": -3600,
        "elapsed_ratio": pytest.approx(25 / 24, abs=1e-4),
        "breached_at": "2025-03-04T10:00:00+08:00",
    }


def test_earliest_open_due_skips_met_and_paused_targets():
    now = START + timedelta(hours=1)
    statuses = [
        status(START, HOURS_24, now, met_at=START + timedelta(minutes=30)),
        status(START, Duration(hours=2), now, pauses=[Pause(START + timedelta(minutes=30))]),
        status(START, Duration(hours=48), now),
        status(START, Duration(hours=36), now),
    ]
    assert earliest_open_due(statuses) == START + timedelta(hours=36)
    assert earliest_open_due(statuses[:2]) is None
    assert earliest_open_due([]) is None


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="naive"):
        due_at(datetime(2025, 3, 3, 10), HOURS_24, CAL)
    with pytest.raises(ValueError, match="naive"):
        status(START, HOURS_24, datetime(2025, 3, 3, 12))
    with pytest.raises(ValueError, match="naive"):
        Pause(datetime(2025, 3, 3, 12))


def test_pause_ending_before_it_starts_is_rejected():
    with pytest.raises(ValueError, match="before it starts"):
        Pause(at(2025, 3, 3, 12), at(2025, 3, 3, 11))


# --- target tables from the real policy file ------------------------------------------------


def test_complaint_targets_from_policy():
    targets = complaint_targets(POLICY)
    assert list(targets) == ["feedback", "resolution"]
    assert targets["feedback"] == Duration(hours=24)  # seed 003 §2.4
    assert targets["resolution"] == Duration(working_days=7)


def test_handover_targets_from_policy():
    assert handover_targets(POLICY) == {"pickup": POLICY.sla.handover["pickup"]}


@pytest.mark.parametrize(
    ("priority", "category", "expected"),
    [
        (
            "紧急",
            "紧急",
            {
                "initial_review": Duration(hours=24),
                "handling": Duration(hours=48),
                "settlement": Duration(working_days=30),
                "completion": Duration(hours=72),
            },
        ),
        (
            "较高",
            "复杂",
            {
                "initial_review": Duration(working_days=3),
                "handling": Duration(working_days=5),
                "settlement": Duration(working_days=30),
                "completion": Duration(working_days=90),
            },
        ),
        (
            "一般",
            "普通",
            {
                "handling": Duration(working_days=5),
                "settlement": Duration(working_days=30),
                "completion": Duration(working_days=30),
            },
        ),
    ],
)
def test_claim_targets_from_policy(priority, category, expected):
    # Values as in seed 003 §4.2 (priority), §7.1 (settlement) and §3.3 (category window).
    targets = claim_targets(POLICY, priority, category)
    assert targets == expected
    assert list(targets) == list(expected)


def test_every_target_has_a_chinese_label():
    names = set(complaint_targets(POLICY)) | set(handover_targets(POLICY))
    for priority in POLICY.sla.claim.by_priority:
        names |= set(claim_targets(POLICY, priority, "普通"))
    assert names <= set(LABELS)


@pytest.mark.parametrize(
    ("priority", "category", "message"),
    [
        ("特急", "普通", "priority '特急'"),
        (None, "普通", "priority None"),
        ("一般", "简单", "category '简单'"),
    ],
)
def test_unknown_priority_or_category_raises(priority, category, message):
    with pytest.raises(ValueError, match=message):
        claim_targets(POLICY, priority, category)
    with pytest.raises(ValueError, match=message):
        preview(POLICY, CAL, "claim", START, priority=priority, category=category)


def test_unknown_case_type_raises():
    with pytest.raises(ValueError, match="case type"):
        preview(POLICY, CAL, "inquiry", START)


# --- preview --------------------------------------------------------------------------------


def test_complaint_preview_across_national_day():
    rows = preview(POLICY, CAL, "complaint", at(2025, 9, 30, 16))
    assert rows == [
        {
            "name": "feedback",
            "label": "首次反馈",
            "duration": {"hours": 24},
            "due_at": "2025-10-01T16:00:00+08:00",
        },
        {
            "name": "resolution",
            "label": "处理结果",
            "duration": {"working_days": 7},
            # Oct 9, 10, Sat 11, 13, 14, 15, 16
            "due_at": "2025-10-17T00:00:00+08:00",
        },
    ]


def test_claim_preview_with_expected_completion_window():
    rows = preview(POLICY, CAL, "claim", at(2025, 3, 3, 10), priority="一般", category="普通")
    by_name = {row["name"]: row for row in rows}
    assert [row["name"] for row in rows] == ["handling", "settlement", "completion"]
    assert by_name["handling"]["due_at"] == "2025-03-11T00:00:00+08:00"
    # 30 working days skip 清明 (Fri Apr 4 2025): ends 24:00 Tue Apr 15.
    assert by_name["settlement"]["due_at"] == "2025-04-16T00:00:00+08:00"
    assert by_name["completion"]["label"] == "预计完成"
    assert by_name["completion"]["expected_completion"] == {
        "earliest": "2025-03-18T00:00:00+08:00",
        "latest": "2025-04-16T00:00:00+08:00",
    }


def test_urgent_claim_preview_uses_clock_hours():
    rows = preview(POLICY, CAL, "claim", at(2025, 1, 28, 9), priority="紧急", category="紧急")
    by_name = {row["name"]: row["due_at"] for row in rows}
    assert by_name["initial_review"] == "2025-01-29T09:00:00+08:00"
    assert by_name["handling"] == "2025-01-30T09:00:00+08:00"
    completion = next(row for row in rows if row["name"] == "completion")
    assert completion["expected_completion"] == {
        "earliest": "2025-01-30T09:00:00+08:00",
        "latest": "2025-01-31T09:00:00+08:00",
    }


def test_handover_preview():
    rows = preview(POLICY, CAL, "handover", at(2025, 3, 3, 23, 58))
    assert rows == [
        {
            "name": "pickup",
            "label": "人工接入",
            "duration": {"minutes": 3.0},
            "due_at": "2025-03-04T00:01:00+08:00",
        }
    ]
