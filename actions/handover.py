"""Hand-over to a human agent, the fallback ladder, and leaving a form cleanly."""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_times import clock_only
from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.closing import FAREWELL, NOTHING_MORE, OWN_PLAN, ask_rating
from actions.common.format import slot_time
from actions.common.forms import LAST_DIGITS, declined_optional, free_text, lacks_number
from actions.common.picks import button_entities, last_buttons
from actions.common.policy import get_policy
from actions.common.reply import choice, say
from bot.questions import ASKS
from bot.script import to_simplified

FORM_SLOTS = {
    "appointment_form": ["service_type", "appointment_time", "branch", "address", "appointment_confirmed"],
    "complaint_form": [
        "complaint_description",
        "complaint_demand",
        "complaint_type",
        "complaint_policy_number",
        "complaint_confirmed",
        "complaint_type_suggestion",
    ],
    "claim_progress_form": ["claim_number", "policy_number", "id_last4"],
    "complaint_progress_form": ["complaint_number", "id_last4"],
    "appointment_change_form": ["appointment_number", "id_last4", "appointment_time", "appointment_action",
                                "change_confirmed"],
    "complaint_verdict_form": ["resolution_satisfied", "resolution_score"],
    "data_request_form": ["data_request_kind", "data_request_details", "data_request_confirmed"],
    "data_request_progress_form": ["id_last4"],
}
CASE_SLOTS = ("claim_number", "complaint_number", "appointment_number", "policy_number")


def transcript(tracker: Tracker, limit: int = 30) -> list[dict[str, str]]:
    """The recent customer and bot lines (the backend masks personal numbers before storing)."""
    lines = [
        {"sender": "customer" if e["event"] == "user" else "bot", "text": e["text"]}
        for e in tracker.events
        if e.get("event") in ("user", "bot") and e.get("text")
    ]
    return lines[-limit:]


async def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, summary: str = "") -> list:
    """Create the hand-over (on duty: queued for an agent; off duty: recorded, with a call-back offered). The bot
    goes on answering while the chat waits: it falls silent when an agent takes the chat (the backend pauses it)."""
    try:
        out = await backend().post(
            "/api/v1/handovers",
            json={
                "conversation_id": tracker.sender_id,
                "channel": tracker.get_latest_input_channel() or "rest",
                "reason": reason,
                "summary": summary or None,
                "customer_name": tracker.get_slot("person_name"),
                "case_numbers": [tracker.get_slot(s) for s in CASE_SLOTS if tracker.get_slot(s)],
                "transcript": transcript(tracker),
            },
        )
    except ApiError as exc:
        say(dispatcher, tracker, f"抱歉，暂时无法转接人工客服（{exc.message}）。您也可以拨打客服热线联系我们。")
        return []
    if out.get("agents_available") and out.get("created") is False:  # "人呢？？？" while queued: not a second queue
        say(dispatcher, tracker, f"{QUEUED}，不用重复排队。{WHILE_QUEUED}")
        return [SlotSet("handed_over", True), ActiveLoop(None)]
    if out.get("agents_available"):
        say(dispatcher, tracker, "正在为您转接人工客服，请稍候，坐席接入后会直接在这里回复您。"
            "等待期间有问题也可以继续问我。")
        return [SlotSet("handed_over", True), ActiveLoop(None)]
    hours = out.get("next_agent_opening") or ""
    opening = f"，最近的人工服务时间从 {slot_time(hours)} 开始" if hours else ""
    buttons = [choice("预约电话回访", "book_appointment", service_type="电话回访"), choice("不用了", "deny")]
    if out.get("created") is False:  # "就要人工，别问了" after the first answer: not the same paragraph again
        say(dispatcher, tracker, f"您的转人工请求已经登记，不用重复排队{opening}，坐席上班后会优先联系您。"
            "现在方便的话，也可以为您预约电话回访。", buttons)
        return [ActiveLoop(None)]
    say(
        dispatcher,
        tracker,
        f"现在是人工客服的非工作时间{opening}。我已记录您的转人工请求，坐席上班后会优先处理；"
        "也可以为您预约电话回访，到时由专人致电给您。",
        buttons,
    )
    return [ActiveLoop(None)]


