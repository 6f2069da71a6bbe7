"""Chinese time expressions → absolute Asia/Shanghai datetimes (stands in for Duckling, which we cannot run).

An expression is an optional date, an optional period of the day and an optional clock time, in that
order ("下周三 下午 3点半"), or a relative offset ("3天后", "半小时后"). The rules a customer might
trip over, chosen for a service desk that books calls and visits in the daytime:

- No date: the next occurrence — "3点" said at 16:00 is tomorrow 15:00; a period alone ("下午")
  is today until the period is over, then tomorrow.
- A bare weekday ("周三") or a date without year or month ("12月1号", "1号", "12/1") is the nearest
  one that is still ahead, today included; "这周三"/"下周三" are calendar weeks (Monday first) and,
  like every explicit date ("今天", "2026-12-01"), are returned even when already past.
- A clock hour without a period: 1–6 is afternoon ("3点", "3:30"; nobody books 3 a.m.), 7–12 as
  said, 0 and 24 are midnight; a zero-padded "03:30" is taken as written. "晚上12点" is the
  midnight that ends that evening.
- A period without a clock time starts at its default hour (上午 9:00, 下午 14:00, 晚上 19:00 …) and has
  grain "period": which hour in it is still to be chosen (period_end tells how long it lasts).
- Grain: "day" for a date alone, "period" for a period of it, "hour" for a whole hour, "minute" when
  minutes were said.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.script import normalise_width

SHANGHAI = ZoneInfo("Asia/Shanghai")
Grain = Literal["day", "period", "hour", "minute"]


@dataclass(frozen=True)
class TimeMatch:
    """One time expression found in a text, resolved against the reference time."""

    start: int
    end: int
    text: str
    value: datetime
    grain: Grain


@dataclass(frozen=True)
class _Period:
    default_hour: int
    ends_at: int  # the hour after which "下午" with no date means tomorrow's
    kind: Literal["early", "morning", "noon", "afternoon", "night"]


PERIODS = {
    "凌晨": _Period(3, 6, "early"),
    "清晨": _Period(7, 9, "morning"),
    "早晨": _Period(8, 10, "morning"),
    "早上": _Period(8, 10, "morning"),
    "早": _Period(8, 10, "morning"),
    "上午": _Period(9, 12, "morning"),
    "中午": _Period(12, 14, "noon"),
    "午间": _Period(12, 14, "noon"),
    "下午": _Period(14, 18, "afternoon"),
    "傍晚": _Period(18, 20, "afternoon"),
    "晚上": _Period(19, 24, "night"),
    "晚间": _Period(19, 24, "night"),
    "晚": _Period(19, 24, "night"),
    "夜里": _Period(22, 24, "night"),
    "夜间": _Period(22, 24, "night"),
    # Cantonese (after OpenCC: 上晝 → 上昼)
    "朝早": _Period(8, 10, "morning"),
    "上昼": _Period(9, 12, "morning"),
    "晏昼": _Period(12, 14, "noon"),
    "下昼": _Period(14, 18, "afternoon"),
    "夜晚": _Period(19, 24, "night"),
}

# Each period's default hour is its own, so the hour a "period" time starts at tells where it ends
_PERIOD_ENDS = {p.default_hour: p.ends_at for p in PERIODS.values()}


def period_end(start: datetime) -> datetime:
    """When the period of the day that a "period" time (its default hour) stands for is over."""
    return start.replace(hour=0, minute=0) + timedelta(hours=_PERIOD_ENDS.get(start.hour, start.hour + 3))


# Traditional forms of the characters the grammar uses, so it works before (or without) OpenCC.
_TRADITIONAL = str.maketrans(
    "點週禮後個號兩鐘時淩間內樓線機單碼門車這過頭聽晝", "点周礼后个号两钟时凌间内楼线机单码门车这过头听昼"
)

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(text: str) -> int | None:
    """Arabic or Chinese numerals up to 99, or a digit-by-digit year (二〇二六)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        if not all(c in _DIGITS for c in text):
            return None
        value = 0
        for c in text:
            value = value * 10 + _DIGITS[c]
        return value
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or (tens and tens not in _DIGITS) or (units and units not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)


