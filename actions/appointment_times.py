"""Which time the customer means: a message read against the booking so far — the day on the buttons just
offered, the time already agreed and its hour, a day that has just passed, the soonest slot when any will do."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

from actions.common import turns
from actions.common.forms import latest_entity, values_before_this_turn
from actions.common.picks import button_entities, last_buttons, picked_button_entities
from bot import timeparse
from bot.questions import ASKS
from bot.script import to_simplified
from bot.timeparse import PERIODS

SHANGHAI = ZoneInfo("Asia/Shanghai")


# "下周一同一时间" / "时间不变" / "还是原来那个点" / "一样嘅钟数": a new day at the hour already chosen
SAME_HOUR = re.compile(r"同(?:一|样)?(?:个)?(?:的|嘅)?(?:时间|时段|钟点|钟数|点钟|钟(?!头))"
                       r"|(?:时间|钟点|时段|几点)(?:不变|照旧|一样)|原来(?:的|那个|嘅)?(?:时间|时段|钟点|点)|还是(?:那个|这个|嗰个)(?:时间|时段|点|钟点|钟数)"
                       r"|一样(?:的|嘅)?(?:时间|时段|点|钟数)")
# Words that say which half of the day an hour is in: the time parser's periods, and 半夜 / am / pm.
PERIOD = re.compile("|".join(sorted(PERIODS, key=len, reverse=True)) + r"|夜|[ap]\.?m", re.IGNORECASE)


def grain_of(entity: dict | None) -> str | None:
    """How fine a time entity is: day, period (下午), hour or minute (bot/timeparse.py)."""
    return ((entity or {}).get("additional_info") or {}).get("grain")


def hour_without_period(tracker: Tracker, moment: dt.datetime) -> bool:
    """Was `moment` said as a bare hour ("那就七点吧") that could as well be the afternoon's (7 → 19:00)?
    Then a free slot at the later hour is what was meant when the earlier one is not bookable."""
    entity = latest_entity(tracker, "time")
    text = tracker.latest_message.get("text") or ""
    if not entity or entity.get("start") is None or not 1 <= moment.hour <= 11:
        return False
    return not PERIOD.search(to_simplified(text[max(0, entity["start"] - 2): entity["end"]]))


def offered_day(tracker: Tracker) -> dt.date | None:
    """The day of the free slots the bot's last reply offered as buttons, or at the read-back the day being
    confirmed ("那11点可以吗" moves the booking's hour, not its day); None: no day is in play."""
    starts = [t for t in (button_entities(button).get("time") for button in last_buttons(tracker)) if t][:1]
    if not starts and tracker.get_slot("requested_slot") == "appointment_confirmed":  # buttons: 确认/先不约了
        starts = [values_before_this_turn(tracker).get("appointment_time")]
    try:
        return dt.datetime.fromisoformat(str(starts[0])).astimezone(SHANGHAI).date() if starts and starts[0] else None
    except ValueError:
        return None


def day_in(entity: dict, text: str) -> bool:
    """Does a time entity name a day: a day's grain, or a period said with its day ("明天上午", not "上午")?"""
    grain = grain_of(entity)
    if grain == "day":
        return True
    said = text[entity["start"]:entity["end"]] if grain == "period" and entity.get("start") is not None else ""
    return bool(PERIOD.sub("", to_simplified(said)).strip())


def on_the_offered_day(tracker: Tracker, moment: dt.datetime) -> dt.datetime:
    """"9点就9点" to the slots offered for 1 December means that day's 09:00, not tomorrow's: a time said
    without a day refers to the day on the buttons. Read again with that day as "today", a time that has no
    day of its own lands on it; "明天9点" or "12月2号9点" do not, and keep their own day."""
    day, entity = offered_day(tracker), latest_entity(tracker, "time")
    text = tracker.latest_message.get("text") or ""
    days_said = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"
                 and day_in(e, text)]
    if not day or moment.date() == day or days_said:
        return moment  # (a day said apart from its hour: "那1月4號好了，下午四點半", "明天上午吧 十点钟")
    said = text[entity["start"]: entity["end"]] if entity and entity.get("start") is not None else text
    again = the_one_clock_time(said, dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI))
    if again and again.date() == day:
        return again.astimezone(moment.tzinfo) if moment.tzinfo else again
    return moment


YEAR_SAID = re.compile(r"今年|明年|后年|\d{4}\s*年|[零〇一二三四五六七八九]{4}年")
JUST_PAST_DAYS = 60