# The bot's own offers: a human ("需要的话我可以帮您转人工客服。" in passing, "需要我现在帮您转人工吗？" asked) and a
# booking ("需要的话我可以帮您预约柜面办理。"). Not "我已记录您的转人工请求" (already handed over).
OFFERS_HUMAN = re.compile(r"(?<!正在为您)转(?:人工|接)(?!请求)")
ASKS_HUMAN = re.compile(r"转(?:人工|接)[^。！？]*吗[？?]\s*$")
# The bot offered to urge the case just told ("您可以回复“催办”", "我可以马上为您催办"), not said it did.
OFFERS_URGE = re.compile(r"回复“催办”|可以马上为您催办")
OFFERS_BOOKING = re.compile(r"[帮为]您预约")
CONFIRM_HUMAN = "需要现在为您转接人工客服吗？"
# The slots a booking button's entities fill (the time entity maps to appointment_time)
BOOKING_SLOTS = {"service_type": "service_type", "branch": "branch", "time": "appointment_time"}
# "行，那就约吧，陈晓明，138…" / "好的 办吧" to a booking offered with its own button
BOOKING_YES = re.compile(r"^\s*(?:好|行|可以|要|嗯|对|是|麻烦|ok)|约吧|办吧|约一下|帮我约|那就约", re.IGNORECASE)


def booking_offer_taken(tracker: Tracker) -> list | None:
    """The booking the bot's last reply offered with one button of its own ("您刚才还提到要预约理赔面谈，需要现在为您
    办理吗？"), started with what the button carries, when the message says yes to it — also in words NLU reads as
    giving contact details. None otherwise."""
    offered = [b for b in last_buttons(tracker) if str(b.get("payload") or "").startswith("/book_appointment")]
    text = to_simplified(tracker.latest_message.get("text") or "")
    times = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "time"]
    answers = {e.get("entity") for e in tracker.latest_message.get("entities", [])} & {"time", "phone", "person_name"}
    if len(offered) != 1 or not (BOOKING_YES.search(text) or answers) or re.search(r"不|别|先不|算了", text):
        return None
    carried = button_entities(offered[0])
    if carried.get("time") and times and clock_only(times[0], tracker.latest_message.get("text") or ""):
        # "那就七点吧" to the call-back offered for "明晚八点": seven o'clock on the day asked for
        day = dt.datetime.fromisoformat(carried["time"])
        carried["time"] = dt.datetime.fromisoformat(times[0]["value"]).replace(
            year=day.year, month=day.month, day=day.day).isoformat()
    elif times:
        carried.pop("time", None)  # a day of its own said now: the form's mapping takes it
    return [SlotSet(slot, carried[entity]) for entity, slot in BOOKING_SLOTS.items() if carried.get(entity)] + [
        FollowupAction("appointment_form")]


# "好 让人马上联系我" to "…现在为您转接人工客服吗？": a yes, in words NLU could not place
HUMAN_YES = re.compile(r"^\s*(?:好|行|可以|要|嗯|对|是|快|麻烦|ok)|(?:让|叫|找)(?:个)?人|联系我|转吧|转人工",
                       re.IGNORECASE)


# Fed up with the bot itself ("你连这个都不知道？", "听不懂人话吗", "问了也白问"): not one more "please rephrase",
# an apology and a human offered.
FED_UP = re.compile(r"连.{0,4}(?:都|也)?不(?:知道|懂|会)|这(?:个|点|些)?(?:都|也)不(?:知道|懂|会)"
                    r"|什么都不(?:知道|懂|会)|听不懂|说人话|答非所问|牛头不对马嘴|鸡同鸭讲|白问|(?:真|太|好|根本|完全|一点都?)没用|废物|智障|人工智障|太笨|好笨|真笨"
                    r"|垃圾(?:机器人|客服|系统)|破(?:机器人|系统|客服)")
NOTHING_PENDING = "好的。还有什么可以帮您的吗？"  # a no or a stop with nothing to say no to