# Numbers never start inside a longer number or an identifier (LP2026…, 13812345678).
_B = r"(?<![0-9A-Za-z])"
_N = r"(?:[0-9]{1,2}|[一二三四五六七八九]?十[一二三四五六七八九]?|[零〇一二两三四五六七八九])"
_YEAR = r"(?:[0-9]{4}|[零〇一二三四五六七八九]{4})"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_WEEKDAYS.update({str(i + 1): i for i in range(7)})
_MINUTE = (
    r"(?:[0-5]?[0-9]|[一二三四五]?十[一二三四五六七八九]?|[零〇]?[一二三四五六七八九])"
    r"(?![0-9零〇一二两三四五六七八九十])"
)
# (never from a weekday's own digit: "下周一十点" is Monday at ten, "星期二十一点" Tuesday at eleven)
_CLOCK_RE = (
    rf"{_B}(?<![周期拜])(?P<h>{_N})(?:点钟?|时(?!间|候|半会))"
    rf"(?:(?P<half>半)|(?P<quarter>[一三13])刻|(?P<sharp>整)|(?P<m>{_MINUTE})分?)?(?![儿点])"
)
_HHMM_RE = r"(?<![0-9:])(?P<h>[01]?[0-9]|2[0-4])[:：](?P<m>[0-5][0-9])(?![0-9:])"
# Before a bare "一点"/"三点" these mean "a bit"/"point" ("快一点", "有三点建议"), not a clock time. Written in
# digits only a count reads so ("第3点", "有3点"): "那11点可以吗", "那4点吧" are times.
_NOT_A_CLOCK_BEFORE = set("第有这那几差快慢早晚多少大小好高低近远长短稍")
_NOT_A_CLOCK_BEFORE_DIGITS = set("第有几")


@dataclass
class _Atom:
    start: int
    end: int
    dates: list[date] | None = None  # candidate dates, nearest first
    recurring: bool = False  # True: take the first candidate still ahead; False: the one date given
    period: str | None = None
    clock: tuple[int, int, bool] | None = None  # hour as said, minute, minute was said
    twenty_four_hour: bool = False  # "03:30", "15:00": no afternoon guess for the hour
    bare_clock: bool = False
    instant: tuple[datetime, Grain] | None = None  # already absolute ("半小时后")
    weekday: bool = False
    invalid: bool = False  # a date that does not exist ("2月30号"): claims its span so "30号" is not read alone


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


_RELATIVE_DAYS = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "后日": 2,
    "大后天": 3,
    "听日": 1,  # Cantonese 聽日 / 琴日
    # Northern 儿化 ("明儿中午12点", "今儿个下午"): the longer forms first, as the alternation is sorted by length
    "今儿个": 0, "今儿": 0, "明儿个": 1, "明儿": 1, "后儿个": 2, "后儿": 2, "昨儿个": -1, "昨儿": -1,
    "tomorrow": 1,
    "today": 0,
    "琴日": -1,
}
_DAY_PERIODS = {"今早": (0, "早上"), "今晨": (0, "早上"), "今晚": (0, "晚上"), "今夜": (0, "晚上"),
                "明早": (1, "早上"), "明晨": (1, "早上"), "明晚": (1, "晚上"), "昨晚": (-1, "晚上")}  # fmt: skip


def _relative_day(m: re.Match, now: datetime) -> _Atom | None:
    return _Atom(m.start(), m.end(), dates=[now.date() + timedelta(days=_RELATIVE_DAYS[m.group()])])


def _day_period(m: re.Match, now: datetime) -> _Atom | None:
    offset, period = _DAY_PERIODS[m.group()]
    return _Atom(m.start(), m.end(), dates=[now.date() + timedelta(days=offset)], period=period)


def _weekday(m: re.Match, now: datetime) -> _Atom | None:
    weekday, today = _WEEKDAYS[m["wd"]], now.date()
    rel = (m["rel"] or "").replace("个", "")
    if not rel:
        first = today + timedelta(days=(weekday - today.weekday()) % 7)
        return _Atom(m.start(), m.end(), dates=[first, first + timedelta(days=7)], recurring=True, weekday=True)
    weeks = {"这": 0, "本": 0, "下": 1, "下下": 2, "上": -1, "上上": -2}[rel]
    return _Atom(m.start(), m.end(), dates=[_monday(today) + timedelta(days=7 * weeks + weekday)], weekday=True)


