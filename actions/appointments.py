"""Appointments: booking form (service, place, time checked against live availability), cancel, reschedule."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_places import (
    ADDRESS_MARK,
    ADDRESS_SAID,
    GOES_TO,
    HOME_ADDRESS,
    OTHER_ANSWERS,
    OWNED_UP,
    SWITCH,
    address_part,
    address_words_beside_answers,
    branch_in_words,
    corrected_address,
    question_beside,
    service_in_context,
    service_in_words,
    service_of_errand_told,
)
from actions.appointment_times import (
    SHANGHAI,
    a_day_just_past,
    grain_of,
    hour_kept,
    hour_moved,
    hour_without_period,
    offered_day,
    on_the_offered_day,
    same_hour_said,
    soonest_offered,
    the_time_wanted,
    time_given_now,
    time_proposed_off_topic,
    wanted_day,
)
from actions.case_context import case_in_view
from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.closing import LATER
from actions.common.contact import ContactFormValidator, shown_name, shown_phone
from actions.common.format import WEEKDAYS, slot_time
from actions.common.forms import (
    CASE_FORMATS,
    CONFIRMS,
    IDENTIFIERS,
    MOBILE,
    QUESTION,
    BaseFormValidator,
    faq_answer,
    free_text,
    latest_entity,
    values_before_this_turn,
)
from actions.common.policy import get_policy
from actions.common.rating import SCORE_SAID
from actions.common.reply import choice, say
from actions.common.verification import VerifyingForm, case_asked_first, case_taken
from actions.handover import booking_dropped, booking_remade, new_booking
from bot import timeparse
from bot.script import to_simplified

APPOINTMENT_RE = CASE_FORMATS["appointment_number"]
# a reference given after its name, in a shape that is not a booking number ("编号26110388", "单号 YY2026112")
OTHER_REFERENCE = re.compile(r"(?:编号|单号|预约号)(?:是|为)?[:：\s]*((?:YY)?[\d-]{5,})", re.IGNORECASE)
LOOKAHEAD_DAYS = 7
SURE = 0.5  # an intent this likely is what the message asks
WHAT_TO_BRING = re.compile(r"(?:带|准备|拿)(?:些)?(?:什么|啥|哪些|咩|乜)"
                           r"|(?:使唔使|要唔要|需唔需要|要不要|需不需要|用不用)(?:带|准备)")
CALLS_OFF = re.compile(r"(?:帮我|给我)?取消(?:吧|掉|了吧|咗|佢|它)|不(?:用|要|想)?(?:预)?约了")


def slot_buttons(slots: list[dict], limit: int = 6) -> list[dict]:
    return [choice(slot_time(s["start"]), "inform", time=s["start"]) for s in slots[:limit]]


async def free_slots(service_type: str, day: dt.date, branch: str | None) -> tuple[list[dict], str | None]:
    """The day's bookable slots (the backend applies hours, working days and capacity)."""
    params = {"service_type": service_type, "date": day.isoformat()} | ({"branch": branch} if branch else {})
    out = await backend().get("/api/v1/appointments/availability", params=params)
    return [s for s in out["slots"] if s["remaining"] > 0], out.get("reason")


async def place_needed(service_type: str | None) -> str | None:
    """What the policy says a service needs besides a time: "branch", "address" or nothing."""
    return (await get_policy())["appointment"]["service_types"].get(service_type, {}).get("needs")


async def chosen_place(tracker: Tracker) -> dict[str, str | None]:
    """The branch or the address, whichever the service needs: "浦东新区" inside a home address fills the
    branch slot too (an entity), but a home visit goes to the address."""
    need = await place_needed(tracker.get_slot("service_type"))
    return {"branch": tracker.get_slot("branch") if need == "branch" else None,
            "address": tracker.get_slot("address") if need == "address" else None}


async def next_free(service_type: str, day: dt.date, branch: str | None) -> list[dict]:
    """Free slots on the first day from `day` on that has any."""
    for offset in range(LOOKAHEAD_DAYS):
        slots, _ = await free_slots(service_type, day + dt.timedelta(days=offset), branch)
        if slots:
            return slots
    return []


async def last_free(service_type: str, day: dt.date, branch: str | None) -> list[dict]:
    """Free slots on the latest day before `day` that has any, within the booking horizon (past it: the soonest):
    asked for a day just past the horizon, the customer wants it as late as it goes."""
    today = dt.datetime.now(SHANGHAI).date()
    last = min(day, today + dt.timedelta(days=(await get_policy())["appointment"]["horizon_days"]))
    for offset in range(LOOKAHEAD_DAYS):
        if (candidate := last - dt.timedelta(days=offset)) < today:
            break
        slots, _ = await free_slots(service_type, candidate, branch)
        if slots:
            return slots
    return await next_free(service_type, today, branch)


FINEST_FIRST = {"minute": 0, "hour": 1, "period": 2, "day": 3}