# After a request for a human was recorded off duty: the customer waits ("好，等你"), or asks how long
AGENT_AWAITED = re.compile(r"坐席上班后会优先(?:处理|联系您)")
OPENING_SAID = re.compile(r"最近的人工服务时间从 (.+?) 开始")
WAITS = re.compile(r"等(?:你|着|吧|一下|会|呗)?|那我等|先这样")
# …said in the queue: "行，我就在这等着" (not "等下等下 算了不用了", which withdraws)
WAITING_HERE = re.compile(r"(?:在这(?:儿|里)?|就)等着?|我等着|等着(?:看|呢|吧)|等你们")
HOW_LONG = re.compile(r"多久|多长时间|要等|几点|什么时候|啥时候|几时|how long|when", re.IGNORECASE)
# …or, on duty, queued for an agent ("坐席接入后会直接在这里回复您"): impatient ("人呢？？？等半天了", "人工怎么还没来")
QUEUED = "您已经在人工客服的队列中了"
WHILE_QUEUED = "坐席接入后会直接在这里回复您，排队时间较长时系统会提醒主管优先安排。等待期间有问题也可以继续问我。"
AGENT_QUEUED = re.compile(r"坐席接入后会直接在这里回复您")
# …or, off duty, grumbling that nobody is there ("你们都下班了？搞什么名堂，客户有事找谁去")
# (not "就这样": "好 就这样吧" takes leave; nor "今天晚上能打不 七点以后 我下班": the customer's own hours)
OFF_DUTY_GRUMBLE = re.compile(r"(?<!我)下班(?!后|以后|之后)|找谁|没人|名堂|搞什么|怎么办|咋办")
# (…and in Cantonese: "等咗好耐都冇人理，係咪收咗工？")
IMPATIENT = re.compile(r"人呢|(?:怎么|咋|还|仲)(?:还)?(?:没|冇)(?:来|人|接|回)|(?:没|冇)人理"
                       r"|等(?:了|咗)?(?:半天|好久|很久|这么久|老半天|好耐|咁耐)|(?:快|赶紧)(?:点|些|啲)?(?:接|来人)")


def agent_awaited_reply(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"好，等你" / "要等多久啊" right after a request for a human was recorded off duty: when someone will be there,
    and that the request stands — not "not understood", and not a call-back booking the customer did not ask for."""
    said = turns.last_bot_text(tracker)
    text = to_simplified(tracker.latest_message.get("text") or "")
    if re.search(r"回访|回电|打给我|预约|能打|打过来|给我打|打个电话", text):
        return None  # a call-back asked for ("今天晚上能打不"): the booking, not this reply
    if (AGENT_QUEUED.search(said) or tracker.get_slot("handed_over")) and IMPATIENT.search(text):
        say(dispatcher, tracker, f"抱歉让您久等了。{QUEUED}，{WHILE_QUEUED}")
        return []
    if AGENT_QUEUED.search(said) and WAITING_HERE.search(text) and not HOW_LONG.search(text):
        # "行，我就在这等着，看你们怎么办" right after being queued in agents' hours
        say(dispatcher, tracker, "好的，请您稍候，坐席接入后会直接在这里回复您。")
        return []
    opening = OPENING_SAID.search(said)
    when = f"最近的人工服务时间从 {opening.group(1)} 开始，" if opening else ""
    if AGENT_AWAITED.search(said) and OFF_DUTY_GRUMBLE.search(text):
        # "你们都下班了？搞什么名堂，客户有事找谁去": sorry, who is there and when, and what can be done now
        say(dispatcher, tracker, "非常抱歉，现在确实没有人工客服在线。"
            f"您的转人工请求已登记，{when}坐席上班后会优先联系您。着急的话可以先预约电话回访；也可以告诉我是什么事，"
            "能办的我先帮您办。",
            [choice("预约电话回访", "book_appointment", service_type="电话回访")])
        return []
    if not AGENT_AWAITED.search(said) or not (WAITS.search(text) or HOW_LONG.search(text)):
        return None
    if "等待期间" in said:  # told already: not the same paragraph twice
        say(dispatcher, tracker, "好的，请您稍候，坐席上班后会优先联系您。")
        return []
    say(dispatcher, tracker, f"好的，您的转人工请求已登记，{when}坐席上班后会优先联系您。等待期间有其他问题，也可以随时"
        "问我。", [choice("预约电话回访", "book_appointment", service_type="电话回访")])
    return []


# "等下等下 算了不用了 我先问你…" right after the chat was queued for an agent: the request withdrawn
WITHDRAWS = re.compile(r"算了|不用了|不用转|不转了|先不用|不需要了|不要了|取消|先不(?:找|转|要)")
WITHDRAWN = "好的，已为您取消转人工。"


async def handover_withdrawn(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """Withdraw the hand-over queued a moment ago, when the customer says they no longer want it: closed in the
    backend (abandoned, before any agent took it), so no agent picks up a chat the customer has moved on from. The
    rest of the message is then answered as usual. None when nothing was withdrawn."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not tracker.get_slot("handed_over") or not AGENT_QUEUED.search(turns.last_bot_text(tracker)) or (
            not WITHDRAWS.search(text)):
        return None
    try:
        waiting = await backend().get(f"/api/v1/handovers/by-conversation/{tracker.sender_id}")
        if waiting.get("status") != "waiting":
            return None  # an agent has it already: theirs to close
        await backend().post(f"/api/v1/handovers/{waiting['id']}/close",
                             json={"outcome": "abandoned", "note": "客户排队时撤回了转人工请求"})
    except ApiError:
        return None
    say(dispatcher, tracker, WITHDRAWN)
    return [SlotSet("handed_over", False)]