def _offset(m: re.Match, now: datetime) -> _Atom | None:
    amount = 0.5 if m["n"] == "半" else _number(m["n"])
    if amount is None:
        return None
    unit = m["u"].replace("个", "")
    if unit in ("小时", "钟头", "分钟"):
        delta = timedelta(hours=amount) if unit != "分钟" else timedelta(minutes=amount)
        return _Atom(m.start(), m.end(), instant=((now + delta).replace(second=0, microsecond=0), "minute"))
    if amount != int(amount):
        return None
    if unit == "月":
        return _Atom(m.start(), m.end(), dates=[_add_months(now.date(), int(amount))])
    days = int(amount) * (1 if unit in ("天", "日") else 7)
    return _Atom(m.start(), m.end(), dates=[now.date() + timedelta(days=days)])


def _full_date(m: re.Match, now: datetime) -> _Atom | None:
    year, month, day = _number(m["y"]), _number(m["mo"]), _number(m["d"])
    found = _date_or_none(year, month, day) if None not in (year, month, day) else None
    return _Atom(m.start(), m.end(), dates=[found]) if found else _Atom(m.start(), m.end(), invalid=True)


def _month_day(m: re.Match, now: datetime) -> _Atom | None:
    month, day, today = _number(m["mo"]), _number(m["d"]), now.date()
    if month is None or day is None:
        return _Atom(m.start(), m.end(), invalid=True)
    if relative_year := m.groupdict().get("yrel"):
        year = today.year + {"今年": 0, "明年": 1, "去年": -1}[relative_year]
        found = _date_or_none(year, month, day)
        return _Atom(m.start(), m.end(), dates=[found]) if found else _Atom(m.start(), m.end(), invalid=True)
    # Nearest first; 2月29日 may be up to eight years away.
    candidates = [d for y in range(today.year, today.year + 9) if (d := _date_or_none(y, month, day)) and d >= today]
    if not candidates:
        return _Atom(m.start(), m.end(), invalid=True)
    return _Atom(m.start(), m.end(), dates=candidates[:2], recurring=True)


def _month_relative_day(m: re.Match, now: datetime) -> _Atom | None:
    day = _number(m["d"])
    shift = {"这": 0, "本": 0, "下": 1, "下下": 2, "上": -1}[m["rel"]]
    first = _add_months(now.date().replace(day=1), shift)
    found = _date_or_none(first.year, first.month, day) if day else None
    return _Atom(m.start(), m.end(), dates=[found]) if found else _Atom(m.start(), m.end(), invalid=True)


def _day_of_month(m: re.Match, now: datetime) -> _Atom | None:
    day, today = _number(m["d"]), now.date()
    if not day or day > 31:
        return None
    months = (_add_months(today.replace(day=1), k) for k in range(14))
    candidates = [d for first in months if (d := _date_or_none(first.year, first.month, day)) and d >= today]
    return _Atom(m.start(), m.end(), dates=candidates[:2], recurring=True)