async def check_time(
    form: BaseFormValidator,
    value: Any,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service_type: str,
    branch: str | None,
    same_hour: dt.datetime | None = None,
) -> dict[str, Any]:
    """Accept a time only if it is a free slot now; otherwise explain and offer nearby free slots. `same_hour`:
    the time being replaced, whose hour a day said with "同一时间" keeps."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return form.reject(
            dispatcher, tracker, "appointment_time", "没能识别这个时间，请说具体日期和时间，例如“明天下午3点”。"
        )
    times = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"]
    # ("明天中午吧 … 12点": the period and the hour both start at 12:00 — the hour is what was said)
    same = [e for e in times if e.get("value") == str(value)] or [
        # (a clock time moved onto the day agreed, "時間改成下午三點好了，早上要開會": that entity, not the last one)
        e for e in times if grain_of(e) in ("hour", "minute") and isinstance(e.get("value"), str)
        and dt.datetime.fromisoformat(e["value"]).time() == moment.time()]
    entity = min(same, key=lambda e: FINEST_FIRST.get(grain_of(e), len(FINEST_FIRST))) if same else latest_entity(
        tracker, "time")
    grain = grain_of(entity)  # of the time being checked
    if grain == "day" and same_hour:
        # "改成下周一同一时间", or "周日吧" once 19:00 was agreed: that day, at the hour of the time it replaces
        moment, grain = moment.replace(hour=same_hour.hour, minute=same_hour.minute, second=0), "minute"
    moment = a_day_just_past(tracker, on_the_offered_day(tracker, moment))
    try:
        slots, reason = await free_slots(service_type, moment.date(), branch)
    except ApiError as exc:  # e.g. no service chosen yet: say why and ask again, never fail the turn
        return form.reject(dispatcher, tracker, "appointment_time", exc.message)
    until = timeparse.period_end(moment) if grain == "period" else None
    if until and (within := [s for s in slots if moment <= dt.datetime.fromisoformat(s["start"]) < until]):
        # "下下周一上午": which hour in it is the customer's to choose, not ours (nor the period's first)
        return form.reject(dispatcher, tracker, "appointment_time",
                           f"{moment.month}月{moment.day}日{moment.hour}点到{until.hour or 24}点之间可以预约这些时段，"
                           "您看哪个合适：", slot_buttons(within))
    if grain != "day":
        afternoon = moment + dt.timedelta(hours=12) if hour_without_period(tracker, moment) else None
        for wanted in (moment, afternoon):
            for s in slots:
                if wanted and dt.datetime.fromisoformat(s["start"]) == wanted:
                    return form.accepted("appointment_time", s["start"])
        slots = nearest(slots, moment)
    if grain == "day" and slots:
        return form.reject(
            dispatcher,
            tracker,
            "appointment_time",
            f"{moment.month}月{moment.day}日可以预约这些时段：",
            slot_buttons(slots),
        )
    offer = slots or await next_free(service_type, moment.date() + dt.timedelta(days=1), branch)
    if not offer and reason:  # "1月8号": past the booking horizon, nothing after it either; the latest bookable days
        offer = await last_free(service_type, moment.date(), branch)
    why = reason or ("该时段已约满" if await on_the_grid(service_type, moment) else "这个时间不在可预约的时段内")
    message = f"抱歉，{why}。" + ("您可以选择以下时间：" if offer else "近期暂无空闲时段，可以转人工为您安排。")
    return form.reject(dispatcher, tracker, "appointment_time", message, slot_buttons(offer))


def nearest(slots: list[dict], moment: dt.datetime, limit: int = 6) -> list[dict]:
    """The `limit` slots closest to the time asked for, in time order: asked 20:30, offered 14:00–19:00."""
    closest = sorted(slots, key=lambda s: abs(dt.datetime.fromisoformat(s["start"]) - moment))[:limit]
    return sorted(closest, key=lambda s: s["start"])


async def on_the_grid(service_type: str, moment: dt.datetime) -> bool:
    """Is `moment` the start of one of the service's slots (policy: hours and slot length)? Then a refusal
    means the slot is taken; the backend lists only the free ones."""
    policy = (await get_policy())["appointment"]
    hours = policy["service_types"].get(service_type) or {}
    if not hours:
        return False
    start, end = (dt.time.fromisoformat(hours[k]) for k in ("start", "end"))
    minutes = moment.hour * 60 + moment.minute - (start.hour * 60 + start.minute)
    return start <= moment.time() < end and minutes % int(policy["slot_minutes"]) == 0 and moment.second == 0


async def check_time_when_known(
    form: BaseFormValidator,
    value: Any,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service_type: str | None,
    branch: str | None,
    same_hour: dt.datetime | None = None,
) -> dict[str, Any]:
    """check_time once it can be done. "下周三上午十点" before the service, or "柜面办理，下周三上午十点"
    before the branch: the time is kept, and validate_service_type / validate_branch check it later."""
    need = await place_needed(service_type)
    if not service_type or (need == "branch" and not branch):
        return {"appointment_time": value}
    return await check_time(form, value, dispatcher, tracker, service_type, branch if need == "branch" else None,
                            same_hour)


# "那算了 我先在app上试试 不行再说", "算了吧": the booking given up ("算了，改成明天吧" and "算了算了…带我去你们朝阳那个
# 营业厅吧" go on with it, in other words)
GIVES_UP = re.compile(r"^(?:那|那就|哎|唉)?(?:算了)+(?:吧|啊)?[\s,，。.!！]*$|" + LATER)
BOOKING_ANSWERS = {"time", "branch", "service_type", "person_name", "phone"}


def gives_up(tracker: Tracker) -> bool:
    """Does the message give the booking up, with no answer for it beside ("那算了 我先在app上试试 不行再说")?"""
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    return bool(GIVES_UP.search(to_simplified(tracker.latest_message.get("text") or ""))) and not (
        entities & BOOKING_ANSWERS)


# "元旦那天你们上班吗", "周六开门不": is a day open, asked while booking
OPEN_ASKED = re.compile(r"(?:上班|开门|营业|办公|办理|休息|放假|有人)(?:吗|嘛|不|没|么|呢)"
                        r"|上不上班|开不开门|休不休息")


def day_asked_about(tracker: Tracker) -> dt.date | None:
    """The one day a question names (a day, not a clock time: "明天下午三点可以吗" proposes a time)."""
    times = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"]
    if len(times) != 1 or grain_of(times[0]) != "day":
        return None
    try:
        return dt.datetime.fromisoformat(str(times[0].get("value"))).date()
    except ValueError:
        return None


# …and anywhere in an answer, which then is no address ("地址啊 要写多详细 算了算了 不弄了")
GIVING_UP = re.compile(r"算了|不弄了|不约了|不办了|不要了|先不")


class ValidateAppointmentForm(ContactFormValidator):
    def name(self) -> str:
        return "validate_appointment_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intent = tracker.latest_message.get("intent", {})
        said = to_simplified(tracker.latest_message.get("text") or "")
        cancels = intent.get("name") == "cancel_appointment" and (intent.get("confidence") or 0) >= SURE or bool(
            CALLS_OFF.search(said)) or gives_up(tracker)
        stop = intent.get("name") == "stop"  # read as giving up: the stop rule ends the form (BaseFormValidator)
        # (not only when replying: read as out of scope, the message was answered by a rule before the form resumed)
        if cancels and not stop and not latest_entity(tracker, "appointment_number"):
            # "刚想起来那天有事，刚才那个帮我取消吧" before anything is booked: it is this booking that is called
            # off. The form ends unconfirmed, and the submit action says nothing was booked.
            return [SlotSet("requested_slot", None)]
        slot, text = tracker.get_slot("requested_slot"), to_simplified(tracker.latest_message.get("text") or "")
        service = tracker.get_slot("service_type")
        if not slot and case_asked_first(tracker):
            # "想问问我那个投诉TS…有进展没 还有…顺便约个电话": the case first (its number is here), the booking after
            say(dispatcher, tracker, "好的，我们一件一件来：先帮您查进度，查完再为您办预约。")
            return [SlotSet("requested_slot", None)]  # the submit action hands over to the look-up
        if not slot and question_beside(text):
            # the booking starting from "明天北京会下雪吗？我明天要去你们朝阳那边办事": the question is not ours
            say(dispatcher, tracker, OWNED_UP)
        if slot and self.replying(tracker) and service and OPEN_ASKED.search(text) and (
                said := day_asked_about(tracker)):
            # "元旦那天你们上班吗" mid-booking: whether this service is open that day (the backend's calendar), then
            # the question again — not the chat's opening hours
            slots, reason = await free_slots(service, said, tracker.get_slot("branch"))
            name = f"{said.month}月{said.day}日（周{WEEKDAYS[said.weekday()]}）"
            hours = f"可约 {slots[0]['start'][11:16]} 到 {slots[-1]['start'][11:16]} 开始的时段" if slots else ""
            say(dispatcher, tracker, f"{name}可以预约{service}，{hours}。" if slots else
                f"抱歉，{reason or f'{name}没有可预约的时段'}。")
            return await self.with_value(dispatcher, tracker, domain, [], SlotSet(slot, None))
        if slot and self.replying(tracker) and WHAT_TO_BRING.search(text) and not faq_answer(tracker):
            # "要带啥" mid-booking is about this appointment: when NLU found no FAQ in so short a question (out of
            # scope), the appointment's answer (a question NLU did place, "去面谈要带啥材料", gets its own topic)
            dispatcher.utter_message(response="utter_faq/appointment_documents")
            return await self.with_value(dispatcher, tracker, domain, [], SlotSet(slot, None))
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        place: list[str] = []
        service = tracker.get_slot("service_type")
        if service:
            place = {"branch": ["branch"], "address": ["address"]}.get(await place_needed(service), [])
        return ["service_type", *place, "appointment_time", "person_name", "phone", "appointment_confirmed"]

    async def extract_service_type(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        entity = latest_entity(tracker, "service_type")
        named = entity and entity.get("value") in (await get_policy())["appointment"]["service_types"]
        current = tracker.get_slot("service_type")
        switched = service_in_words(tracker.latest_message.get("text") or "")
        if current == "上门服务" and not entity and latest_entity(tracker, "branch") and GOES_TO.search(
                to_simplified(tracker.latest_message.get("text") or "")):
            # "算了算了…周六开车带我去你们朝阳那个营业厅吧" during a home visit: the customer comes to the branch
            return {"service_type": service_of_errand_told(tracker) or "柜面办理"}
        if current and not entity and switched and switched != current and SWITCH.search(
                to_simplified(tracker.latest_message.get("text") or "")):
            return {"service_type": switched}  # "周六不上班啊？那算了 你们能上门吗": the service changes
        if current and not entity or named:
            return {}
        # nothing named, or a span NLU tagged that names no service ("打电话返" of "打电话返嚟"): the words tell
        service = service_in_context(tracker)
        return {"service_type": service} if service else {}

    async def validate_service_type(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        types = list((await get_policy())["appointment"]["service_types"])
        if value not in types:
            if tracker.get_slot("requested_slot") != "service_type":
                # a word read as a service beside other answers ("電話13602223456"): not the customer's choice,
                # so no refusal, and the service already chosen stays
                return {"service_type": values_before_this_turn(tracker).get("service_type")}
            return self.reject(
                dispatcher,
                tracker,
                "service_type",
                "抱歉，我没能对应到可预约的服务，请从下面选一项。",
            )
        accepted = self.accepted("service_type", value)
        if tracker.get_slot("address") and await place_needed(value) != "address":
            accepted["address"] = None  # a home visit given up for a branch: its address goes with it
        branch = tracker.get_slot("branch")  # given before the service (not validated then): check it now
        if branch and branch not in (await get_policy())["appointment"]["branches"]:
            accepted["branch"] = branch = None  # the form asks for it, with the branches as buttons
        time = tracker.get_slot("appointment_time")
        if time and not time_given_now(tracker):  # said before the service: check it for this service
            accepted |= await check_time_when_known(self, time, dispatcher, tracker, value, branch)
        return accepted

    async def validate_branch(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        branches = (await get_policy())["appointment"]["branches"]
        city = [b for b in branches if value and b.startswith(to_simplified(str(value)).strip())]
        if value not in branches and len(city) == 1:
            value = city[0]  # "北京 " (NLU's span took the space, so its synonym did not apply): the one branch there
        if value not in branches:
            # "北京朝阳那个": NLU tagged "北京朝阳" (北京朝阳支公司) and "朝阳那个" (nothing) — the branch meant is the
            # one a span names, or that the span's words describe
            named = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "branch"]
            asked = tracker.get_slot("requested_slot") == "branch"  # (not "朝阳区" of a home address)
            value = next((v for v in named if v in branches), None) or (
                asked and branch_in_words(str(value or ""), branches)) or value
        chosen = values_before_this_turn(tracker).get("branch")
        if value not in branches and chosen in branches and tracker.get_slot("requested_slot") != "branch":
            # "朝阳区" of a home address read as a branch: not the customer's choice — the branch chosen stays
            return {"branch": chosen}
        if value not in branches:
            # the question that follows offers the branches as buttons
            return self.reject(dispatcher, tracker, "branch", "抱歉，这个网点暂不能预约，请从下面的网点中选一个。")
        accepted = self.accepted("branch", value)
        time = tracker.get_slot("appointment_time")
        if time and not time_given_now(tracker):  # said before the branch: check it there now
            accepted |= await check_time(self, time, dispatcher, tracker, tracker.get_slot("service_type"), value)
        return accepted

    async def extract_address(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        answer = free_text(tracker, "address")
        others = {e.get("entity") for e in tracker.latest_message.get("entities", [])} & OTHER_ANSWERS
        if answer and others and not address_words_beside_answers(tracker):
            # "晚上7点以后行吗 白天家里没人", "那平安夜 12月24號下午呢" (号 of a date): the time is checked, and
            # the address asked again, not refused
            return {}
        if answer:
            return {"address": address_part(answer, tracker.latest_message.get("entities", []))}
        if (address := tracker.get_slot("address")) and (corrected := corrected_address(
                address, tracker.latest_message.get("text") or "")):
            return {"address": corrected}  # "写错了 是5单元502 不是3单元" at the read-back
        text = tracker.latest_message.get("text") or ""
        said = ADDRESS_SAID.search(text)
        if said and not tracker.get_slot("address") and ADDRESS_MARK.search(said.group(1)):
            return {"address": said.group(1)}  # "想约个上门服务 下周三上午10点 地址深圳市福田区益田路6009号 我叫…"
        if not tracker.get_slot("address") and HOME_ADDRESS.search(to_simplified(text)):
            # "先约上门吧 下周二上午 北京朝阳区望京西园三区301号楼2单元502": a flat's address, given unasked
            part = address_part(text, tracker.latest_message.get("entities", []))
            return {"address": part} if part != text and ADDRESS_MARK.search(part) else {}
        return {}

    async def validate_address(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value or "").strip()
        # "晚上7点以后行吗 白天家里没人" is no address; nor is "地址啊 要写多详细 算了算了 不弄了" (弄 of giving up)
        if len(text) < 6 or not ADDRESS_MARK.search(text) or GIVING_UP.search(text) and not re.search(r"\d", text):
            return self.reject(dispatcher, tracker, "address", "请提供详细地址，包括城市、区、街道和门牌号。")
        return self.accepted("address", text[:200])

    async def extract_appointment_time(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if moved := hour_moved(tracker):
            return {"appointment_time": moved}
        if any_time := soonest_offered(tracker):
            say(dispatcher, tracker, f"好的，为您选最近的空闲时段：{slot_time(any_time)}。提交前还会跟您确认，"
                "要换时间直接说就行。")
            return {"appointment_time": any_time}
        return time_proposed_off_topic(tracker)

    async def validate_appointment_time(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        agreed = values_before_this_turn(tracker).get("appointment_time")
        exact = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"
                 and grain_of(e) in ("hour", "minute")]
        if agreed and SCORE_SAID.search(to_simplified(tracker.latest_message.get("text") or "")) and not exact:
            # "说句实话 晚上找不着人工挺不方便的 给个3分吧" to the read-back: a rating, whose 晚上 moves nothing
            return {"appointment_time": agreed}
        service, branch = tracker.get_slot("service_type"), tracker.get_slot("branch")
        if value != hour_moved(tracker):  # (the hour said last, when it moves the time taken)
            value = await first_bookable(tracker, service, branch) or the_time_wanted(tracker) or value
        return await check_time_when_known(self, value, dispatcher, tracker, service, branch, hour_kept(tracker))

    async def validate_appointment_confirmed(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        changed = set(tracker.slots_to_validate()) & {"appointment_time", "branch", "address", "person_name", "phone",
                                                      "service_type"}
        if value is False and changed:
            return {"appointment_confirmed": None}  # "不对，九点我赶不过来，改成十点": the change said; read back again
        if value is True and CORRECTION_FIRST.match(to_simplified(tracker.latest_message.get("text") or "")):
            # "啊不對，打錯字了，我爸是林正雄" read as a yes: a correction, never a go-ahead — read back again
            say(dispatcher, tracker, "好的，已记下。")
            return {"appointment_confirmed": None}
        if value is False:
            # "不对" / "没了" to the read-back: something to change, or nothing more to ask — never a reason to drop
            # a booking the customer took the trouble to give (giving up is "先不约了", the stop intent).
            return self.reject(dispatcher, tracker, "appointment_confirmed",
                               "好的，请问哪一项需要修改？直接告诉我新的内容就行，例如“改到后天上午10点”或“电话是139…”。"
                               "不约了的话，回复“先不约了”。")
        return self.accepted("appointment_confirmed", value)


# "啊不对，打错字了…": a reply that starts by putting something right
CORRECTION_FIRST = re.compile(r"^\W*(?:啊|哎|哎呀|哦|噢|呃)?\W*(?:不对|不是|错了|打错|写错|说错|搞错)")
# "十点半不行的话十点也可以", "9点或者10点都行": the times said are alternatives
ALTERNATIVES = re.compile(r"不行的话|不行就|或者|或是|也可以|也行|都行|都可以")


async def first_bookable(tracker: Tracker, service: str | None, branch: str | None) -> str | None:
    """Of several clock times said as alternatives, the first that is a free slot (None: none is, or no choice)."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not service or not ALTERNATIVES.search(text):
        return None
    # read with the day being talked about as "today": a bare "十点" is on it (NLU may tag only one of the times)
    day = offered_day(tracker) or wanted_day(tracker) or dt.datetime.now(SHANGHAI).date()
    clocks = [m.value for m in timeparse.parse(text, dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI))
              if m.grain in ("hour", "minute")]
    if len(clocks) < 2:
        return None
    for moment in clocks:
        try:
            slots, _ = await free_slots(service, moment.date(), branch)
        except ApiError:
            return None
        if any(dt.datetime.fromisoformat(s["start"]) == moment for s in slots):
            return moment.isoformat()
    return None