class WithdrawsHandover(Action, ABC):
    """An action that, before its own answer, withdraws a hand-over the customer no longer wants
    (handover_withdrawn); a message that says nothing else is then asked what else is wanted."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        withdrawn = await handover_withdrawn(dispatcher, tracker)
        if withdrawn is None:
            return await self.answer(dispatcher, tracker, domain)
        rest = WITHDRAWS.sub("", to_simplified(tracker.latest_message.get("text") or ""))
        if len(re.findall(r"[\u4e00-\u9fff]", re.sub(r"等下|等等|好的?|吧|啊|呀|哦|嗯", "", rest))) < 3:
            say(dispatcher, tracker, "还有其他可以帮您的吗？")
            return withdrawn
        return withdrawn + await self.answer(dispatcher, tracker, domain)

    @abstractmethod
    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        """The action's own answer."""


class ActionAnswerAffirm(Action):
    """"好的" / "要" with no form running: yes to what the bot just offered, else nothing to confirm.
    A human asked for outright ("…转人工吗？") is handed over; offered in passing, "好的" may only mean "OK", so it is
    asked once more. A booking offered alone starts the appointment (with the service the offer named, if one);
    both offered: the customer picks."""

    def name(self) -> str:
        return "action_answer_affirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if (waiting := agent_awaited_reply(dispatcher, tracker)) is not None:
            return waiting
        if (case_form := case_awaiting_proof(tracker)) is not None:
            return [FollowupAction(case_form)]  # "再让我试一次，8001，这回肯定对": digits, not a yes to the offer
        said = turns.last_bot_text(tracker)
        named = [s for s in (await get_policy())["appointment"]["service_types"] if s in said]
        booking = [choice(f"预约{s}", "book_appointment", service_type=s) for s in named] or [
            choice("预约服务", "book_appointment")]
        human, book = OFFERS_HUMAN.search(said), OFFERS_BOOKING.search(said)
        text = to_simplified(tracker.latest_message.get("text") or "")
        if OWN_PLAN.search(text) and not re.search(r"转|人工|[找叫](?:个)?人", text):
            say(dispatcher, tracker, "好的，祝您办理顺利！还有什么可以帮您的吗？")
            return []
        if ASKS_HUMAN.search(said) or said.strip() == CONFIRM_HUMAN:
            return await hand_over(dispatcher, tracker, "requested")
        if (taken := booking_offer_taken(tracker)) is not None:
            return taken
        if NOTHING_MORE.search(to_simplified(tracker.latest_message.get("text") or "")):
            # "行 就这些" after an answer that offered a booking: OK, and that is all — the closing
            return ask_rating(dispatcher, tracker)
        if OFFERS_URGE.search(said) and HUMAN_YES.search(text):  # "…您可以回复“催办”" → "行 尽快"
            return [FollowupAction("action_urge")]
        if OFFERS_URGE.search(said):  # "哦 就是还没开始弄呗": taken in, not a yes to hurrying it
            say(dispatcher, tracker, "好的。需要催办的话随时告诉我。还有什么可以帮您的吗？")
            return []
        if human and book:
            buttons = [*booking, choice("转人工客服", "request_human")]
            say(dispatcher, tracker, "好的，请问您是想预约办理，还是转人工客服？", buttons)
        elif human:
            say(dispatcher, tracker, CONFIRM_HUMAN, [choice("转人工客服", "request_human"), choice("不用了", "deny")])
        elif book and len(named) <= 1:
            return [SlotSet("service_type", s) for s in named] + [FollowupAction("appointment_form")]
        elif book:
            say(dispatcher, tracker, "好的，请问您想预约哪项服务？", booking)
        else:
            say(dispatcher, tracker, "还有什么可以帮您的吗？")
        return []