def _month_end(m: re.Match, now: datetime) -> _Atom | None:
    """"月底" is the month's last day, this month's until it has passed; "下个月底" next month's; "12月底"
    December's."""
    first = _add_months(now.date().replace(day=1), 1 if m["rel"] else 0)
    if m["mo"]:
        month = _number(m["mo"])
        if not month or month > 12:
            return None
        first = first.replace(month=month, year=first.year + (month < first.month))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if last < now.date():
        first = _add_months(first, 12 if m["mo"] else 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return _Atom(m.start(), m.end(), dates=[last])


# Days known by name that fall on the same date every year (lunar festivals do not, and are left out).
# (国庆 and 五一 name week-long holidays, not a day.)
_NAMED_DAYS = {"元旦": (1, 1), "平安夜": (12, 24), "圣诞节": (12, 25), "圣诞": (12, 25)}


def _named_day(m: re.Match, now: datetime) -> _Atom | None:
    month, day = _NAMED_DAYS[m.group()]
    today = now.date()
    found = [d for y in (today.year, today.year + 1) if (d := _date_or_none(y, month, day)) and d >= today]
    return _Atom(m.start(), m.end(), dates=found[:1]) if found else None


def _period(m: re.Match, now: datetime) -> _Atom | None:
    return _Atom(m.start(), m.end(), period=m.group())


def _clock(m: re.Match, now: datetime) -> _Atom | None:
    hour = _number(m["h"])
    if hour is None or hour > 24:
        return None
    groups = m.groupdict()
    if groups.get("half"):
        minute = 30
    elif groups.get("quarter"):
        minute = 15 if m["quarter"] in "一1" else 45
    elif groups.get("m"):
        minute = _number(m["m"])
    else:
        minute = 0
    if minute is None or minute > 59 or (hour == 24 and minute):
        return None
    said_minutes = bool(groups.get("half") or groups.get("quarter") or groups.get("m"))
    bare = not said_minutes and not groups.get("sharp") and "钟" not in m.group()
    padded = ":" in m.group() and len(m["h"]) == 2
    return _Atom(m.start(), m.end(), clock=(hour, minute, said_minutes), bare_clock=bare, twenty_four_hour=padded)


def _english_clock(m: re.Match, now: datetime) -> _Atom | None:
    """"call me at 9", "10am", "2:30 pm": an hour in English, often beside Chinese."""
    hour, minute, ampm = int(m["h"]), int(m["m"] or 0), m.groupdict().get("ampm")
    if ampm and not 1 <= hour <= 12 or hour > 23:
        return None
    period = {"a": "上午", "p": "下午"}.get(ampm[0].lower()) if ampm else None
    return _Atom(m.start(), m.end(), period=period, clock=(hour, minute, bool(m["m"])), bare_clock=not m["m"])


_MD_SEP = r"(?P<sep>[-/.])"
_GRAMMAR: list[tuple[re.Pattern, Callable[[re.Match, datetime], _Atom | None]]] = [
    (re.compile("|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True))), _relative_day),
    (re.compile("|".join(_DAY_PERIODS)), _day_period),
    (
        re.compile(r"(?P<rel>下下个?|下个?|这个?|本|上上个?|上个?)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天末1-7])"),
        _weekday,
    ),
    (
        re.compile(rf"{_B}(?P<n>半|{_N})(?P<u>个?小时|个?钟头|分钟|个?星期|个?礼拜|周|个月|天|日)(?:以后|之后|后)"),
        _offset,
    ),
    (re.compile(rf"{_B}(?P<y>{_YEAR})年(?P<mo>{_N})月(?P<d>{_N})[日号]"), _full_date),
    (
        re.compile(rf"(?<![0-9])(?P<y>[0-9]{{4}}){_MD_SEP}(?P<mo>[0-9]{{1,2}})(?P=sep)(?P<d>[0-9]{{1,2}})(?![0-9])"),
        _full_date,
    ),
    (re.compile(rf"(?:(?P<yrel>今年|明年|去年))?{_B}(?P<mo>{_N})月份?(?P<d>{_N})[日号]"), _month_day),
    (re.compile(r"(?<![0-9/])(?P<mo>[0-9]{1,2})/(?P<d>[0-9]{1,2})(?![0-9/])"), _month_day),
    (re.compile(rf"(?P<rel>下下|下|这|本|上)个?月的?(?P<d>{_N})[日号]"), _month_relative_day),
    (re.compile(rf"(?:(?P<rel>下个?)|这个?|本|{_B}(?P<mo>{_N}))?月(?:底|尾|末)"), _month_end),
    (re.compile("|".join(sorted(_NAMED_DAYS, key=len, reverse=True))), _named_day),
    # "3号楼", "5号线", "3日内" are places and durations, not dates; nor is "两日" (two days).
    (re.compile(rf"{_B}(?!两)(?P<d>{_N})(?:号(?![线楼房室栋院门窗柜台位床车机码单])|日(?![内前后]))"), _day_of_month),
    # "晚上好" is a greeting and "一上午"/"整个下午" a duration (but "周一上午" a time); single-character
    # 早/晚 count only right before a clock time, and never before 一 ("晚一点" = "a bit later").
    (
        re.compile(
            rf"(?<!整个)(?<!(?<![周期拜])一)(?:{'|'.join(p for p in PERIODS if len(p) > 1)})(?!好)"
            rf"|[早晚](?=[0-9二两三四五六七八九十]+[点时])"
        ),
        _period,
    ),
    (re.compile(_CLOCK_RE), _clock),
    (re.compile(_HHMM_RE), _clock),
    (re.compile(r"(?<![a-z0-9:])(?:(?:at|@)\s*)?(?P<h>[0-9]{1,2})(?::(?P<m>[0-5][0-9]))?\s*(?P<ampm>[ap]\.?m\.?)"
                r"(?![a-z])", re.IGNORECASE), _english_clock),
    (re.compile(r"(?<![a-z])(?:at|@)\s*(?P<h>[0-9]{1,2})(?::(?P<m>[0-5][0-9]))?(?![0-9:a-z])", re.IGNORECASE),
     _english_clock),
]
_ORDER = ("date", "period", "clock")
# Parentheses let "12月1日（周二）15:00", the way the bot itself writes slots, read as one expression.
# "下周一 还是下午两点": a filler word between a day and its hour keeps them one expression; so does the 一 of
# "明天一(大)早九点".
_JOINER = re.compile(r"[\s()（）]*(?:的|还是|也是|都是|就|一大?)?[\s()（）]*")
_RANGE = re.compile(r"\s*(?:到|至|-|~|—|–)\s*")
# "1月4号好了，下午四点半" / "下周三吧 上午十点": a day, a pause, then its hour; the hour is on that day.
_SAME_DAY = re.compile(r"[\s,，、]*(?:好了|好啦|吧|啦|呀|啊|哦|那天|当天)?[\s,，、]*(?:那就|就|的|还是|最好)?\s*")


def _slots(atom: _Atom) -> tuple[str, ...]:
    return tuple(
        name
        for name, present in (("date", atom.dates is not None), ("period", atom.period), ("clock", atom.clock))
        if present
    )


def _atoms(text: str, now: datetime) -> list[_Atom]:
    found = [atom for pattern, build in _GRAMMAR for m in pattern.finditer(text) if (atom := build(m, now)) is not None]
    # Longest first, then leftmost: "2026年12月1日" beats "12月1日", "大后天" beats "后天".
    found.sort(key=lambda a: (a.start - a.end, a.start))
    chosen: list[_Atom] = []
    for atom in found:
        if all(atom.end <= c.start or atom.start >= c.end for c in chosen):
            chosen.append(atom)
    return sorted((a for a in chosen if not a.invalid), key=lambda a: a.start)


def _groups(text: str, atoms: Iterable[_Atom]) -> list[list[_Atom]]:
    groups: list[list[_Atom]] = []
    for atom in atoms:
        if groups and atom.instant is None and groups[-1][-1].instant is None:
            last = groups[-1]
            taken = [s for a in last for s in _slots(a)]
            adjacent = _JOINER.fullmatch(text, last[-1].end, atom.start)
            in_order = all(_ORDER.index(s) > _ORDER.index(t) for s in _slots(atom) for t in taken)
            # A weekday right after a date only restates it ("12月1日周二"); the date wins.
            restated = atom.weekday and taken == ["date"] and not last[-1].weekday
            if adjacent and (in_order or restated):
                last.append(atom if in_order else replace(atom, dates=None, weekday=False))
                continue
        groups.append([atom])
    return groups


def _hour_of_day(hour: int, period: str | None, twenty_four_hour: bool = False) -> tuple[int, int]:
    """The 24-hour clock hour and a day shift for an hour as said, given its period (if any)."""
    if hour == 24:
        return 0, 1
    kind = PERIODS[period].kind if period else None
    if kind is None and twenty_four_hour:
        return hour, 0
    if kind is None:
        return (hour + 12 if 1 <= hour <= 6 else hour), 0
    if kind == "early":
        return (0 if hour == 12 else hour), 0
    if kind == "noon":
        return (hour + 12 if 1 <= hour <= 5 else hour), 0
    if kind == "afternoon":
        return (hour + 12 if hour < 12 else hour), 0
    if kind == "night":
        if hour in (0, 12) or hour <= 4:
            return hour % 12, 1
        return (hour + 12 if hour < 12 else hour), 0
    return hour, 0


def _resolve(group: list[_Atom], inherited: list[_Atom] | None, now: datetime) -> tuple[datetime, Grain] | None:
    instant = next((a.instant for a in group if a.instant), None)
    if instant:
        return instant
    dated = next((a for a in group if a.dates is not None), None)
    period = next((a.period for a in group if a.period), None)
    clock_atom = next((a for a in group if a.clock), None)
    clock = clock_atom.clock if clock_atom else None
    if inherited and clock and dated is None:
        dated = next((a for a in inherited if a.dates is not None), None)
        period = period or next((a.period for a in inherited if a.period), None)
    today = now.date()

    def at(day: date, hour: int, minute: int, shift: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI) + timedelta(days=shift)

    if clock:
        hour, minute, said_minutes = clock
        hour, shift = _hour_of_day(hour, period, clock_atom.twenty_four_hour)
        grain: Grain = "minute" if said_minutes else "hour"

        def value(day: date) -> datetime:
            return at(day, hour, minute, shift)

        def ahead(day: date) -> bool:  # a clock time in the current minute is still today's
            return value(day) >= now.replace(second=0, microsecond=0)

    elif period:
        grain = "period"

        def value(day: date) -> datetime:
            return at(day, PERIODS[period].default_hour, 0)

        def ahead(day: date) -> bool:
            return at(day, 0, 0) + timedelta(hours=PERIODS[period].ends_at) > now

    elif dated is not None:
        grain = "day"

        def value(day: date) -> datetime:
            return at(day, 0, 0)

        def ahead(day: date) -> bool:
            return day >= today

    else:
        return None

    if dated is not None and not dated.recurring:
        return value(dated.dates[0]), grain
    candidates = dated.dates if dated is not None else [today, today + timedelta(days=1)]
    return next(((value(day), grain) for day in candidates if ahead(day)), None)


def _is_figure_of_speech(text: str, group: list[_Atom]) -> bool:
    """A lone "一点"/"三点" after 快/有/第…: "a bit" or "a point", not a time; a lone "5号" in an address."""
    only = group[0]
    if len(group) == 1 and _HOUSE_NUMBER.fullmatch(text, only.start, only.end):
        before, after = text[only.start - 1: only.start] if only.start else "", text[only.end: only.end + 1]
        if before in _ADDRESS_BEFORE or (after and after in _ADDRESS_AFTER):
            return True
    if len(group) != 1 or not only.bare_clock or only.start == 0:
        return False
    before = _NOT_A_CLOCK_BEFORE_DIGITS if text[only.start].isdigit() else _NOT_A_CLOCK_BEFORE
    return text[only.start - 1] in before


# "张杨路1288弄5号302", "幸福路8号院": a number with 号 right after a street, lane or building word, or right
# before a room number or a building word, is a house number, not the 5th / 8th of the month.
_HOUSE_NUMBER = re.compile(r"\d{1,2}号")
_ADDRESS_BEFORE = set("路街巷道弄里村楼栋幢座院区镇乡")
_ADDRESS_AFTER = set("0123456789楼栋幢座院室单门铺")


def _reference(now: datetime) -> datetime:
    return now.replace(tzinfo=SHANGHAI) if now.tzinfo is None else now.astimezone(SHANGHAI)

# Pinyin slips of the period before a clock time: "下五三点" (xiawu) is 下午三点. Same length, so offsets hold.
_SLIPS = re.compile(r"下[五舞伍](?=[零一二两三四五六七八九十0-9]{1,3}[点时])")


def parse(text: str, now: datetime) -> list[TimeMatch]:
    """Every time expression in `text`, resolved relative to `now` (naive `now` is taken as Shanghai time)."""
    now = _reference(now)
    normalised = _SLIPS.sub("下午", normalise_width(text).translate(_TRADITIONAL))
    matches: list[TimeMatch] = []
    previous: list[_Atom] | None = None
    for group in _groups(normalised, _atoms(normalised, now)):
        start, end = group[0].start, group[-1].end
        connected = previous is not None and any(
            gap.fullmatch(normalised, previous[-1].end, start) for gap in (_RANGE, _SAME_DAY))
        resolved = (
            None if _is_figure_of_speech(normalised, group) else _resolve(group, previous if connected else None, now)
        )
        if resolved is not None:
            value, grain = resolved
            matches.append(TimeMatch(start, end, text[start:end], value, grain))
        previous = group
    return matches