async def booked_appointment(tracker: Tracker) -> dict[str, Any]:
    """The verified customer's appointment (the change form's number), as the backend holds it."""
    return await backend().get(f"/api/v1/appointments/{tracker.get_slot('appointment_number')}",
                               token=tracker.get_slot("verification_token"))


def slots_offered_this_turn(tracker: Tracker) -> bool:
    """Did a reply to the customer's latest message already offer times as buttons?"""
    return any('"time"' in (b.get("payload") or "") for e in turns.reply(tracker) if e.get("event") == "bot"
               for b in (e.get("data") or {}).get("buttons") or [])


# Wanting it today: "现在还能安排人给我回个电话吗", "今晚能打给我吗"
NOW_WANTED = re.compile(r"现在|今天|今晚|今儿|马上|立刻|这会")


class ActionAskAppointmentTime(Action):
    """Ask for the time and show the next free slots right away."""

    def name(self) -> str:
        return "action_ask_appointment_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if slots_offered_this_turn(tracker):  # "周六不是工作日…您可以选择以下时间" already asked, with its slots
            return []
        moving = (tracker.active_loop or {}).get("name") == "appointment_change_form"
        try:
            today = dt.datetime.now(SHANGHAI).date()
            if moving:  # the booked appointment's service and branch (the customer is verified by now)
                appt = await booked_appointment(tracker)
                service, branch = appt["service_type"], appt.get("branch")
            else:
                service, branch = tracker.get_slot("service_type"), (await chosen_place(tracker))["branch"]
            slots = await next_free(service, max(today, wanted_day(tracker) or today), branch)
        except ApiError:
            slots = []
        question = "请问您想改到什么时间？" if moving else "请问您想预约什么时间？"
        if slots and NOW_WANTED.search(to_simplified(tracker.latest_message.get("text") or "")) and (
                slots[0]["start"][:10] > today.isoformat()):
            # "现在还能安排人给我回个电话吗？" at 22:00: why the first slot offered is tomorrow's
            question = "今天可预约的时段已经过了，最早可以约下面这些时间。" + question
        offer = "可以直接说“明天下午3点”，或选择下面的空闲时段：" if slots else "可以直接说“明天下午3点”。"
        say(dispatcher, tracker, question + offer, slot_buttons(slots))
        return []


