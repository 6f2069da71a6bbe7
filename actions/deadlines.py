"""Deadlines for a day the customer names: "如果我2月3號投訴，最晚幾號會給我結果？" is worked out by the backend's SLA
engine for that day (holidays and 调休 included), not left to the customer to count from "7 working days"."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Tracker

from actions.appointment_times import SHANGHAI, grain_of
from actions.common import format
from actions.common.api import ApiError, backend
from actions.common.forms import latest_entity

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
