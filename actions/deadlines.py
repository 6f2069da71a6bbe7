"""Deadlines for a day the customer names, worked out rather than left to the customer to count: a complaint's
("如果我2月3號投訴，最晚幾號會給我結果？") by the backend's SLA engine (holidays and 调休 included); the grace period
for a premium due day and the hesitation period for the day a policy was received, by the backend's term preview."""

from __future__ import annotations

import datetime as dt
import re

from rasa_sdk import Tracker

from actions.appointment_times import SHANGHAI, grain_of
from actions.case_context import case_in_view, progress
from actions.common import format, turns
from actions.common.api import ApiError, backend
from actions.common.forms import latest_entity
from actions.common.policy import get_policy
from actions.follow_ups import last_answer
from bot.cantonese import to_mandarin
from bot.script import to_simplified

GRACE_TOPIC, HESITATION_TOPIC = "utter_faq/grace_period", "utter_faq/hesitation_period"
# The FAQ answers that quote a deadline counted from acceptance, and the case they are about.
COMPLAINT_TIMELINE = "utter_faq/complaint_timeline"
TIMELINES = {COMPLAINT_TIMELINE: "complaint"}

# A day the customer counts from: recent or coming. "12月1号投诉的" resolves to next year's 1 December (a date
# without its year is the next one ahead): too far to be meant, so the general answer is given instead.
DAYS_BACK, DAYS_AHEAD = 31, 92


def now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


def today() -> dt.date:
    return now().date()


def named_moment(tracker: Tracker) -> tuple[dt.datetime, bool] | None:
    """The moment the message names (Asia/Shanghai) and whether a clock time was said with it."""
    entity = latest_entity(tracker, "time")
    if not entity or not isinstance(entity.get("value"), str):
        return None
    return dt.datetime.fromisoformat(entity["value"]).astimezone(SHANGHAI), grain_of(entity) in ("hour", "minute")


def day_counted_from(tracker: Tracker) -> tuple[dt.datetime, bool] | None:
    """The moment named in the message (and whether a clock time was said), when it is a day one may count from."""
    named = named_moment(tracker)
    return named if named and -DAYS_BACK <= (named[0].date() - today()).days <= DAYS_AHEAD else None


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
    # (the backend's durations may be floats: 24.0 hours is said "24")
    hours, days = (f"{feedback['duration'].get('hours'):g}", f"{resolution['duration'].get('working_days'):g}")
    when = format.slot_time(moment.isoformat()) if clock_said else format.weekday_date(moment.date())
    feedback_by = f"（{format.deadline(feedback['due_at'])}前）" if clock_said else ""
    last = format.last_day(resolution["due_at"])
    text = (
        f"按目前的规定推算：如果投诉在{when}受理，我们会在{hours}小时内{feedback_by}反馈进展，"
        f"处理结果最晚在{format.weekday_date(last)}当天结束前给出（{days}个工作日，从受理次日算起，节假日不计）。"
    )
    if out.get("provisional"):
        text += f"{last.year}年的放假调休安排还没有正式公布，届时日期可能略有调整。"
    if moment.date() < today():
        text += "如果您已经登记了投诉，告诉我投诉单号和登记手机号后四位，我帮您查实际进度。"
    return text


# A due day or a receipt day named without its year resolves to the next one; more than this far ahead it was the
# last one ("供款日係10月15號", "11月28号才收到的", asked in December, are days just past)
HALF_A_YEAR = 183
# The day a period is counted from, said: a premium's due day, or the day the policy was received
DUE_SAID = re.compile(r"宽限|缴费日|交费日|扣款|供款|续期|保费|缴费|交费")
RECEIVED_SAID = re.compile(r"签收|收到|回执|签了|签的|到手|拿到|投保|买的")


def day_said_before(tracker: Tracker) -> dt.date | None:
    """The day (this year or the last) the message names, when it is within the last year."""
    if not (named := named_moment(tracker)):
        return None
    day = named[0].date()
    if (day - today()).days > HALF_A_YEAR:
        day = day.replace(year=day.year - 1)
    return day if -366 <= (day - today()).days <= HALF_A_YEAR else None