class ActionAskAppointmentConfirmed(Action):
    def name(self) -> str:
        return "action_ask_appointment_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        s = tracker.get_slot
        placed = await chosen_place(tracker)
        place = placed["branch"] or placed["address"]
        say(
            dispatcher,
            tracker,
            "\n".join(
                [
                    "请确认预约信息：",
                    f"· 服务：{s('service_type')}" + (f"（{place}）" if place else ""),
                    f"· 时间：{slot_time(s('appointment_time'))}",
                    f"· 联系人：{shown_name(tracker, s('person_name'))}，电话：{shown_phone(tracker, s('phone'))}",
                    "确认无误请回复“确认”；要修改可以直接说，例如“改到后天上午10点”。",
                ]
            ),
            [choice("确认预约", "affirm"), choice("先不约了", "stop")],
        )
        return []


class ActionSubmitAppointment(Action):
    """Book through the backend; a slot taken meanwhile sends the customer back to choose another time."""

    def name(self) -> str:
        return "action_submit_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        s = tracker.get_slot
        resets = [
            SlotSet(k, None) for k in ("service_type", "appointment_time", "branch", "address", "appointment_confirmed")
        ]
        if not s("appointment_confirmed") and (look_up := case_asked_first(tracker)):
            return [*resets, FollowupAction(look_up)]  # the case asked about comes first (ValidateAppointmentForm)
        if not s("appointment_confirmed"):
            say(dispatcher, tracker, "好的，本次预约没有提交。需要时随时找我预约。")
            return resets
        try:
            out = await backend().post(
                "/api/v1/appointments",
                json={
                    "service_type": s("service_type"),
                    "start": s("appointment_time"),
                    **await chosen_place(tracker),
                    "contact_name": s("person_name"),
                    "contact_mobile": s("phone"),
                    "conversation_id": tracker.sender_id,
                },
            )
        except ApiError as exc:
            if exc.status == 409 and exc.detail.get("alternatives"):
                say(
                    dispatcher,
                    tracker,
                    "抱歉，这个时段刚刚被约满了，请重新选择时间：",
                    slot_buttons(exc.detail["alternatives"]),
                )
                return [
                    SlotSet("appointment_time", None),
                    SlotSet("appointment_confirmed", None),
                    FollowupAction("appointment_form"),
                ]
            say(dispatcher, tracker, f"抱歉，预约没有成功：{exc.message}")
            return resets
        say(
            dispatcher,
            tracker,
            f"预约成功！预约编号：{out['number']}，时间：{slot_time(out['start'])}，"
            f"服务：{out['service_type']}。如需改约或取消，告诉我预约编号即可。",
        )
        return resets + [SlotSet("appointment_number", out["number"])]