class ActionHandover(Action):
    def name(self) -> str:
        return "action_handover"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        reason = tracker.get_slot("handover_reason") or "requested"
        text = to_simplified(tracker.latest_message.get("text") or "")
        if reason == "requested" and not tracker.active_loop and AGENT_HOURS_ASKED.search(text) and not (
                HANDOVER_ASKED.search(text)):
            # "btw 你们human agent几点下班 I want to call": when the agents are there, not a hand-over now
            dispatcher.utter_message(response="utter_faq/human_agent")
            return []
        return await hand_over(dispatcher, tracker, reason) + [SlotSet("handover_reason", None)]


# the agents' hours asked about, and a hand-over asked for outright
AGENT_HOURS_ASKED = re.compile(r"几点(?:下班|上班|开始|结束|收工)|(?:上班|工作|服务|在线)(?:时间|时段)"
                               r"|什么时候(?:下班|上班)|几时(?:收工|返工)")
HANDOVER_ASKED = re.compile(r"转|接人工|找(?:个)?人|叫(?:个)?人|现在就要|马上")
MISUNDERSTOOD = {"nlu_fallback", "out_of_scope"}
NOT_UNDERSTOOD = "抱歉，我没有完全理解您的意思。"
CASE_MENTIONED = re.compile(r"LP\d{13}|TS\d{8}-\d{4}|YY\d{8}-\d{4}|GR\d{8}-\d{4}")


# A message we could not classify that still carries a case number belongs to that case's look-up.
ROUTES = [
    (("claim_number", "policy_number"), "claim_progress_form"),
    (("complaint_number",), "complaint_progress_form"),
    (("data_request_number",), "data_request_progress_form"),
]


def new_booking(tracker: Tracker) -> bool:
    """Does the latest message ask for a booking of its own (a service or a branch, or asking to book outright)
    and give no booking number to change? A time alone may be the new time of the one being moved — unless the
    booking in progress was just called off: "取消咗佢先", then "改做下个礼拜一朝早十点" makes it again."""
    kinds = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    booking = tracker.latest_message.get("intent", {}).get("name") == "book_appointment"
    return (booking or booking_remade(tracker) or bool(kinds & {"service_type", "branch"})) and (
        "appointment_number" not in kinds)


def booking_remade(tracker: Tracker) -> bool:
    """A time said, and no booking number, right after the booking in progress was called off."""
    kinds = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    return "time" in kinds and "appointment_number" not in kinds and bool(booking_dropped(tracker))


BOOKING_CHOICES = ("service_type", "branch", "address")


def booking_dropped(tracker: Tracker) -> dict[str, Any]:
    """The service and place of the booking in progress that the customer's previous message called off, before
    anything was booked ({} if it did not): said again with a new time, that is the booking wanted."""
    previous = turns.reply(tracker, 1)
    slots = [e for e in previous if e.get("event") == "slot"]
    if any(e.get("name") == "appointment_number" and e.get("value") for e in slots) or not any(
            e.get("name") == "service_type" and e.get("value") is None for e in slots):
        return {}
    chosen = {e.get("name"): e.get("value") for e in turns.before(tracker, 1)
              if e.get("event") == "slot" and e.get("name") in BOOKING_CHOICES}
    return {name: value for name, value in chosen.items() if value}