def a_day_just_past(tracker: Tracker, moment: dt.datetime) -> dt.datetime:
    """"11月20號上午" on 25 November: the parser reads a date without a year as the next such date (2027), which
    the backend refuses as beyond the booking horizon. Said in a booking, it is far likelier a day that has just
    passed — and is told so."""
    if YEAR_SAID.search(to_simplified(tracker.latest_message.get("text") or "")):
        return moment
    try:
        earlier = moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment
    now = dt.datetime.now(moment.tzinfo or SHANGHAI)
    return earlier if now - dt.timedelta(days=JUST_PAST_DAYS) < earlier < now else moment


# grains of a time that says when in the day, not only which day ("下午" too: its slots are offered)
OF_THE_DAY = ("period", "hour", "minute")


def the_one_clock_time(text: str, now: dt.datetime) -> dt.datetime | None:
    """The time of day `text` proposes, read against `now`, when it proposes exactly one ("9点就9点": one)."""
    found = {m.value for m in timeparse.parse(text, now) if m.grain in ("hour", "minute")}
    return found.pop() if len(found) == 1 else None


def proposed_time(tracker: Tracker, asked: str | None = "appointment_time") -> str | None:
    """A time of day offered when the time is asked, even in a message read as a question or off-topic:
    "这周六下午两点可以吗，工作日我上班走不开" (faq) proposes Saturday 14:00. The slot mapping leaves such
    intents out ("周末能预约上门吗" names a day but proposes nothing), so a clock time is what tells them apart."""
    if tracker.get_slot("requested_slot") != asked:
        return None
    entity = latest_entity(tracker, "time")
    grain = grain_of(entity)
    return entity.get("value") if entity and grain in OF_THE_DAY else None


# A time put as a question whether it will do: "周五下午三点可以吗", "得唔得"
PROPOSAL = re.compile(r"(?:可以|行|好|方便|OK|ok)(?:吗|么|嘛|不)\s*[?？]*\s*$|行不行|可不可以|得唔得|得不得|成不成")


# Words that move a booking, said just before the day it moves to: "改去下个礼拜三", "换到周五"
MOVED_TO = re.compile(r"(?:改|换|挪|推|调)(?:去|到|成|为|在)\s*$")