# "能不能给我重新打开", "重新处理一下": a case asked to be opened again
REOPEN = re.compile(r"重新打开|重开|再打开|重新(?:处理|受理|调查|审|查|看|弄)|撤销结案|不算结案")
CLOSED_TOLD = re.compile(r"【关闭】|已办结")


def complaint_reopened(tracker: Tracker) -> str | None:
    """The complaint just told as closed, when the latest message asks to reopen it (and names no booking)."""
    case = case_in_view(tracker)
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not case or case[0] != "投诉" or latest_entity(tracker, "appointment_number") or not REOPEN.search(text):
        return None
    return case[1] if any(CLOSED_TOLD.search(said) for said in turns.said(turns.reply(tracker, 1))) else None


# What the booking form had taken, dropped with it
BOOKING_SLOTS = ("service_type", "branch", "address", "appointment_time", "appointment_confirmed")


# The account premiums are debited from, changed: "把扣款帐户改成另一家银行的", "扣保费的银行卡换一张"
DEBIT_ACCOUNT = re.compile(r"扣款|扣费|扣保费|代扣|自动扣|缴费(?:的)?(?:银行)?卡|(?:银行)?(?:帐户|账户|户口)")


def debit_account_changed(tracker: Tracker) -> bool:
    """Does the message change the account premiums are debited from, naming no booking (nor its number)?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    named = latest_entity(tracker, "appointment_number") or tracker.get_slot("appointment_number")
    return bool(DEBIT_ACCOUNT.search(text)) and not named and not BOOKING_NAMED.search(text)


# A booking named: the change form's own subject
BOOKING_NAMED = re.compile(r"预约|面谈|回访|上门|柜面|柜台|约的")


def booking_unmade(tracker: Tracker) -> bool:
    """Is a cancel, with no booking number, said while the booking form was still asking (nothing booked yet)?"""
    loops = [e.get("name") for e in turns.before_this_turn(tracker) if e.get("event") == "active_loop"]
    numbered = latest_entity(tracker, "appointment_number") or tracker.get_slot("appointment_number")
    cancels = tracker.latest_message.get("intent", {}).get("name") == "cancel_appointment" or bool(
        CALLS_OFF.search(to_simplified(tracker.latest_message.get("text") or "")))
    return bool(loops) and loops[-1] == "appointment_form" and not numbered and cancels


class ValidateAppointmentChangeForm(VerifyingForm):
    case_slot = "appointment_number"

    def name(self) -> str:
        return "validate_appointment_change_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        asked = tracker.get_slot("requested_slot")
        if asked == "appointment_number" and self.replying(tracker) and new_booking(tracker):
            # "不管了，那重新约一个，明年1月1号 上海浦东 柜台" while the number to cancel is asked: the customer
            # gave up on it and books anew. The change form ends; action_change_appointment starts the booking.
            say(dispatcher, tracker, "好的，那先为您办理新的预约。")
            return [SlotSet("requested_slot", None)]
        if not asked and (closed := complaint_reopened(tracker)):
            # "能不能给我重新打开" right after a closed complaint was told: no booking to change, and a closed case is
            # not reopened here — a new complaint, or a human
            say(dispatcher, tracker, f"投诉 {closed} 已经办结关闭，没法在这里重新打开。如果您对处理结果仍有异议，"
                "我可以马上为您登记一条新的投诉，把之前的情况一并写上；也可以转人工客服为您跟进。",
                [choice("登记新的投诉", "file_complaint"), choice("转人工客服", "request_human")])
            return [SlotSet("requested_slot", None)]
        if not asked and booking_unmade(tracker):
            # "算了…那个电话预约帮我取消吧" while that booking was still being taken: nothing was booked, so no number
            # to ask for — the booking in progress is dropped
            say(dispatcher, tracker, "好的，这个预约还没有提交，就不为您预约了。之后需要的话随时告诉我。")
            return [SlotSet("requested_slot", None), *[SlotSet(name, None) for name in BOOKING_SLOTS]]
        if not asked and debit_account_changed(tracker):
            # "那順便幫我把扣款帳戶改成另一家銀行的" (read as moving a booking): how premiums are paid and the debit
            # card changed — not a booking number asked for
            dispatcher.utter_message(response="utter_faq/premium_payment")
            return [SlotSet("requested_slot", None)]
        if not asked and booking_remade(tracker):
            # "取消咗佢先", then "改做下个礼拜一朝早十点啦" (read as a reschedule): the booking just called off, at
            # the new time — nothing was booked that a number could move
            say(dispatcher, tracker, "好的，按新的时间为您重新预约。")
            return [SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        extra = ["appointment_time"] if tracker.get_slot("appointment_action") == "reschedule" else []
        return ["appointment_number", "id_last4", *extra, "change_confirmed"]

    async def validate_appointment_number(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        number = str(value or "").strip().upper()
        if not APPOINTMENT_RE.match(number):
            return self.reject(
                dispatcher,
                tracker,
                "appointment_number",
                "预约编号格式是 YY + 8位日期 + - + 4位数字（例如 YY20261201-0001），请核对。",
            )
        return await case_taken(self, tracker, "appointment_number", number)

    async def extract_appointment_time(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return time_proposed_off_topic(tracker)

    async def extract_appointment_number(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # "取消预约 编号26110388": a reference in another shape, taken so that validate_appointment_number says
        # what a booking number looks like (asked for one, the customer would think theirs had been ignored)
        numbers = {e.get("entity") for e in tracker.latest_message.get("entities", []) if e.get("entity") in IDENTIFIERS
                   and not (e.get("entity") == "phone" and not MOBILE.fullmatch(str(e.get("value"))))}  # "26110388"
        if tracker.get_slot("requested_slot") not in (None, "appointment_number") or numbers or tracker.get_slot(
                "appointment_number"):
            return {}
        match = OTHER_REFERENCE.search(tracker.latest_message.get("text") or "")
        return {"appointment_number": match.group(1)} if match else {}

    async def extract_id_last4(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # "刚才那个预约取消吧": the appointment booked earlier in this chat is verified by the mobile given for it,
        # once, as the form starts; asking that customer for digits they just typed would be a formality
        number, phone = tracker.get_slot("appointment_number"), tracker.get_slot("phone")
        if tracker.get_slot("requested_slot") or tracker.get_slot("id_last4") or not (number and phone):
            return await super().extract_id_last4(dispatcher, tracker, domain)
        booked = any(e.get("event") == "bot" and number in (e.get("text") or "") for e in tracker.events)
        return {"id_last4": phone} if booked else await super().extract_id_last4(dispatcher, tracker, domain)

    async def validate_appointment_time(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        appt = await booked_appointment(tracker)
        booked = dt.datetime.fromisoformat(appt["start"]).astimezone(SHANGHAI)
        value = the_time_wanted(tracker) or value
        kept = booked if same_hour_said(tracker) else None
        return await check_time(self, value, dispatcher, tracker, appt["service_type"], appt.get("branch"), kept)

    async def extract_change_confirmed(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # "确认取消" / "对，取消吧" reads as cancel_appointment, not affirm: asking the same thing again is a yes
        if tracker.get_slot("requested_slot") != "change_confirmed":
            return {}
        text = to_simplified(tracker.latest_message.get("text") or "")
        intent = tracker.latest_message.get("intent", {}).get("name")
        action = tracker.get_slot("appointment_action") or ""
        if cancel_instead(tracker):
            return {"change_confirmed": None}  # validated even with no yes or no mapped: it becomes the cancellation
        if KEEP_IT[action].search(text) if action in KEEP_IT else False:
            return {"change_confirmed": False}
        wanted = {"cancel": "cancel_appointment", "reschedule": "reschedule_appointment"}
        same_again = intent == wanted.get(action) or bool(action == "cancel" and "取消" in text)
        if QUESTION.search(text) and not same_again:
            return {}  # "对了 去柜台要带啥？" to the read-back: a question (answered), not a yes
        return {"change_confirmed": True} if same_again or CONFIRMS.search(text) else {}

    async def validate_change_confirmed(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        text = to_simplified(tracker.latest_message.get("text") or "")
        if cancel_instead(tracker):
            # "算了，我还是先不跑了，把这个面谈取消了吧" to the move's read-back: not kept — cancelled, read back again
            say(dispatcher, tracker, "好的，那就不改时间了，改为取消这个预约。")
            return {"appointment_action": "cancel", "change_confirmed": None}
        if value is True and QUESTION.search(text) and faq_answer(tracker):
            return {"change_confirmed": None}  # NLU's yes to "对了…要带啥？": the question is answered, asked again
        if value is False:
            say(dispatcher, tracker, f"好的，预约 {tracker.get_slot('appointment_number')} 保持不变。")
        return self.accepted("change_confirmed", bool(value))


# "把这个面谈取消了吧", "干脆取消掉": the appointment called off altogether, while a move was being confirmed
CANCEL_INSTEAD = re.compile(r"(?<![不别])(?:把(?:这个|那个|它)?[^，。,.]{0,6}取消|取消(?:了|掉)?(?:吧|算了)"
                            r"|干脆取消|直接取消|帮我取消)")


def cancel_instead(tracker: Tracker) -> bool:
    """Is the move being read back called off for a cancellation ("…把这个面谈取消了吧")?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    return (tracker.get_slot("requested_slot") == "change_confirmed"
            and values_before_this_turn(tracker).get("appointment_action", tracker.get_slot("appointment_action"))
            == "reschedule" and bool(CANCEL_INSTEAD.search(text)) and not re.search(r"[不别](?:用|要|想)?取消", text))