def case_awaiting_proof(tracker: Tracker) -> str | None:
    """"哦打错了 是6004" with no task running, after a case was named earlier in the chat ("我的理赔LP…显示拒赔")
    and never verified in it: the digits are its verification, so its progress question starts and takes them."""
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    if not entities & {"id_last4", "phone"} and not LAST_DIGITS.search(tracker.latest_message.get("text") or ""):
        return None
    proven = {e.get("value") for e in tracker.events if e.get("event") == "slot" and e.get("name") == "verified_case"}
    for slot, form in (("claim_number", "claim_progress_form"), ("complaint_number", "complaint_progress_form"),
                       ("data_request_number", "data_request_progress_form")):
        number = tracker.get_slot(slot)
        if number and number not in proven | {tracker.get_slot("verified_case")}:
            return form
    return None


def form_entities(form: str, domain: dict[str, Any]) -> set[str]:
    """The entities that fill the form's slots (from the domain's slot mappings)."""
    required = domain.get("forms", {}).get(form, {}).get("required_slots", [])
    return {
        mapping["entity"]
        for slot in required
        for mapping in domain.get("slots", {}).get(slot, {}).get("mappings", [])
        if mapping.get("type") == "from_entity"
    }


def fed_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """An apology and a human offered to a customer fed up with the bot; None when the message is no such thing."""
    if not FED_UP.search(to_simplified(tracker.latest_message.get("text") or "")):
        return None
    say(dispatcher, tracker, "非常抱歉没能帮上您。" + CONFIRM_HUMAN,
        [choice("转人工客服", "request_human"), choice("不用了", "deny")])
    return []


# Upset before saying what happened ("我真的要崩溃了😭😭"), which NLU reads as anything (goodbye, faq, out of scope)
DISTRESS = re.compile(r"崩溃|受不了|急死|要疯|疯了|心累|绝望|想哭|哭了|😭|😢|😫|😩|😡|🤬|😤|救命|怎么办啊")
DISTRESS_ALONE = 8  # characters beside the distress words: more, and the message tells what it is about
DISTRESS_ASKED = "先别着急，遇到什么事了？"  # (a question asked back: the message was understood)