LIMITATION_TOPIC = "utter_faq/claim_time_limit"
# Which limitation applies: a life policy's (a death, 寿险) or any other's (an accident, an illness, a car)
LIFE_SAID = re.compile(r"寿险|人寿|身故|过世|去世|走了|病故|死亡|离世")
OTHER_SAID = re.compile(r"意外|医疗|健康|重疾|车险|财产|家财|住院|骨折|摔|跌|受伤|车祸|手术|生病|看病")
YEARS_AGO = re.compile(r"去年|前年|大前年|[\d一二两三四五六七八九十几]+年前|那年")
LIMITATION_YEARS_BACK = 10  # an insured event named further back is no day to count from


def event_day_said(tracker: Tracker) -> dt.date | None:
    """The day of the insured event the message names: in the past (a date without its year that lies ahead is
    last year's), and not too long ago."""
    days = [dt.datetime.fromisoformat(e["value"]).astimezone(SHANGHAI).date()
            for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"
            and isinstance(e.get("value"), str)]
    days = [d.replace(year=d.year - 1) if d > today() and not (d.month == 2 and d.day == 29) else d for d in days]
    if not days:
        return None
    day = min(days)  # the event comes before what followed it ("…前年三月走了…昨天才把保单翻出来")
    text = to_simplified(tracker.latest_message.get("text") or "")
    if day.year == today().year and YEARS_AGO.search(text):
        return None  # "前年三月份" not understood as a day: no date from the rest of the message
    return day if 0 <= (today() - day).days <= 366 * LIMITATION_YEARS_BACK else None


async def limitation_runs_until(tracker: Tracker, utter: str | None) -> str | None:
    """Until when a claim can be made for the insured event the message dates ("去年一月十五號在路上跌倒骨折，有買
    你們的意外險…還來得及嗎？"), by the policy file's limitation years, counted by the backend; both kinds when the
    message does not say which. None for the general answer."""
    previous = last_answer(tracker)
    if LIMITATION_TOPIC not in {utter, previous[0] if previous else None} or not (start := event_day_said(tracker)):
        return None
    text = to_simplified(tracker.latest_message.get("text") or "")
    kinds = [k for k, said in (("life", LIFE_SAID), ("other", OTHER_SAID)) if said.search(text)] or ["life", "other"]
    parts, late = [], False
    for kind in kinds:
        try:
            out = await backend().get("/api/v1/terms/preview",
                                      params={"term": f"limitation_{kind}", "start": start.isoformat()})
        except ApiError:
            return None  # the general answer holds the same years
        ends = dt.date.fromisoformat(out["ends"])
        late = late or ends < today()
        state = "已经超过了这个时效" if ends < today() else "还在时效内"
        name = "人寿保险" if kind == "life" else "意外、健康、财产等其他保险"
        parts.append(f"{name}是{out['years']}年，从{start.year}年{start.month}月{start.day}日算到{ends.year}年"
                     f"{format.weekday_date(ends)}为止，按今天算{state}")
    return ("按《保险法》，理赔的时效从知道出险之日起算：" + "；".join(parts) + "。"
            + ("超过时效能否受理要看具体情况，建议尽快转人工客服确认。" if late and len(parts) == 1 else
               "建议尽快报案、准备材料，越早越便于核实。")
            + "具体以保险合同和相关法律规定为准，需要的话我可以帮您转人工客服确认。")


