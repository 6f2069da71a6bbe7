"""Deadlines for a day the customer names: "如果我2月3號投訴，最晚幾號會給我結果？" is worked out by the backend's SLA
engine for that day (holidays and 调休 included), not left to the customer to count from "7 working days"."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Tracker

from actions.appointment_times import SHANGHAI, grain_of
from actions.common import format
from actions.common.api import ApiError, backend
from actions.common.forms import latest_entity
from actions.common.policy import get_policy, quoted_numbers

# The FAQ answers that quote a deadline counted from acceptance, and the case they are about.
TIMELINES = {"utter_faq/complaint_timeline": "complaint"}

# A day the customer counts from: recent or coming. "12月1号投诉的" resolves to next year's 1 December (a date
# without its year is the next one ahead): too far to be meant, so the general answer is given instead.
DAYS_BACK, DAYS_AHEAD = 31, 92


def now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


def today() -> dt.date:
    return now().date()


def day_counted_from(tracker: Tracker) -> tuple[dt.datetime, bool] | None:
    """The moment named in the message (and whether a clock time was said), when it is a day one may count from."""
    entity = latest_entity(tracker, "time")
    if not entity or not isinstance(entity.get("value"), str):
        return None
    moment = dt.datetime.fromisoformat(entity["value"]).astimezone(SHANGHAI)
    if not -DAYS_BACK <= (moment.date() - today()).days <= DAYS_AHEAD:
        return None
    return moment, grain_of(entity) in ("hour", "minute")


async def dated_timeline(tracker: Tracker, utter: str | None, from_now: bool = False) -> str | None:
    """The complaint deadlines for the day named with a timeline question (`from_now`: for a complaint submitted
    now, when no day is named), or None for the general answer."""
    case_type = TIMELINES.get(utter or "")
    named = day_counted_from(tracker) or ((now(), True) if from_now else None)
    if not case_type or not named:
        return None
    moment, clock_said = named
    try:
        out = await backend().get("/api/v1/sla/preview", params={"case_type": case_type, "start": moment.isoformat()})
    except ApiError:
        return None  # the general answer holds the same promises
    due = {t["name"]: t for t in out["targets"]}
    feedback, resolution = due["feedback"], due["resolution"]
    hours, days = feedback["duration"].get("hours"), resolution["duration"].get("working_days")
    iso = moment.isoformat()
    when = format.slot_time(iso) if clock_said else f"{format.day(iso)}（周{format.WEEKDAYS[moment.weekday()]}）"
    feedback_by = f"（{format.deadline(feedback['due_at'])}前）" if clock_said else ""
    last = dt.datetime.fromisoformat(resolution["due_at"]) - dt.timedelta(days=1)  # due at 24:00 of the last day
    text = (
        f"按目前的规定推算：如果投诉在{when}受理，我们会在{hours}小时内{feedback_by}反馈进展，"
        f"处理结果最晚在{format.day(last.isoformat())}（周{format.WEEKDAYS[last.weekday()]}）当天结束前给出"
        f"（{days}个工作日，从受理次日算起，节假日不计）。"
    )
    if out.get("provisional"):
        text += f"{last.year}年的放假调休安排还没有正式公布，届时日期可能略有调整。"
    if moment.date() < today():
        text += "如果您已经登记了投诉，告诉我投诉单号和登记手机号后四位，我帮您查实际进度。"
    return text


GRACE_TOPIC = "utter_faq/grace_period"
# A due day named without its year resolves to the next one; more than this far ahead it was the last one
# ("供款日係10月15號", asked in December, is the 15 October just past)
HALF_A_YEAR = 183


async def grace_end(tracker: Tracker, utter: str | None) -> str | None:
    """Until when the grace period runs for the premium due day the customer names (the policy file's days, counted
    from the day after it), or None for the general answer."""
    entity = latest_entity(tracker, "time")
    if utter != GRACE_TOPIC or not entity or not isinstance(entity.get("value"), str):
        return None
    due = dt.datetime.fromisoformat(entity["value"]).astimezone(SHANGHAI).date()
    if (due - today()).days > HALF_A_YEAR:
        due = due.replace(year=due.year - 1)
    if not -366 <= (due - today()).days <= HALF_A_YEAR:
        return None
    days = quoted_numbers(await get_policy())["grace_days"]
    end = due + dt.timedelta(days=days)
    said = f"{due.month}月{due.day}日"
    ends = f"{end.month}月{end.day}日（周{format.WEEKDAYS[end.weekday()]}）"
    state = ("还没到缴费日" if due >= today() else "还在宽限期内，保障照常有效" if end >= today()
             else "宽限期已经过了，合同效力可能已经中止，可以申请复效")
    return (f"按约定缴费日{said}算，{days}天宽限期到{ends}为止。按今天算，{state}。"
            "宽限期内补交保费，保障不受影响；过了宽限期仍未缴费，合同效力会中止，之后可以申请复效。"
            "具体日期以您的保单条款和我们的缴费通知为准，需要的话我可以帮您转人工客服确认。")