def day_moved_to(tracker: Tracker) -> str | None:
    """The day a booking is moved to in words ("礼拜五要OT 改去下个礼拜三"): the time right after 改去 / 换到."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    return next((e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"
                 and isinstance(e.get("start"), int) and MOVED_TO.search(text[max(0, e["start"] - 3):e["start"]])),
                None)


def time_proposed_off_topic(tracker: Tracker) -> dict[str, Any]:
    """The slot candidate for a proposed time the slot mapping misses: in a message read as faq / out_of_scope,
    or a free slot picked by its place in the list."""
    asked = tracker.get_slot("requested_slot")
    intent = tracker.latest_message.get("intent", {}).get("name")
    if asked is None and intent in ("faq", "out_of_scope", "nlu_fallback") and latest_entity(tracker, "time"):
        # "明天上午十点。十点。可以吗" starting the booking (action_answer_faq): the time it starts with; a day alone
        # too ("这个周末能去广州天河那边吗"): whether that day can be booked is the question, and the check answers it
        return {"appointment_time": the_time_wanted(tracker) or latest_entity(tracker, "time")["value"]}
    if asked == "appointment_confirmed" and intent in ("faq", "out_of_scope", "nlu_fallback"):
        # "那11点可以吗" to the read-back, read as a question: a new time proposed (checked on the day confirmed);
        # "改去下个礼拜三 同一个钟数得唔得": the day moved to (the hour agreed is kept by the check)
        proposed = proposed_time(tracker, asked) or day_moved_to(tracker)
        return {"appointment_time": proposed} if proposed else {}
    if asked != "appointment_time":
        # "要是能来的话晚上七点以后吧…" to the address question, read as faq: a time proposed, not asked about
        said = to_simplified(tracker.latest_message.get("text") or "")
        # ("呢个礼拜五下昼三点得唔得" asks whether that time will do: a proposal too)
        if intent in ("faq", "out_of_scope") and (not ASKS.search(said) or PROPOSAL.search(said)) and not \
                tracker.get_slot("appointment_time"):
            return {"appointment_time": proposed} if (proposed := proposed_time(tracker, asked)) else {}
        return {}
    proposed = proposed_time(tracker) if intent in ("faq", "out_of_scope") else None
    said = latest_entity(tracker, "time")
    if not proposed and said and intent in ("faq", "out_of_scope") and latest_entity(tracker, "service_type"):
        # "那周末打电话可以吗" to the time question: a day asked about with the service it is for is proposed
        # ("周末能预约吗" alone asks when bookings are possible: the FAQ answers it)
        proposed = the_time_wanted(tracker) or said["value"]
    if not proposed and not latest_entity(tracker, "time"):
        proposed = picked_button_entities(tracker).get("time")  # "第一个吧" to the free slots offered
    if not proposed and not latest_entity(tracker, "time"):
        # a bare "9点" the NLU left untagged (the extractor adds none alone: "第3点" is no time), when the time is
        # what was asked
        clock = the_one_clock_time(tracker.latest_message.get("text") or "", dt.datetime.now(SHANGHAI))
        proposed = clock.isoformat() if clock else None
    return {"appointment_time": proposed} if proposed else {}


# "都行 你看着办" / "随便" / "哪天都行" to the time question: no wish of the customer's own
ANY_TIME = re.compile(r"都行|都可以|都得|随便|看着办|你定|你们定|你安排|你们安排|无所谓|什么时候都|哪天都|几点都"
                      r"|任何时间")


def hour_moved(tracker: Tracker) -> str | None:
    """"九点太早了 十点吧" / "那就晚上八点吧" while another question is asked, once a time was taken: the same day at
    the hour said last (NLU reads such messages as anything, and a bare hour as today's or tomorrow's). Checked by
    validate_appointment_time like any time."""
    current = values_before_this_turn(tracker).get("appointment_time")
    asked = tracker.get_slot("requested_slot")
    raw = tracker.latest_message.get("text") or ""
    text = to_simplified(raw)
    times = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"]
    if not current or asked in (None, "appointment_time") or asked == "appointment_confirmed" and times and not all(
            clock_only(e, raw) for e in times):
        # (at the read-back a time NLU found with a day of its own is the mapping's; a clock time alone — "時間改成
        # 下午三點好了", which NLU dates today — stays on the day agreed, as "九点我赶不过来，改成十点" NLU may miss)
        return None
    day = dt.datetime.fromisoformat(str(current)).astimezone(SHANGHAI).date()
    exact = [e for e in times if grain_of(e) in ("hour", "minute")]
    if asked == "appointment_confirmed" and exact:
        # the clock time NLU found, not the half of the day given as a reason ("…早上要開會")
        moved = dt.datetime.fromisoformat(str(exact[-1]["value"])).astimezone(SHANGHAI)
        moved = moved.replace(year=day.year, month=day.month, day=day.day).isoformat()
        return moved if moved != current else None
    said = timeparse.parse(text, dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI))
    clocks = [m.value for m in said if m.grain in OF_THE_DAY]
    if not clocks or any(m.value.date() != day for m in said) or clocks[-1].isoformat() == current:
        return None  # a day of its own said ("周日吧"): the mapping and hour_kept see to it
    return clocks[-1].isoformat()


def soonest_offered(tracker: Tracker) -> str | None:
    """The first of the free slots just offered, when the customer leaves the time to us and names none."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if tracker.get_slot("requested_slot") != "appointment_time" or latest_entity(tracker, "time") or not (
            ANY_TIME.search(text)):
        return None
    return next((t for t in (button_entities(b).get("time") for b in last_buttons(tracker)) if t), None)


def time_given_now(tracker: Tracker) -> bool:
    """Is the time in the same message? Then validate_appointment_time checks it (with the service and branch
    of this message, already in the tracker); checking it here too said every rejection twice."""
    return "appointment_time" in tracker.slots_to_validate()


def only_past_times(tracker: Tracker) -> bool:
    """Are all the times in the message before today ("上个月20号就该扣的")? Then they tell what happened."""
    today = dt.datetime.now(SHANGHAI).date()
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"]
    try:
        return bool(values) and all(dt.datetime.fromisoformat(str(v)).astimezone(SHANGHAI).date() < today
                                    for v in values)
    except ValueError:
        return False


def clock_time_said(tracker: Tracker) -> str | None:
    """The first time in the message that has a time of day ("明天上午十点"), not only a day."""
    return next((e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"
                 and grain_of(e) in OF_THE_DAY), None)


# "这周四我要出差", "周一怕赶不回来": a day given as the reason it will not do
RULED_OUT = re.compile(r"^\s*(?:我|我们|家里)?(?:要|得|需要|怕|可能)?(?:不行|不方便|没空|没时间|有事|出差|上班|加班|"
                       r"来不了|去不了|不在|赶不回)")


DAY_TO_HALF = 6  # "元旦那天上午": at most this many characters between a day and the half of it


# Words that give a time its own day ("明天10点", "15号下午"); a clock time without them took the parser's nearest day
DAY_WORD = re.compile(r"[今明后昨前]|周|星期|礼拜|号|日|月|天")