async def period_runs_until(tracker: Tracker, utter: str | None) -> str | None:
    """Until when the grace period (for the premium due day named) or the hesitation period (for the day the policy
    was received) runs, as the backend counts it; None for the general answer. The
    hesitation period is also worked out for a day told right after its answer ("她保单是11月28号才收到的")."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    previous = last_answer(tracker)
    topics = {utter, previous[0] if previous else None}  # (the topic read now may be the wrong one of the two)
    grace = GRACE_TOPIC in topics and bool(DUE_SAID.search(text))
    hesitation = HESITATION_TOPIC in topics and bool(RECEIVED_SAID.search(text)) and not grace
    if not (grace or hesitation) or not (start := day_said_before(tracker)):
        return None
    try:
        out = await backend().get("/api/v1/terms/preview",
                                  params={"term": "grace" if grace else "hesitation", "start": start.isoformat()})
    except ApiError:
        return None  # the general answer holds the same numbers
    days, end = out["days"], dt.date.fromisoformat(out["ends"])
    if grace:
        state = ("还没到缴费日" if start >= today() else "还在宽限期内，保障照常有效" if end >= today()
                 else "宽限期已经过了，合同效力可能已经中止，可以申请复效")
        return (f"按约定缴费日{format.day(start.isoformat())}算，{days}天宽限期到{format.weekday_date(end)}为止。"
                f"按今天算，{state}。"
                "宽限期内补交保费，保障不受影响；过了宽限期仍未缴费，合同效力会中止，之后可以申请复效。"
                "具体日期以您的保单条款和我们的缴费通知为准，需要的话我可以帮您转人工客服确认。")
    state = ("还在犹豫期内，这时申请解除合同，可以退还已交保费（可能扣除少量工本费）" if end >= today()
             else "犹豫期已经过了，这时退保只能退还保单的现金价值，可能有损失")
    return (f"从签收保单的{format.day(start.isoformat())}算，{days}天犹豫期到{format.weekday_date(end)}为止。"
            f"按今天算，{state}。"
            "犹豫期适用于保险期间超过一年的人身保险，具体以保单条款为准；需要办理的话我可以帮您预约柜面办理或转人工客服。")


# "你算错了吧，周六投诉周六也算一天啊", "7日咪即系下礼拜一14号啰 你计错咗啩": the count of a deadline disputed
COUNT_DISPUTED = re.compile(r"(?:算|计|数)(?:得|的)?(?:错|不对|漏)|(?:也|都|不)(?:要)?算(?:一天|进去|在内|工作日)"
                            r"|(?:周末|周六|周日|礼拜[六天日]|星期[六天日])(?:也|都)?(?:算|不算)")
DAYS_SAID = re.compile(r"[天日号號]|周|礼拜|星期")
COUNTING = ("工作日是这样算的：从受理的第二天开始数，只数工作日，受理当天不算，周六、周日和法定节假日也不算"
            "（调休上班的周末照常算），所以{days}个工作日比{days}个自然日要长。")


async def counting_explained(tracker: Tracker) -> str | None:
    """How working days are counted, with the date that count gives (the complaint being taken, counted from now;
    or the complaint just told, from its record), when the message disputes a count; None otherwise. The date is
    stood by: it is the backend's SLA engine that counts it."""
    text = to_mandarin(to_simplified(tracker.latest_message.get("text") or ""))
    # (about days: "理赔金额算错了" disputes an amount, unless the bot had just counted working days)
    days_meant = DAYS_SAID.search(text) or "工作日" in turns.last_bot_text(tracker)
    if not (COUNT_DISPUTED.search(text) and days_meant):
        return None
    case = case_in_view(tracker)
    try:
        if (tracker.active_loop or {}).get("name") == "complaint_form":
            out = await backend().get("/api/v1/sla/preview", params={"case_type": "complaint",
                                                                      "start": now().isoformat()})
            due = {t["name"]: t for t in out["targets"]}["resolution"]
            days, due_at, counted = due["duration"].get("working_days"), due["due_at"], "按这个算法，今天提交的话，"
        elif case and case[0] == "投诉" and (p := await progress(tracker, case[1])) and not p.get("finished"):
            days = (await get_policy())["sla"]["complaint"]["resolution"]["working_days"]
            accepted = format.weekday_date(dt.datetime.fromisoformat(p["accepted_at"]).date())
            due_at, counted = p["resolution_due"], f"您的投诉 {case[1]} 是{accepted}受理的，按这个算法，"
        else:
            return None
    except (ApiError, KeyError):
        return None
    return (f"{COUNTING.format(days=f'{days:g}')}{counted}处理结果最晚在{format.weekday_date(format.last_day(due_at))}"
            "当天结束前给出；这是最晚的期限，能早一些处理完的，我们会尽量提前。")