# "先不取消了" / "算了，不改了" / "别动它": the appointment stays as it is
# …said of the change asked about: "取消就行 不用改时间" cancels (it is the time that stays)
KEEP_IT = {
    "cancel": re.compile(r"不(?:用|要|想)?取消|别取消|^\s*不(?:用|要)了?\s*$|^\s*算了|先不|保留|不了"),
    "reschedule": re.compile(r"不(?:用|要|想)?(?:改|换)|别(?:改|动|换)|^\s*不(?:用|要)了?\s*$|^\s*算了|先不|保留|不了"),
}


class ActionAskChangeConfirmed(Action):
    """Read back what will change, before an appointment is cancelled or moved."""

    def name(self) -> str:
        return "action_ask_change_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        number = tracker.get_slot("appointment_number")
        try:
            appt = await booked_appointment(tracker)
        except ApiError as exc:
            say(dispatcher, tracker, exc.message)
            return []
        booked = f"{appt['service_type']}，{slot_time(appt['start'])}"
        if tracker.get_slot("appointment_action") == "reschedule":
            # A new time said as the change starts ("能不能改到12月3号 同样时间") was set before the form knew it
            # needed one, and so never checked: it is checked here, before it is read back.
            wanted = the_time_wanted(tracker) or tracker.get_slot("appointment_time")
            start = dt.datetime.fromisoformat(appt["start"]).astimezone(SHANGHAI)
            kept = start if same_hour_said(tracker) else None
            checked = await check_time(ValidateAppointmentChangeForm(), wanted, dispatcher, tracker,
                                       appt["service_type"], appt.get("branch"), kept)
            events = [SlotSet(name, value) for name, value in checked.items()]
            if not checked.get("appointment_time"):  # refused, with the reason and free slots said
                return [*events, SlotSet("requested_slot", "appointment_time")]
            new = slot_time(checked["appointment_time"])
            say(dispatcher, tracker, f"请确认：把预约 {number}（{booked}）改到 {new}，对吗？",
                [choice("确认改约", "affirm"), choice("先不改了", "deny")])
            return events
        else:
            say(dispatcher, tracker, f"请确认：取消预约 {number}（{booked}），对吗？",
                [choice("确认取消", "affirm"), choice("先不取消", "deny")])
        return []


