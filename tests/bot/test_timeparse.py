"""The Chinese time parser: a hand-checked table, rollovers, things that are not times, and properties."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.script import to_script
from bot.timeparse import SHANGHAI, parse, period_end

MON = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # Monday
AFTERNOON = datetime(2026, 11, 23, 16, 30, tzinfo=SHANGHAI)
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 0, tzinfo=SHANGHAI)  # Thursday
END_OF_JANUARY = datetime(2027, 1, 31, 9, 0, tzinfo=SHANGHAI)  # Sunday


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> str:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI).isoformat()


TABLE = [
    # relative days and day-periods
    ("今天", MON, at(2026, 11, 23), "day"),
    ("明天", MON, at(2026, 11, 24), "day"),
    ("后天", MON, at(2026, 11, 25), "day"),
    ("大后天", MON, at(2026, 11, 26), "day"),
    # Cantonese, in Traditional script as typed
    ("聽日上晝十點", MON, at(2026, 11, 24, 10), "hour"),
    ("聽日下晝三點半", MON, at(2026, 11, 24, 15, 30), "minute"),
    ("後日朝早九點", MON, at(2026, 11, 25, 9), "hour"),
    ("明早", MON, at(2026, 11, 24, 8), "period"),
    # set 15: "明天一早九点去天河那边柜台" was split into a day and a clock, and slots of the day were offered
    ("明天一早九点", MON, at(2026, 11, 24, 9), "hour"),
    ("后天一大早八点半", MON, at(2026, 11, 25, 8, 30), "minute"),
    # Northern 儿化 (set 12: "那明儿中午12点呢" was booked on the day offered before, a month ahead)
    ("明儿中午12点", MON, at(2026, 11, 24, 12), "hour"),
    ("今儿个下午", MON, at(2026, 11, 23, 14), "period"),
    ("后儿上午十点", MON, at(2026, 11, 25, 10), "hour"),
    ("今晚", MON, at(2026, 11, 23, 19), "period"),
    ("明天下午三点", MON, at(2026, 11, 24, 15), "hour"),
    ("明早8点", MON, at(2026, 11, 24, 8), "hour"),
    ("今晚8点", MON, at(2026, 11, 23, 20), "hour"),
    ("明天的上午十点", MON, at(2026, 11, 24, 10), "hour"),
    # a filler between the day and its hour ("改成下周一 还是下午两点"): one time, not today's 14:00
    ("下周一 还是下午两点", MON, at(2026, 11, 30, 14), "hour"),
    ("明天就下午三点", MON, at(2026, 11, 24, 15), "hour"),
    # the end of a month, and days known by name
    ("月底", MON, at(2026, 11, 30), "day"),
    ("下个月底", MON, at(2026, 12, 31), "day"),
    ("1月底上午", MON, at(2027, 1, 31, 9), "period"),
    ("元旦", MON, at(2027, 1, 1), "day"),
    ("平安夜下午", MON, at(2026, 12, 24, 14), "period"),
    # weekdays: calendar weeks start on Monday; a bare weekday is the nearest one still ahead
    ("下周三", MON, at(2026, 12, 2), "day"),
    ("下星期三", MON, at(2026, 12, 2), "day"),
    ("下个礼拜三", MON, at(2026, 12, 2), "day"),
    ("这周五", MON, at(2026, 11, 27), "day"),
    ("本周五", MON, at(2026, 11, 27), "day"),
    ("这个星期五", MON, at(2026, 11, 27), "day"),
    ("周六", MON, at(2026, 11, 28), "day"),
    ("周末", MON, at(2026, 11, 28), "day"),
    ("礼拜一", MON, at(2026, 11, 23), "day"),
    ("周一上午9点", MON, at(2026, 11, 30, 9), "hour"),
    ("周一下午3点", MON, at(2026, 11, 23, 15), "hour"),
    ("下下周一", MON, at(2026, 12, 7), "day"),
    ("上周三", MON, at(2026, 11, 18), "day"),
    ("周三三点", MON, at(2026, 11, 25, 15), "hour"),
    # dates
    ("12月1号", MON, at(2026, 12, 1), "day"),
    ("12月1日", MON, at(2026, 12, 1), "day"),
    ("十二月一号", MON, at(2026, 12, 1), "day"),
    ("1号", MON, at(2026, 12, 1), "day"),
    ("23号", MON, at(2026, 11, 23), "day"),
    ("22号", MON, at(2026, 12, 22), "day"),
    ("11月1号", MON, at(2027, 11, 1), "day"),
    ("2026年12月1日", MON, at(2026, 12, 1), "day"),
    ("二〇二六年十二月一日", MON, at(2026, 12, 1), "day"),
    ("2026-12-01", MON, at(2026, 12, 1), "day"),
    ("2026/12/1", MON, at(2026, 12, 1), "day"),
    ("12/1", MON, at(2026, 12, 1), "day"),
    ("明年3月1号", MON, at(2027, 3, 1), "day"),
    ("下个月5号", MON, at(2026, 12, 5), "day"),
    ("下月5号", MON, at(2026, 12, 5), "day"),
    ("本月30号", MON, at(2026, 11, 30), "day"),
    ("3天后", MON, at(2026, 11, 26), "day"),
    ("三天以后", MON, at(2026, 11, 26), "day"),
    ("一周后", MON, at(2026, 11, 30), "day"),
    ("3天后下午2点", MON, at(2026, 11, 26, 14), "hour"),
    ("12月1号下午3点", MON, at(2026, 12, 1, 15), "hour"),
    ("2026年12月1日 15:30", MON, at(2026, 12, 1, 15, 30), "minute"),
    ("12月1日（周二）15:00", MON, at(2026, 12, 1, 15), "minute"),
    # periods alone: a default hour, today while the period lasts
    ("上午", MON, at(2026, 11, 23, 9), "period"),
    ("下午", MON, at(2026, 11, 23, 14), "period"),
    ("傍晚", MON, at(2026, 11, 23, 18), "period"),
    ("晚上", MON, at(2026, 11, 23, 19), "period"),
    ("早上", MON, at(2026, 11, 24, 8), "period"),
    ("下午", AFTERNOON, at(2026, 11, 23, 14), "period"),
    ("上午", AFTERNOON, at(2026, 11, 24, 9), "period"),
    # periods with clock times
    ("下午三点", MON, at(2026, 11, 23, 15), "hour"),
    ("晚上8点", MON, at(2026, 11, 23, 20), "hour"),
    ("中午12点半", MON, at(2026, 11, 23, 12, 30), "minute"),
    ("中午1点", MON, at(2026, 11, 23, 13), "hour"),
    ("下午12点", MON, at(2026, 11, 23, 12), "hour"),
    ("早8点", MON, at(2026, 11, 24, 8), "hour"),
    ("晚8点", MON, at(2026, 11, 23, 20), "hour"),
    ("凌晨2点", MON, at(2026, 11, 24, 2), "hour"),
    ("明天凌晨2点", MON, at(2026, 11, 24, 2), "hour"),
    ("下午三点钟", MON, at(2026, 11, 23, 15), "hour"),
    ("明天下午3:30", MON, at(2026, 11, 24, 15, 30), "minute"),
    # clock times: 1–6 without a period are afternoon; 12 is noon, 0 and 24 midnight
    ("三点", MON, at(2026, 11, 23, 15), "hour"),
    ("3点", MON, at(2026, 11, 23, 15), "hour"),
    ("3点半", MON, at(2026, 11, 23, 15, 30), "minute"),
    ("两点", MON, at(2026, 11, 23, 14), "hour"),
    ("九点一刻", MON, at(2026, 11, 24, 9, 15), "minute"),
    ("九点三刻", MON, at(2026, 11, 24, 9, 45), "minute"),
    ("9点45", MON, at(2026, 11, 24, 9, 45), "minute"),
    ("九点零五分", MON, at(2026, 11, 24, 9, 5), "minute"),
    ("15:30", MON, at(2026, 11, 23, 15, 30), "minute"),
    ("3:30", MON, at(2026, 11, 23, 15, 30), "minute"),
    ("03:30", MON, at(2026, 11, 24, 3, 30), "minute"),
    ("15点30分", MON, at(2026, 11, 23, 15, 30), "minute"),
    ("15时30分", MON, at(2026, 11, 23, 15, 30), "minute"),
    ("十点整", MON, at(2026, 11, 23, 10), "hour"),
    ("11点", MON, at(2026, 11, 23, 11), "hour"),
    ("12点", MON, at(2026, 11, 23, 12), "hour"),
    ("0点", MON, at(2026, 11, 24, 0), "hour"),
    ("24点", MON, at(2026, 11, 24, 0), "hour"),
    ("晚上12点", MON, at(2026, 11, 24, 0), "hour"),
    ("3点", AFTERNOON, at(2026, 11, 24, 15), "hour"),
    ("半小时后", MON, at(2026, 11, 23, 10, 30), "minute"),
    ("2小时后", MON, at(2026, 11, 23, 12), "minute"),
    # Traditional script and full-width characters, without OpenCC
    ("下週三下午三點", MON, at(2026, 12, 2, 15), "hour"),
    ("禮拜五", MON, at(2026, 11, 27), "day"),
    ("後天", MON, at(2026, 11, 25), "day"),
    ("１２月１號", MON, at(2026, 12, 1), "day"),
    ("１５：３０", MON, at(2026, 11, 23, 15, 30), "minute"),
    # year and month rollover
    ("明天", NEW_YEARS_EVE, at(2027, 1, 1), "day"),
    ("1号", NEW_YEARS_EVE, at(2027, 1, 1), "day"),
    ("12月1号", NEW_YEARS_EVE, at(2027, 12, 1), "day"),
    ("下个月5号", NEW_YEARS_EVE, at(2027, 1, 5), "day"),
    ("下周一", NEW_YEARS_EVE, at(2027, 1, 4), "day"),
    ("3点", NEW_YEARS_EVE, at(2027, 1, 1, 15), "hour"),
    ("下午", NEW_YEARS_EVE, at(2027, 1, 1, 14), "period"),
    ("晚上12点", NEW_YEARS_EVE, at(2027, 1, 1, 0), "hour"),
    ("31号", END_OF_JANUARY, at(2027, 1, 31), "day"),
    ("30号", END_OF_JANUARY, at(2027, 3, 30), "day"),
    ("下个月5号", END_OF_JANUARY, at(2027, 2, 5), "day"),
    ("一个月后", END_OF_JANUARY, at(2027, 2, 28), "day"),
    ("2月29号", END_OF_JANUARY, at(2028, 2, 29), "day"),
    # Sunday is the last day of the week
    ("周日", END_OF_JANUARY, at(2027, 1, 31), "day"),
    ("这周日", END_OF_JANUARY, at(2027, 1, 31), "day"),
    ("下周日", END_OF_JANUARY, at(2027, 2, 7), "day"),
    ("星期天", END_OF_JANUARY, at(2027, 1, 31), "day"),
    ("周一", END_OF_JANUARY, at(2027, 2, 1), "day"),
    ("这周一", END_OF_JANUARY, at(2027, 1, 25), "day"),
    ("礼拜天", MON, at(2026, 11, 29), "day"),
    ("周天", MON, at(2026, 11, 29), "day"),
    ("下周日", MON, at(2026, 12, 6), "day"),
    # a weekday's digit is not an hour's: Monday at ten, not Monday and "一十点"
    ("下个礼拜一十点", MON, at(2026, 11, 30, 10), "hour"),
    ("礼拜一十点半", MON, at(2026, 11, 23, 10, 30), "minute"),
    ("星期二十一点", MON, at(2026, 11, 24, 11), "hour"),
    ("这个星期天下五三点", MON, at(2026, 11, 29, 15), "hour"),  # a pinyin slip of 下午
    # an hour in English, beside Chinese or not
    ("at 9", MON.replace(hour=8), at(2026, 11, 23, 9), "hour"),
    ("tomorrow at 2:30 pm", MON, at(2026, 11, 24, 14, 30), "minute"),
    ("明天 10am", MON, at(2026, 11, 24, 10), "hour"),
]


@pytest.mark.parametrize(
    ("text", "now", "expected", "grain"), TABLE, ids=[f"{row[0]}@{row[1]:%m-%d %H:%M}" for row in TABLE]
)
def test_expression_resolves_to_the_expected_time_and_grain(text, now, expected, grain):
    [match] = parse(text, now)
    assert (match.value.isoformat(), match.grain) == (expected, grain)
    assert (match.start, match.end, match.text) == (0, len(text), text)


@pytest.mark.parametrize(
    "text",
    [
        *("快一点", "我有三点建议", "第3点", "晚一点再打", "一点点", "晚上好", "下午好", "一时半会儿"),
        *("3号楼", "坐5号线", "7日内", "2月30号", "13812345678", "LP2026110290101", "TS20261120-9001"),
        *("你好", "我要投诉", "等了一上午", "整个下午都没人接", "隻貓兩日唔食嘢"),
        *("budget大概5k一年", "at 25", "flat 3"),
        # house numbers in addresses
        *("上海 浦东 张杨路1288弄5号302", "幸福路8号院", "建国路5号", "5号302室", "阳光小区9号3单元"),
    ],
)
def test_words_that_only_look_like_times_are_not_parsed(text):
    assert parse(text, MON) == []


@pytest.mark.parametrize("text", ["那11点可以吗", "那4点吧", "这3点钟呢"])
def test_a_clock_in_digits_after_that_or_then_is_a_time(text):
    """Set 5: "那11点可以吗" to a read-back found no time (那 before "一点" is "that point")."""
    [match] = parse(text, MON)
    assert match.value.hour % 12 in (3, 4, 11)


def test_expression_is_found_inside_a_sentence_with_its_offsets():
    text = "我想预约下周三下午3点半，谢谢"
    [match] = parse(text, MON)
    assert (match.text, match.start, match.end) == ("下周三下午3点半", 4, 12)
    assert match.value.isoformat() == at(2026, 12, 2, 15, 30)


def test_second_end_of_a_range_inherits_the_date_and_period():
    first, second = parse("明天下午3点到5点", MON)
    assert first.value.isoformat() == at(2026, 11, 24, 15)
    assert second.value.isoformat() == at(2026, 11, 24, 17)


def test_explicit_past_dates_are_returned_as_said():
    assert parse("昨天下午3点", MON)[0].value.isoformat() == at(2026, 11, 22, 15)
    assert parse("今天上午9点", MON)[0].value.isoformat() == at(2026, 11, 23, 9)


def test_naive_reference_time_is_taken_as_shanghai_time():
    assert parse("明天", datetime(2026, 11, 23, 10))[0].value.isoformat() == at(2026, 11, 24)


def test_reference_time_in_another_zone_is_converted_first():
    # 20:00 UTC on the 23rd is already 04:00 on the 24th in Shanghai.
    assert parse("明天", datetime(2026, 11, 23, 20, 0, tzinfo=ZoneInfo("UTC")))[0].value.date() == date(2026, 11, 25)


# --- properties ---------------------------------------------------------------------------------

nows = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)
future_expressions = st.one_of(
    st.sampled_from(["明天", "后天", "大后天", "下周三", "下星期日", "周五", "礼拜天", "周六下午", "周二上午10点"]),
    st.sampled_from(["3点", "九点半", "15:30", "晚上8点", "下午", "中午12点", "明早", "今晚", "凌晨2点", "0点"]),
    st.integers(1, 31).map(lambda d: f"{d}号"),
    st.tuples(st.integers(1, 12), st.integers(1, 28)).map(lambda md: f"{md[0]}月{md[1]}日"),
    st.tuples(st.integers(1, 12), st.integers(1, 28)).map(lambda md: f"{md[0]}/{md[1]}"),
    st.integers(1, 60).map(lambda n: f"{n}天后"),
    st.integers(1, 12).map(lambda n: f"{n}个月后"),
    st.integers(1, 5).map(lambda n: f"{n}小时后"),
)


@settings(max_examples=300, deadline=None)
@given(now=nows, text=future_expressions)
def test_future_expressions_resolve_to_aware_shanghai_times_not_before_now(now, text):
    [match] = parse(text, now)
    assert match.value.utcoffset() == timedelta(hours=8)
    if match.grain == "day":
        assert match.value.date() >= now.date()
    elif text in ("下午", "今晚", "明早") or text.endswith(("下午", "上午")):
        assert match.value.date() >= now.date()
    else:
        assert match.value >= now.replace(second=0, microsecond=0)
    assert match.value - now < timedelta(days=366 * 8)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), now=nows)
def test_full_dates_round_trip_in_every_written_form(day, now):
    for text in (f"{day.year}年{day.month}月{day.day}日", f"{day:%Y-%m-%d}", f"{day.year}/{day.month}/{day.day}"):
        [match] = parse(text, now)
        assert match.value.date() == day and match.grain == "day"


@settings(max_examples=200, deadline=None)
@given(hour=st.integers(0, 23), minute=st.integers(0, 59), now=nows)
def test_clock_time_is_the_next_occurrence_within_a_day(hour, minute, now):
    [match] = parse(f"{hour:02d}:{minute:02d}", now)
    assert (match.value.hour, match.value.minute, match.grain) == (hour, minute, "minute")
    assert timedelta(0) <= match.value - now.replace(second=0, microsecond=0) < timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(
    text=st.sampled_from(["下周三下午三点", "后天晚上八点", "礼拜天上午十点", "三天后下午两点", "下个月五号"]), now=nows
)
def test_traditional_script_parses_like_simplified(text, now):
    assert [m.value for m in parse(to_script(text, "traditional"), now)] == [m.value for m in parse(text, now)]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="今明后天下周星期礼拜一二三四五六日上午晚点半号月年:0123456789 的到后", max_size=20), now=nows
)
def test_any_text_yields_spans_that_index_the_input(text, now):
    for match in parse(text, now):
        assert 0 <= match.start < match.end <= len(text)
        assert text[match.start : match.end] == match.text
        assert match.value.tzinfo is not None


@pytest.mark.parametrize(("text", "ends"), [("明天上午", 12), ("下午", 18), ("今晚", 24), ("明早", 10), ("中午", 14)])
def test_a_period_ends_where_its_name_says(text, ends):
    [match] = parse(text, datetime(2026, 11, 23, 7, 0, tzinfo=SHANGHAI))
    assert match.grain == "period"
    end = period_end(match.value)
    assert (end.hour or 24) == ends and end - match.value < timedelta(hours=6)


@pytest.mark.parametrize(("text", "hour_at"), [
    ("那1月4號好了，下午四點半", at(2027, 1, 4, 16, 30)),   # set 9: the hour was read as today's 16:30
    ("下周三吧 上午十点", at(2026, 12, 2, 10)),
    ("12月1号，3点", at(2026, 12, 1, 15)),
])
def test_an_hour_said_after_a_pause_is_on_the_day_just_said(text, hour_at):
    assert parse(text, MON)[-1].value.isoformat() == hour_at


def test_an_hour_with_its_own_day_or_after_another_thought_keeps_its_own():
    assert parse("明天不行，后天三点", MON)[-1].value.isoformat() == at(2026, 11, 25, 15)
    assert parse("明天的话我上班，三点吧", MON)[-1].value.date() != date(2026, 11, 24)