def distress_met(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """A kind word and the ways to help, to a customer upset before telling the story; None for anything else (a
    farewell, or a message that says what it is about: that is answered)."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not DISTRESS.search(text) or FAREWELL.search(text) or len(DISTRESS.sub("", text).strip()) > DISTRESS_ALONE:
        return None
    say(dispatcher, tracker, f"{DISTRESS_ASKED}您跟我说说，我尽力帮您。"
        "理赔或投诉的进度我可以马上帮您查，也可以登记投诉，或者为您转人工客服。",
        [choice("查询理赔进度", "check_claim_progress"), choice("我要投诉", "file_complaint"),
         choice("转人工客服", "request_human")])
    return []


def human_accepted(tracker: Tracker) -> bool:
    """Is the message a yes, in words NLU could not place, to the bot's question whether to hand over?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    asked = ASKS_HUMAN.search(turns.last_bot_text(tracker))
    return bool(asked and HUMAN_YES.search(text) and not re.search(r"不|别|暂时", text))


async def fallback(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
    """Ask to rephrase with the main options; when the previous message was not understood either, hand over."""
    from actions.appointments import cancel_instead  # (appointments' forms use this module's hand-over)
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    form = (tracker.active_loop or {}).get("name")
    if not form and human_accepted(tracker):
        return await hand_over(dispatcher, tracker, "requested")
    if not form and (waiting := agent_awaited_reply(dispatcher, tracker)) is not None:
        return waiting
    if form and entities & form_entities(form, domain):
        # Unsure of the intent but sure of a value the running form asks for (不对，电话是…): let the form take it.
        return [FollowupAction(form)]
    if form == "appointment_change_form" and cancel_instead(tracker):
        # "算了…把这个面谈取消了吧。今晚七点给我打个电话" to a move's read-back: the form makes it a cancellation
        return [FollowupAction(form)]
    if form == "appointment_change_form" and new_booking(tracker):
        # "不管了，那重新约一个，明年1月1号 上海浦东 柜台" while the number to cancel is asked: a new booking
        say(dispatcher, tracker, "好的，那先为您办理新的预约。")
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("appointment_action", None),
                FollowupAction("appointment_form")]
    if not form and (sorry := fed_up(dispatcher, tracker)) is not None:
        return sorry
    help_text = lacks_number(tracker)
    if form and help_text:  # "我没有投诉编号" to the question for it: say what else works, then ask again
        say(dispatcher, tracker, help_text, [choice("转人工客服", "request_human")])
        return [FollowupAction(form)]
    for names, case_form in ROUTES:
        if entities & set(names) and not form:
            return [FollowupAction(case_form)]
    if not form and (case_form := case_awaiting_proof(tracker)):
        return [FollowupAction(case_form)]
    said_before = turns.said(turns.reply(tracker, 1))
    # the message before was not understood either: read as such, or routed here as a bare answer to nothing
    # (a message NLU could not place but the bot answered about the case in view was understood after all)
    # (nor one answered about the agent awaited)
    misread = turns.intent(turns.message(tracker, 1)) in MISUNDERSTOOD and not any(
        CASE_MENTIONED.search(t) or AGENT_AWAITED.search(t) or t.startswith(DISTRESS_ASKED) for t in said_before)
    if misread or any(NOT_UNDERSTOOD in t for t in said_before):
        say(dispatcher, tracker, "抱歉，我还是没能理解您的问题，为您转人工客服处理。")
        summary = tracker.latest_message.get("text", "")
        return await hand_over(dispatcher, tracker, "fallback", summary=summary) + [UserUtteranceReverted()]
    options = [
        choice("查询理赔进度", "check_claim_progress"),
        choice("预约服务", "book_appointment"),
        choice("我要投诉", "file_complaint"),
        choice("转人工客服", "request_human"),
    ]
    say(dispatcher, tracker, f"{NOT_UNDERSTOOD}可以换个说法，或者直接选择您要办理的业务：", options)
    # As Rasa's own fallback does: forget the message we could not place, so no policy keeps reacting to it.
    return [UserUtteranceReverted()]


class ActionStopForm(Action):
    """The customer gave up the task (算了/不办了): leave the form and forget what it collected."""

    def name(self) -> str:
        return "action_stop_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        if not form and ASKS.search(to_simplified(tracker.latest_message.get("text") or "")):
            # "那如果超过了呢 一直拖着不给咋办" read as giving up, with nothing to give up: a question, not a no
            return await fallback(dispatcher, tracker, domain)
        if not form:
            say(dispatcher, tracker, NOTHING_PENDING)
            return []
        asked = tracker.get_slot("requested_slot")
        if asked and free_text(tracker, asked):  # an unsure "stop" to a question answered in own words
            return [FollowupAction(form)]
        help_text = lacks_number(tracker)  # "不记得案号了" is no reason to give up: say what else works
        if help_text:
            say(dispatcher, tracker, help_text, [choice("转人工客服", "request_human"), choice("先不查了", "stop")])
            return [FollowupAction(form)]
        declined = declined_optional(tracker, FORM_SLOTS.get(form, []))
        if declined:  # "保单号不在手边，不填了": that one question, not the whole task
            say(dispatcher, tracker, "好的，这一项可以不填。")
            return [SlotSet(*declined), FollowupAction(form)]
        say(dispatcher, tracker, "好的，已为您取消当前办理，刚才填写的信息不会保存。还有其他需要吗？")
        return form_left(form)


def form_left(form: str) -> list:
    """The events that leave `form` and forget what it collected."""
    return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("retry_slot", None), SlotSet("retry_count", 0),
            *(SlotSet(slot, None) for slot in FORM_SLOTS.get(form, []))]