class ActionChangeAppointment(Action):
    """Cancel or reschedule the verified appointment."""

    def name(self) -> str:
        return "action_change_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        s = tracker.get_slot
        number, token = s("appointment_number"), s("verification_token")
        resets = [
            SlotSet("appointment_action", None),
            SlotSet("appointment_time", None),
            SlotSet("id_last4", None),
            SlotSet("change_confirmed", None),
            ActiveLoop(None),
        ]
        if not number and new_booking(tracker):
            again = [SlotSet(name, value) for name, value in booking_dropped(tracker).items()]
            return [*resets, *again, FollowupAction("appointment_form")]
        if not (number and token) or s("change_confirmed") is not True:
            return resets  # not verified, or the customer kept it (validate_change_confirmed said so)
        try:
            if s("appointment_action") == "reschedule":
                out = await backend().post(
                    f"/api/v1/appointments/{number}/reschedule", token=token, json={"start": s("appointment_time")}
                )
                say(dispatcher, tracker, f"改约成功！预约 {number} 已改到 {slot_time(out['start'])}。")
            else:
                await backend().post(
                    f"/api/v1/appointments/{number}/cancel", token=token, json={"reason": "客户通过在线客服取消"}
                )
                say(dispatcher, tracker, f"预约 {number} 已取消。需要时可以随时重新预约。")
        except ApiError as exc:
            say(dispatcher, tracker, f"抱歉，操作没有成功：{exc.message}")
        return resets