def on_the_day_before(part: dict, times: list[dict], text: str, grains: tuple[str, ...]) -> str | None:
    """`part`, a time of day said on its own just after a day ("元旦那天上午", "下礼拜一 一样十点"), which the
    parser read as today's or tomorrow's — that time on that day; None when no such day comes just before."""
    days = [e for e in times if grain_of(e) in grains and isinstance(e.get("end"), int)
            and 0 <= part.get("start", -1) - e["end"] <= DAY_TO_HALF]
    if not days:
        return None
    day = dt.datetime.fromisoformat(days[-1]["value"])
    return dt.datetime.fromisoformat(part["value"]).replace(year=day.year, month=day.month, day=day.day).isoformat()


def day_and_half(times: list[dict], text: str) -> str | None:
    """"改到元旦那天上午吧": a day, then a half of the day said on its own — that half of that day."""
    for half in (e for e in times if grain_of(e) == "period" and not day_in(e, text)):
        if (joined := on_the_day_before(half, times, text, ("day",))) is not None:
            return joined
    return None


def clock_only(entity: dict, text: str) -> bool:
    """Was a time entity said as a clock time alone ("十点", "9点半"), with no day of its own?"""
    start, end = entity.get("start"), entity.get("end")
    return isinstance(start, int) and isinstance(end, int) and not DAY_WORD.search(to_simplified(text[start:end]))


def the_time_wanted(tracker: Tracker) -> str | None:
    """Of several times in one message, the one with a clock time, said first: "还是改到下周二上午9点吧 周一怕赶
    不回来" wants Tuesday 9:00 (Rasa's mapping took Monday, the day given as the reason). With days only, the first
    day not ruled out: "搞错了 是下周四 这周四我要出差" wants next Thursday."""
    times = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"]
    if len(times) < 2:
        return None
    # "那下周三早上吧 九点": the period named the day and half of it, the hour said after it is the time
    text = to_simplified(tracker.latest_message.get("text") or "")
    exact = [e for e in times if grain_of(e) in ("hour", "minute")]
    if exact:
        # "那下礼拜一 一样十点": the clock time said after the day is on that day
        joined = on_the_day_before(exact[0], times, text, ("day", "period")) if clock_only(exact[0], text) else None
        return joined or exact[0].get("value")
    if (joined := day_and_half(times, text)) is not None:
        return joined
    if clock := clock_time_said(tracker):
        return clock
    if moved := day_moved_to(tracker):
        return moved  # "礼拜五要OT 改去下个礼拜三": the day after 改去
    wanted = [e for e in times if not (isinstance(e.get("end"), int) and RULED_OUT.match(text[e["end"]:]))]
    return (wanted or times)[0].get("value")


def time_proposed(events: list[dict[str, Any]]) -> dt.datetime | None:
    """The time the customer last proposed in this booking, among `events` (whether or not it was free)."""
    proposed, started = None, False
    for event in reversed(events):  # within this form only: an earlier booking's time is not a wish…
        if event.get("event") == "active_loop" and event.get("name"):
            started = True  # …but the message that started it counts ("12月2号上午十点半…柜台")
        if started and event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name") == "appointment_time" and event.get("value"):
            proposed = event.get("value")
            break
    try:
        return dt.datetime.fromisoformat(str(proposed)).astimezone(SHANGHAI) if proposed else None
    except ValueError:
        return None


def wanted_day(tracker: Tracker) -> dt.date | None:
    """The day of the time the customer last proposed (refused since: its slot was taken, or 9:30 is not a slot
    start). Asked again, they see that day's free slots, not tomorrow's."""
    proposed = time_proposed(tracker.events)
    return proposed.date() if proposed else None


def hour_chosen(tracker: Tracker) -> dt.datetime | None:
    """The time proposed before this message, if it had an hour: "改成下周一同一时间" keeps it."""
    proposed = time_proposed(turns.before_this_turn(tracker))
    return proposed if proposed and (proposed.hour, proposed.minute) != (0, 0) else None


def same_hour_said(tracker: Tracker) -> bool:
    return bool(SAME_HOUR.search(to_simplified(tracker.latest_message.get("text") or "")))


def hour_kept(tracker: Tracker) -> dt.datetime | None:
    """The hour a day said alone keeps: asked for in words ("同一时间"), or agreed already — "周日吧" after 19:00
    was accepted moves the booking to Sunday 19:00 (the read-back confirms it)."""
    agreed = values_before_this_turn(tracker).get("appointment_time") is not None
    return hour_chosen(tracker) if same_hour_said(tracker) or agreed else None
