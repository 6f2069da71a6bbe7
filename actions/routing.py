"""Outside any task: a bare answer ("LP2026…", "明天下午") starts the task it obviously belongs to, a grievance told
in one breath starts the complaint, and what is not understood gets the fallback ladder."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_places import BOOKING_WORDS, booking_asked, service_in_words
from actions.appointment_times import SHANGHAI, clock_time_said, only_past_times
from actions.appointments import CALLS_OFF, WHAT_TO_BRING
from actions.case_context import about_the_case_told, case_in_view, case_just_told, inside_of_the_case
from actions.claims import other_claim_by_amount
from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.closing import ask_rating, plan_acknowledged
from actions.common.forms import LAST_DIGITS, latest_entity
from actions.common.policy import get_policy
from actions.common.rating import SCORE_SAID, score_of, store_rating
from actions.common.reply import choice, say
from actions.common.verification import ASKS_PROGRESS, DIGITS_CUE, digits_after_lockout, policy_change_told
from actions.complaints import (
    DEMAND_FIRST,
    FIRM_GRIEVANCE,
    GRIEVANCE,
    RHETORICAL,
    WORDS,
    complaint_slots,
    is_account,
    type_in_words,
)
from actions.data_requests import data_request_started, someone_elses_details
from actions.deadlines import counting_explained, dated_timeline, limitation_runs_until, period_runs_until
from actions.follow_ups import LEANS, answer_leaning, answered_already, last_answer
from actions.handover import ROUTES as CASE_ROUTES
from actions.handover import (
    WithdrawsHandover,
    agent_awaited_reply,
    booking_offer_taken,
    case_awaiting_proof,
    distress_met,
    fallback,
    fed_up,
    hand_over,
    human_accepted,
)
from bot import topic_confidence
from bot.questions import ASKS
from bot.script import to_simplified

BOOKING = {"service_type", "branch"}
# A change of a booking as NLU's close second reading of a bare answer: the change form takes the number.
CHANGES = {"cancel_appointment": "cancel", "reschedule_appointment": "reschedule"}
LIKELY_CHANGE = 0.3
# A message NLU could not place whose likeliest reading is a closing gets that closing's reply.
CLOSINGS = {"goodbye", "thank"}
LIKELY_CLOSING = 0.3
CLOSING_CHARS = 16
# Intents NLU leans to, after inform, on a grievance told outright: "…三万块交进去退我一万二，今天必须给我个说法"
COMPLAINT_LIKE = {"file_complaint", "check_complaint_progress", "urge"}
# …but "上礼拜投诉过一次，想问下处理到哪一步了" asks where a case stands: its progress, not a new complaint.
ASKING = re.compile(r"想问|问一?下|请问|就问|只是问|问的是|想知道|进度|进展|到哪|哪一步|怎么样了|结果了?吗"
                    r"|咋办|怎么办|咋整|是不是|会不会|[?？]|吗\s*$")
# What a case's customer asks after its progress: when it ends, who acts ("那要是15号还没结果呢")
ABOUT_A_CASE = re.compile(r"结果|进度|进展|处理|回复|答复|联系|有人管|到账|赔下来|批下来|结案|办完|弄完|办好|搞定")
# "补齐了以后还要多久": how long the case just told will still take
HOW_LONG_NOW = re.compile(r"(?:还|再)(?:要|得|需要)?(?:等)?(?:多久|多长时间|几天)|什么时候(?:能|会|才)"
                          r"|几时(?:先|能|才)|最[晚迟](?:哪天|什么时候|几号|到)")
# "都四天了还在核验身份？": the step the case was just told to be at, said to last too long
STALLED = re.compile(r"都(?:已经)?[\d一二两三四五六七八九十几]+(?:天|个?星期|周|个?礼拜|个?月)了"
                     r"|(?:还|仍然?)(?:停)?在(?:核验|审核|核实|受理|处理|分析|调查)|怎么还(?:在|没|是)")
# A claim the backend has decided needs no more papers: what the customer asking for documents is told instead.
DECIDED = {
    "已通过": "您的理赔 {number} 已经审核通过，不需要再补交材料了。赔款会转入申请时登记的银行账户，到账后会通知您；"
              "如需更换收款账户，请在赔付前联系我们。",
    "已结案": "您的理赔 {number} 已经结案，不需要再补交材料了。",
}
PROGRESS_FORMS = {"check_claim_progress": "claim_progress_form", "check_complaint_progress": "complaint_progress_form"}
# Entities that make a long message a set of answers (name, phone, numbers) rather than a story.
ANSWER_ENTITIES = {"person_name", "phone", "id_last4", "claim_number", "policy_number", "complaint_number",
                   "appointment_number"}


def runner_up(tracker: Tracker, passed_over: tuple[str, ...] = ("inform", "nlu_fallback")) -> str | None:
    """The intent NLU would have chosen had the message not looked like a bare answer (or whatever `passed_over`
    names)."""
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        if ranked.get("name") not in passed_over:
            return ranked.get("name")
    return None


def closing_reading(tracker: Tracker) -> str | None:
    """The closing (goodbye, thank) among NLU's two likeliest readings after inform and nlu_fallback, if it is
    likely enough: "懂了 谢谢宝" is out of scope at 0.50 and thanks at 0.46."""
    readings = [r for r in tracker.latest_message.get("intent_ranking") or []
                if r.get("name") not in ("inform", "nlu_fallback")][:2]
    return next((r["name"] for r in readings if r.get("name") in CLOSINGS
                 and (r.get("confidence") or 0.0) >= LIKELY_CLOSING), None)


# A message that ends in thanks ("行吧 那我回去跟他说 谢谢啊"), whatever came before it
THANKS_AT_THE_END = re.compile(r"(?:谢谢|多谢|谢了|谢啦|感谢|thx|thanks)[啊呀哈啦你您了喔哦噢!！~～。.\s]*$",
                               re.IGNORECASE)


def thanked(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"You're welcome" to a message that ends in thanks and asks nothing (NLU put "…谢谢啊" on the scam-call topic at
    0.36); None for anything else."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not THANKS_AT_THE_END.search(text) or ASKS.search(text) or (tracker.active_loop or {}).get("name"):
        return None
    dispatcher.utter_message(response="utter_welcome")
    return []


# Asking for an urge now ("那你们赶紧给催一下啊"), not how urging works ("催办有用吗", "怎么催")
URGE_NOW = re.compile(r"(?:给|帮|替)(?:我|俺)?催(?:一下|一催|催|下)?|催(?:一下|一催|催)(?:吧|啊|呀)?\s*$|赶紧催")
URGE_HOW = re.compile(r"怎么催|如何催|催办有用|有用吗|能催吗|可以催吗|会不会")


def runner_up_confidence(tracker: Tracker) -> float:
    name = runner_up(tracker)
    return next((r.get("confidence") or 0.0 for r in tracker.latest_message.get("intent_ranking") or []
                 if r.get("name") == name), 0.0)


async def start_complaint_with_story(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"你们业务员说保证返利，结果根本没有，我希望退还全部保费": a grievance told in one breath reads like the
    answers the complaint form collects (inform), or like nothing NLU is sure of. Start the complaint with it
    rather than lose it: when the message tells a story with a grievance in it, and NLU's best guess after those
    leans to a complaint, or the message opens with the demand, or a firm grievance the policy's types recognise.
    A time in it ("今天必须给我个说法") is part of the story, not a booking. Asking where a case stands, with
    NLU's guess a progress intent, starts that progress question instead."""
    message = tracker.latest_message
    text = message.get("text") or ""
    entities = {e.get("entity") for e in message.get("entities", [])}
    guess = runner_up(tracker)
    # (how a case stands: not "那亏得多吗？我都交了六万多了", nor "想问下还要准备哪些材料")
    if guess in PROGRESS_FORMS and ASKING.search(text) and ASKS_PROGRESS.search(to_simplified(text)):
        return [FollowupAction(PROGRESS_FORMS[guess])]
    asking = ASKING.search(text) and not RHETORICAL.search(to_simplified(text))
    if not is_account(text) or not GRIEVANCE.search(text) or entities & ANSWER_ENTITIES or asking:
        return None
    # NLU leaning to a complaint, or the message demanding ("我要求全额退还保费…") or telling a story the policy's
    # complaint types recognise ("业务员说是存钱的…退保只能拿回一半") though NLU leaned elsewhere
    if guess not in COMPLAINT_LIKE and not DEMAND_FIRST.match(text) and not (
            FIRM_GRIEVANCE.search(text) and await type_in_words(text, longest=None)):
        return None
    return complaint_started(dispatcher, tracker, text)


def complaint_started(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list:
    say(dispatcher, tracker, "听起来您遇到了不愉快的情况，我先帮您把这件事登记为投诉。")
    return [SlotSet(slot, value) for slot, value in complaint_slots(text).items()] + [FollowupAction("complaint_form")]


# Wanting something done now ("想约", "要去"), which a story about a visit that went wrong does not say
WANTS = re.compile(r"想|要|预约|能不能|可以|帮我")


def service_gone_wrong(tracker: Tracker) -> bool:
    """"今儿个下午去恁福田那个柜台办事 那个小妮儿态度可差劲", "说好今天上午给我回电话，到现在鬼影都没一个": a grievance
    about a visit or a call, which names a service (or a branch) and a time, and books nothing."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    named = entities & {"service_type", "branch"} or service_in_words(text)
    return bool(named and FIRM_GRIEVANCE.search(text) and not BOOKING_WORDS.search(text) and not WANTS.search(text))


# The bot offered to register a complaint ("我可以马上为您登记一条新的投诉"), and the customer takes it up in their own
# words, often with the story: "那就重新投 你们说水管爆了算自然磨损…"
OFFERS_COMPLAINT = re.compile(r"[帮为]您登记(?:一条新的)?投诉|登记新的投诉")
TAKES_COMPLAINT = re.compile(r"^(?:那就|那|好的?|行|可以|嗯|对|就)?[\s,，]*(?:重新|再)?(?:投诉|投|登记|立案)"
                             r"(?:吧|一下|一个)?")
STORY_CHARS = 6


def complaint_offer_taken(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """The complaint just offered, taken up: the form starts with the story told beside the yes, if one was."""
    text = to_simplified(tracker.latest_message.get("text") or "").strip()
    if not OFFERS_COMPLAINT.search(turns.last_bot_text(tracker)) or not (taken := TAKES_COMPLAINT.match(text)):
        return None
    return complaint_with(dispatcher, tracker, text[taken.end():], "好的，这就为您登记新的投诉。")


def complaint_with(dispatcher: CollectingDispatcher, tracker: Tracker, story: str, said: str) -> list:
    """The complaint form started, with the words told beside the wish as its story when they tell one."""
    story = story.strip(" ，,。.")
    say(dispatcher, tracker, said)
    told = complaint_slots(story) if len(WORDS.findall(story)) >= STORY_CHARS else {}
    return [SlotSet(slot, value) for slot, value in told.items()] + [FollowupAction("complaint_form")]


# A complaint said with the bare verb, as people do when they have had enough: "投就投", "那就投你们", "我就投"
COMPLAINS_NOW = re.compile(r"投就投|(?:那|就|那就|我就|那我就|我要|我得)投(?:诉)?(?:你们|他们|他|她|吧|一下)(?!保)")


def complaint_said(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"投就投 就投你们理赔拖拉 类型你看着办" (read as an FAQ, unsure): the complaint starts, with the words after the
    verb as its story when they tell one."""
    text = to_simplified(tracker.latest_message.get("text") or "").strip()
    if (tracker.active_loop or {}).get("name") or not (said := COMPLAINS_NOW.search(text)):
        return None
    return complaint_with(dispatcher, tracker, text[said.end():], "好的，这就为您登记投诉。")


async def date_told_about_a_question(tracker: Tracker) -> bool:
    """"合同是11月12号签收的" right after the hesitation-period answer: a date in the customer's story, not a
    booking. Told so by three things: the bot just answered a question, nothing asks to book, and the date is
    out of the booking horizon (a day already past this year reads as next year's)."""
    message = tracker.latest_message
    text = to_simplified(message.get("text") or "")
    if BOOKING_WORDS.search(text) or service_in_words(text) or not faq_answered_last(tracker):
        return False
    horizon = (await get_policy())["appointment"]["horizon_days"]
    latest = dt.datetime.now(SHANGHAI) + dt.timedelta(days=horizon + 1)
    times = [e.get("value") for e in message.get("entities", []) if e.get("entity") == "time"]
    try:
        return bool(times) and all(dt.datetime.fromisoformat(str(t)) > latest for t in times)
    except ValueError:
        return False


async def visit_wanted(tracker: Tracker) -> list | None:
    """booking_asked, for a message NLU read as a question or out of scope: only when it asks to book, or a case is
    in view ("当面问问 广州天河那个" after a claim's progress) — not "北京朝阳支公司附近有什么好吃的"."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    # (a call-back asked as a question, with whom to call: "能不能叫个人给我儿子打电话 …他电话是139…")
    described = service_in_words(text) and entities & {"phone", "time", "person_name"}
    if not (case_in_view(tracker) or BOOKING_WORDS.search(text) or not ASKS.search(text) or described):
        return None
    if GRIEVANCE.search(text) and not BOOKING_WORDS.search(text):
        return None  # "你们公司天天给我打电话 烦死了": calls complained of, not a call-back wanted
    return await booking_asked(tracker)


# "改成这周六上午行不行", "能不能推到下周一": a booking moved, not a new one; so is a day corrected ("搞错了 是下周四")
MOVES = re.compile(r"改(?:成|到|为|约|时间)|换(?:成|到)|推(?:迟|后|到)|提前|挪到|调到|延后|又变了?|(?:晚|早)(?:一)?点"
                   r"|(?:搞|弄|说|记|写|约)错了?|不对|应该是")


# A service described as a wish ("…打给我说一下吧", "麻烦派人上门"), not as something that happened or is complained of
WISHED = re.compile(r"吧|请|麻烦|帮我|让人|叫人|派人|安排|希望|我想|我要|能不能|可不可以")
HAPPENED = re.compile(r"昨天|前天|上次|上回|已经|打过|打了|来过|来了|又打|老是|天天")


def service_asked_for(tracker: Tracker) -> bool:
    """Is the service the message describes asked for ("你们有空的时候打给我说一下吧"), not told of or complained of?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    return bool(WISHED.search(text) and not HAPPENED.search(text) and not GRIEVANCE.search(text))


# "想预约…", "帮我约个…": a booking asked for in so many words
BOOK_OUTRIGHT = re.compile(r"预约|帮我约|想约|要约|约(?:个|一下|一个)(?:时间)?")


def booking_outright(tracker: Tracker) -> bool:
    """Does the message ask outright to book, with where or when, and no question ("预约柜面要带什么" asks one)?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    return bool(BOOK_OUTRIGHT.search(text) and entities & {"branch", "time"} and not ASKS.search(text))


def booking_just_made(tracker: Tracker) -> str | None:
    """The number of the appointment booked in this chat, while it is one of the last few things said."""
    number = tracker.get_slot("appointment_number")
    recent = [text for back in range(3) for text in turns.said(turns.reply(tracker, back))]
    return number if number and any(number in text for text in recent) else None


def booking_moved(tracker: Tracker) -> list | None:
    """"哎等下 周四我得上班 改成这周六上午行不行" right after a booking was made: that booking is moved (the change
    form, verified by the mobile just given), not a second one started."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    if "time" not in entities or not MOVES.search(text) or not booking_just_made(tracker):
        return None
    return [SlotSet("appointment_action", "reschedule"), FollowupAction("appointment_change_form")]


def booking_called_off(tracker: Tracker) -> list | None:
    """"啊等下 明晚我有课 取消吧 不好意思" right after a booking was made: that booking is cancelled (the change form
    confirms it first), whatever NLU made of the message."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not CALLS_OFF.search(text) or not booking_just_made(tracker):
        return None
    return [SlotSet("appointment_action", "cancel"), FollowupAction("appointment_change_form")]


def what_to_bring_to_it(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"需要带什么" right after a booking was made is about that appointment: its answer, whatever NLU made of so
    short a question."""
    if not booking_just_made(tracker) or not WHAT_TO_BRING.search(to_simplified(tracker.latest_message.get("text")
                                                                                or "")):
        return None
    dispatcher.utter_message(response="utter_faq/appointment_documents")
    return []


def faq_answered_last(tracker: Tracker) -> bool:
    """Was the customer's previous message answered from the FAQ?"""
    return turns.intent(turns.message(tracker, 1)) == "faq"


def booking_described(tracker: Tracker) -> list | None:
    """"我今年78了…想让你们来家里一趟，办个改受益人的事": a message NLU could not place, with a booking among its
    two likeliest readings, that describes one service in words (来家里 → a home visit), starts that booking."""
    service = service_in_words(tracker.latest_message.get("text") or "")
    ranked = [r.get("name") for r in tracker.latest_message.get("intent_ranking") or []
              if r.get("name") not in ("inform", "nlu_fallback")]
    if "book_appointment" not in ranked[:2] or not service:  # "能约个电话回访吗" ties faq and booking
        return None
    return [SlotSet("service_type", service), FollowupAction("appointment_form")]


WHY_NOT = re.compile(r"为什么|为啥|咋不|怎么(?:还)?不")  # "为什么一直不给我回电话": a grievance, no call asked for


def call_back_asked(tracker: Tracker) -> list | None:
    """"刚过六点就没人了？？那今晚能打给我不": a call-back asked for with a time to come, or right after the bot offered
    one, starts that booking, however NLU read it; None otherwise ("你们为什么一直不给我回电话" asks no call)."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if service_in_words(text) != "电话回访" or GRIEVANCE.search(text) or WHY_NOT.search(text):
        return None
    timed = latest_entity(tracker, "time") is not None and not only_past_times(tracker)
    if not (timed or "电话回访" in turns.last_bot_text(tracker)):
        return None
    return [SlotSet("service_type", "电话回访"), FollowupAction("appointment_form")]


def change_with_a_number(tracker: Tracker) -> list | None:
    """"取消预约 编号26110388": a number (NLU took it for a phone) with a change of a booking as NLU's close second
    reading starts that change; its form says what a booking number looks like. (A time alone is no booking
    to change: "改做下个礼拜一朝早十点啦" after calling a booking off is a new one.)"""
    change = CHANGES.get(runner_up(tracker))
    numbers = {e.get("entity") for e in tracker.latest_message.get("entities", [])} & {"phone", "appointment_number"}
    if not change or not numbers or runner_up_confidence(tracker) < LIKELY_CHANGE:
        return None
    return [SlotSet("appointment_action", change), FollowupAction("appointment_change_form")]


def faq_instead(tracker: Tracker, floor: float) -> str | None:
    """The FAQ answer for a question NLU read as a bare answer or could not place, when an FAQ was its next guess
    and the topic model is sure enough of the topic: "退保的话钱能全部退回来么？我这份买了三年了" reads as inform
    (the second clause tells), and "通过了？？那钱啥时候到账呀" sits between faq and claim progress."""
    message = tracker.latest_message
    asks = ASKS.search(to_simplified(message.get("text") or ""))
    if runner_up(tracker) != "faq" and not faq_tied(tracker) or not asks:
        return None
    return turns.topic_at(message, floor)


def sure_question(tracker: Tracker) -> str | None:
    """The FAQ answer for a question NLU could not place whose topic the topic model is sure of, whatever NLU's next
    guess ("都要带些啥东西 你慢点说": bot_challenge 0.30, faq 0.19; claim documents 0.70)."""
    message = tracker.latest_message
    asks = ASKS.search(to_simplified(message.get("text") or ""))
    return turns.topic_at(message, topic_confidence.SURE) if asks else None


# A claim status the customer saw and asks about: the answer for that status, however unsure the topic model is of
# the words around it ("我在APP上看到理赔状态写「待补充材料」 这是什么意思" ranks two status topics near 0.2)
STATUS_TOPICS = {"受理中": "claim_status_accepted", "审核中": "claim_status_reviewing",
                 "待补充材料": "claim_missing_documents", "已通过": "claim_status_approved", "已拒赔": "claim_rejected",
                 "已结案": "claim_status_closed"}
MEANING = re.compile(r"什么意思|啥意思|咩意思|乜意思|是什么|是啥|指什么|代表|意味|怎么回事|咋回事|什么情况|啥情况|即系")


# A claim of the customer's own (or a relative's) talked about, not asked about: "我帮我爸问下他车险理赔的事",
# "意外险那个理赔 一直说我材料不全 我早就upload了啊"
OWN_CLAIM = re.compile(r"(?:我|我爸|我妈|我老公|我老婆|我家|家里|他|她|老人)(?:家)?(?:的|那个|那笔|这个|这笔)?"
                       r"[^，。,.!！]{0,8}理赔(?:的事|那个|那件|那笔|案子|进度)?|(?:那个|那笔|这笔|这个)理赔")


# …one already filed ("我老公出车祸了 想理赔" is a claim still to report)
FILED = re.compile(r"理赔的事|那个理赔|那笔|这笔|那件|一直|还没|迟迟|交了|报了|提交了|说我|显示|状态|进度")


def own_claim_told(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """A message about one's own claim that asks nothing NLU could place: its look-up (the form asks for the number
    and checks who asks), rather than a menu. None for anything else."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not (OWN_CLAIM.search(text) and FILED.search(text)) or ASKS.search(text) or case_just_told(tracker):
        return None
    say(dispatcher, tracker, "好的，我来帮您查一下这件理赔。")
    return [FollowupAction("claim_progress_form")]


def status_asked(tracker: Tracker) -> str | None:
    """The answer for the one claim status a question asks the meaning of; None otherwise."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    named = {topic for status, topic in STATUS_TOPICS.items() if status in text}
    return f"utter_faq/{named.pop()}" if len(named) == 1 and MEANING.search(text) else None


TIED = 0.05


LOOK_UPS = ("check_claim_progress", "check_complaint_progress")


def faq_tied(tracker: Tracker) -> bool:
    """Was an FAQ as likely as NLU's first guess? ("昨天已经在网上报了理赔，想问下还要准备哪些材料": claim progress and
    FAQ both 0.48.)"""
    ranked = [r for r in tracker.latest_message.get("intent_ranking") or []
              if r.get("name") not in ("inform", "nlu_fallback")]
    faq = next((r.get("confidence") or 0.0 for r in ranked[:2] if r.get("name") == "faq"), None)
    return faq is not None and bool(ranked) and (ranked[0].get("confidence") or 0.0) - faq <= TIED


# "？？？" (nothing but question marks and the like), which NLU reads as a greeting: after an answer, puzzlement
PUZZLED = re.compile(r"[\s?？!！.。…~～]*[?？][\s?？!！.。…~～]*")


GREETING_CHARS = 10  # longer than "你好，在吗？请问有人吗": a greeting does not run on


class ActionGreet(Action):
    """A greeting — or "？？？" right after an answer, which asks what it meant: about a case just told, what
    stands and what can be done; else an offer to say it another way."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        puzzled = PUZZLED.fullmatch(tracker.latest_message.get("text") or "") and turns.last_bot_text(tracker)
        if puzzled and (case := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, case)
        if puzzled:
            say(dispatcher, tracker, "不好意思，是我刚才没说清楚吗？您可以告诉我哪里不明白，我换个说法解释；"
                "也可以为您转人工客服。", [choice("转人工客服", "request_human")])
            return []
        text = to_simplified(tracker.latest_message.get("text") or "")
        if len(re.findall(r"[\u4e00-\u9fff]", text)) > GREETING_CHARS and ASKS.search(text) and (
                answer := turns.topic_at(tracker.latest_message, topic_confidence.MENU)):
            # "我们兄妹三个，我妈也还在，到底谁有资格去领这个钱？" read as a greeting (0.46): a question, whose
            # likeliest topics are offered (the NLG makes the choice when the topic is unsure)
            dispatcher.utter_message(response=answer)
            return []
        dispatcher.utter_message(response="utter_greet")
        return []


class ActionHandleFallback(WithdrawsHandover):
    """First miss: ask to rephrase with options; two misses in a row: a human takes over. Outside a task, a
    grievance NLU could not place (inform, file_complaint and nlu_fallback all near 0.35) starts the complaint."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        in_task = (tracker.active_loop or {}).get("name")
        if not in_task and (refused := await digits_after_lockout(dispatcher, tracker)) is not None:
            return refused
        if counted := await counting_explained(tracker):
            say(dispatcher, tracker, counted)  # "你算错了吧，周六投诉周六也算一天啊": the count, not "not understood"
            return [FollowupAction(in_task)] if in_task else []
        if not in_task and human_accepted(tracker):  # "好 让人马上联系我" to "…现在为您转接人工客服吗？"
            return await hand_over(dispatcher, tracker, "requested")
        if not in_task and (booking := booking_offer_taken(tracker)) is not None:
            return booking
        if not in_task and SCORE_SAID.search(to_simplified(tracker.latest_message.get("text") or "")):
            return await store_rating(dispatcher, tracker, score_of(tracker))  # "甚好，不胜感激。…本人评五分。"
        if not in_task and (moved := booking_moved(tracker)):
            return moved  # "又变了😂 周五能不能晚点，下午五点" right after a booking was moved
        if not in_task and (sorry := fed_up(dispatcher, tracker)) is not None:
            return sorry  # "你连这个都不知道？" after "I cannot answer that"
        if not in_task and (upset := distress_met(dispatcher, tracker)) is not None:
            return upset
        if not in_task and (other := await other_claim_by_amount(tracker)):
            return other
        if not in_task and (complaint := complaint_offer_taken(dispatcher, tracker)):
            return complaint  # "那就重新投 …" to "…为您登记一条新的投诉"
        if not in_task and (request := await data_request_started(dispatcher, tracker)):
            return request  # "你们存了我哪些资料 给我导一份"
        closing = closing_reading(tracker)
        short = len(tracker.latest_message.get("text") or "") <= CLOSING_CHARS  # not a story that starts politely
        if not in_task and closing and short:
            # "好的謝謝，沒有別的了" torn between goodbye and thanks (0.41 / 0.40): either way a closing, not "not
            # understood" (nor, right after a case's progress, an offer to urge it). Said here: a FollowupAction
            # to the closing's action left the policies predicting it again and again.
            if closing == "goodbye":
                return ask_rating(dispatcher, tracker)
            dispatcher.utter_message(response="utter_welcome")
            return []
        if not in_task and case_in_view(tracker) and (booking := await booking_asked(tracker)):
            return booking  # "那我能不能去你们公司当面问问 广州天河那个" after a claim's progress
        if not in_task and (case := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, case)
        if not in_task and (complaint := complaint_said(dispatcher, tracker)) is not None:
            return complaint
        if not in_task and (grievance := await start_complaint_with_story(dispatcher, tracker)):
            return grievance
        if not in_task and (change := change_with_a_number(tracker)):
            return change
        if not in_task and (booking := booking_described(tracker) or call_back_asked(tracker)):
            return booking
        if not in_task and (moved := booking_moved(tracker) or booking_called_off(tracker)):
            return moved
        if not in_task and (told := what_to_bring_to_it(dispatcher, tracker)) is not None:
            return told
        if not in_task and (look_up := own_claim_told(dispatcher, tracker)) is not None:
            return look_up
        entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        if not in_task and "time" in entities and BOOKING_WORDS.search(to_simplified(
                tracker.latest_message.get("text") or "")):
            return [FollowupAction("appointment_form")]  # "改做下个礼拜一朝早十点啦" after calling a booking off
        if not in_task and (leaning := answer_leaning(dispatcher, tracker)) is not None:
            return leaning  # "呃 买了两年了" right after the hesitation-period answer
        if not in_task and (plan := plan_acknowledged(dispatcher, tracker)) is not None:
            return plan
        if not in_task and (case_form := case_named(tracker)):
            return [FollowupAction(case_form)]  # "lp2026-1028-90106 为什么被拒了": a case number is never a menu
        if not in_task and ASKS.search(to_simplified(tracker.latest_message.get("text") or "")) and (
                again := answered_already(dispatcher, tracker, (last_answer(tracker) or (None,))[0])) is not None:
            return again  # "那亏得多吗？我都交了六万多了" after the surrender answer twice: its gist, and a human
        if not in_task and (answer := status_asked(tracker) or sure_question(tracker)):
            dispatcher.utter_message(response=answer)  # "都要带些啥东西 你慢点说": NLU torn, the topic model sure
            return []
        if not in_task and (answer := faq_instead(tracker, topic_confidence.CHOICE)):
            dispatcher.utter_message(response=answer)  # an unsure topic becomes a choice of questions (bot.nlg)
            return []
        if not in_task and runner_up(tracker) in LOOK_UPS and faq_tied(tracker) and not case_named(tracker) and (
                answer := faq_instead(tracker, topic_confidence.MENU)):
            # "我爸今天住院了…我们有你们家的医疗险 现在要干啥啊": claim progress 0.50 and FAQ 0.48, nothing to look
            # up — the likeliest questions (claim documents 0.11, claim steps 0.09), not "not understood"
            dispatcher.utter_message(response=answer)
            return []
        if (contact := contact_given(dispatcher, tracker)) is not None:
            return contact  # "林美华" after an answer that offered a look-up: what for, not "not understood"
        return await fallback(dispatcher, tracker, domain)


class ActionAnswerFaq(WithdrawsHandover):
    """An FAQ question outside a task (data/rules/conversation.yml). The answer when the topic is clear
    ("审核中是啥意思"); when it is not, what the conversation makes of it: right after a case was told it is about
    that case ("那大概还要多久", "「問題分析」即是甚麼？") — its outlook and the ways to speed it up; a time
    proposed as a question ("明天上午十点。十点。可以吗") books; otherwise the NLG offers the likeliest questions."""

    def name(self) -> str:
        return "action_answer_faq"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        answer = turns.topic(tracker.latest_message)
        utter, sure = answer.get("utter_action"), (answer.get("confidence") or 0.0) >= topic_confidence.ANSWERED
        text = to_simplified(tracker.latest_message.get("text") or "")
        if (request := await data_request_started(dispatcher, tracker)) is not None:
            return request  # "帮我把个人信息删了": not how such a request is made — it is made, here
        if (changed := await policy_change_told(dispatcher, tracker)) is not None:
            return changed  # "福寿终身寿险 P… 身份证后四位5678" after the change-of-details answer
        if (theirs := someone_elses_details(dispatcher, tracker)) is not None:
            return theirs  # "把我爸那个手机号改成我的": only he may
        if URGE_NOW.search(text) and not URGE_HOW.search(text) and tracker.get_slot("verified_case"):
            return [FollowupAction("action_urge")]  # "那你们赶紧给催一下啊" after a verified case: urged, not explained
        if (waiting := agent_awaited_reply(dispatcher, tracker)) is not None:
            # "人呢？？？等半天了" in the queue for an agent; "你们都下班了？…找谁去" after the off-duty notice, however
            # sure the service-hours topic
            return waiting
        if not sure and (upset := distress_met(dispatcher, tracker)) is not None:
            return upset  # "我真的要崩溃了😭😭"
        if (answer.get("confidence") or 0.0) < topic_confidence.SURE and (
                welcome := thanked(dispatcher, tracker)) is not None:
            return welcome  # "行吧 那我回去跟他说 谢谢啊" (the scam-call topic at 0.36)
        if not sure and (call := call_back_asked(tracker)):
            return call  # "那今晚能打给我不" after the call-back was offered
        if (case_form := another_case_proven(tracker)) is not None:
            return [FollowupAction(case_form)]  # "另外LP…101也是我的，同一个手机尾号8001，它显示受理中，…是啥意思？"
        if utter == "utter_faq/claim_documents" and (decided := await claim_decided(tracker)):
            # "那还需要我 submit 什么 documents 吗？" right after an approved claim, however sure the topic: nothing
            # more to hand in (before the case's outlook, which an unsure topic would get)
            say(dispatcher, tracker, DECIDED[decided[1]].format(number=decided[0]))
            return []
        if dated := (await counting_explained(tracker) or await dated_timeline(tracker, utter)
                     or await period_runs_until(tracker, utter) or await limitation_runs_until(tracker, utter)):
            say(dispatcher, tracker, dated)  # "如果我2月3號投訴，最晚幾號會給我結果？": that day's dates, worked out
            return []
        if not sure and (status := status_asked(tracker)):
            dispatcher.utter_message(response=status)
            # "审核中是个啥意思？是不是有人在管了？" right after the claim was told: the word, then its outlook
            case = case_just_told(tracker)
            return await about_the_case_told(dispatcher, tracker, case) if case else []
        if (LEANS.search(text) and ABOUT_A_CASE.search(text) or HOW_LONG_NOW.search(text) or STALLED.search(text)) and (
                case := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, case)  # "那要是15号还没结果呢" after its progress
        if GRIEVANCE.search(text) and (answer.get("confidence") or 0.0) < topic_confidence.SURE and (
                case := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, case)  # "就知道拖" is no question about premiums
        if not sure and (told := what_to_bring_to_it(dispatcher, tracker)) is not None:
            return told
        if not sure and (moved := booking_moved(tracker)):
            return moved  # "刚才那个上门的时间…可否改到大后天同一时间？" right after booking: moved, not booked again
        if (not sure or booking_outright(tracker)) and (booking := await visit_wanted(tracker)):
            return booking  # "想预约去北京朝阳支公司改一下保单上的手机号 这周五下午有空": a sure topic, yet it books
        if not sure and (case := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, case)
        if not sure and (unseen := inside_of_the_case(dispatcher, tracker)) is not None:
            return unseen
        if not sure and (case_form := case_named(tracker)):
            return [FollowupAction(case_form)]  # a case number in an unsure question is that case's look-up
        if not sure and (look_up := own_claim_told(dispatcher, tracker)) is not None:
            return look_up  # "意外险那个理赔 一直说我材料不全 我早就upload了啊"
        if not sure and (complaint := complaint_said(dispatcher, tracker)) is not None:
            return complaint  # "投就投 就投你们理赔拖拉"
        if not sure and (grievance := await start_complaint_with_story(dispatcher, tracker)):
            return grievance  # "你们业务员当初说…保本还有收益 结果…一退才知道要亏一大半": a grievance, not a question
        if (leaning := answer_leaning(dispatcher, tracker)) is not None:
            return leaning  # "那我自己那个寿险呢也是两年吗" after the time limit to claim; "我份寿险买咗三年喇"
        if not sure and clock_time_said(tracker):  # a time of day proposed, not a day named in a question
            return [FollowupAction("appointment_form")]
        if (again := answered_already(dispatcher, tracker, utter)) is not None:
            return again
        dispatcher.utter_message(response=utter or "utter_out_of_scope")
        return []


async def claim_decided(tracker: Tracker) -> tuple[str, str] | None:
    """(number, status) of the claim in view when the backend has it decided: approved, or closed after an
    approval (its documents are done with). Asked again rather than read from the reply, which may be stale."""
    case, token = case_just_told(tracker) or case_in_view(tracker), tracker.get_slot("verification_token")
    if not case or case[0] != "理赔案件" or not token:
        return None
    try:
        progress = await backend().get(f"/api/v1/claims/{case[1]}/progress", token=token)
    except ApiError:
        return None  # the proof lapsed or the backend is away: the general answer is still right
    return (case[1], progress["status"]) if progress["status"] in DECIDED else None


def case_named(tracker: Tracker) -> str | None:
    """The progress form for a claim or complaint number in the message, however the message reads: a case number
    is never out of scope. (A policy number alone may come with any question.)"""
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    return next((form for names, form in CASE_ROUTES if entities & set(names) - {"policy_number"}), None)


def another_case_proven(tracker: Tracker) -> str | None:
    """The look-up of a case named with the digits that prove it, other than the case just told, whatever the
    message asks beside: its progress tells the status and what the status means."""
    entities = tracker.latest_message.get("entities", [])
    numbers = [str(e.get("value")) for e in entities if e.get("entity") in ("claim_number", "complaint_number")]
    if not numbers or tracker.get_slot("verified_case") in numbers:
        return None
    rest = to_simplified(tracker.latest_message.get("text") or "")
    for number in numbers:
        rest = rest.replace(number, " ")  # (the digits of the case number itself prove nothing)
    proof = any(e.get("entity") in ("id_last4", "phone") for e in entities) or bool(
        DIGITS_CUE.search(rest) and LAST_DIGITS.search(rest))
    return case_named(tracker) if proof else None


def ours_after_all(tracker: Tracker) -> str | None:
    """The FAQ answer for a question read as out of scope when an FAQ was NLU's next guess and the topic model is
    sure enough of the topic (topic_confidence.ANSWERED: out-of-scope questions score under 0.1)."""
    message = tracker.latest_message
    if runner_up(tracker, ("out_of_scope", "nlu_fallback")) != "faq" or not ASKS.search(
            to_simplified(message.get("text") or "")):
        return None
    return turns.topic_at(message, topic_confidence.ANSWERED)


class ActionOutOfScope(Action):
    """The honest "I cannot answer that" — unless it is about the case just told ("到底还缺什么 我都交过两次了")."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        form = (tracker.active_loop or {}).get("name")
        if not form and (refused := await digits_after_lockout(dispatcher, tracker)) is not None:
            return refused  # "我就是陈晓明本人啊！…8001 这回总对了吧" after three failed checks
        if not form and (sorry := fed_up(dispatcher, tracker)) is not None:
            return sorry
        if counted := await counting_explained(tracker):
            say(dispatcher, tracker, counted)  # "你算错了吧，周六投诉周六也算一天啊" after the complaint's dates
            return []
        if not form and (told := what_to_bring_to_it(dispatcher, tracker)) is not None:
            return told
        if not form and (waiting := agent_awaited_reply(dispatcher, tracker)) is not None:
            return waiting  # "要等多久啊" after a request for a human was recorded off duty
        if not form and (booking := await visit_wanted(tracker)):
            return booking  # "那我能不能去你们公司当面问问 广州天河那个"
        if not form and (case := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, case)
        if not form and (unseen := inside_of_the_case(dispatcher, tracker)) is not None:
            return unseen  # "为什么超时？具体卡在哪个环节？谁在审？" after the case's outlook
        if not form and (case_form := case_named(tracker)):
            return [FollowupAction(case_form)]  # "开个玩笑别紧张😂 我自己的查一下 LP2026110290101"
        if not form and (leaning := answer_leaning(dispatcher, tracker)) is not None:
            return leaning
        if not form and (plan := plan_acknowledged(dispatcher, tracker)) is not None:
            return plan  # "ok明白了 那我月底发了工资就交"
        if form == "appointment_form" and CALLS_OFF.search(to_simplified(tracker.latest_message.get("text") or "")):
            return []  # "…帮我取消咗佢先": the booking form, resumed next, calls the booking off and says so
        if not form and SCORE_SAID.search(to_simplified(tracker.latest_message.get("text") or "")):
            return await store_rating(dispatcher, tracker, score_of(tracker))  # "一分。太死板。": a rating anyhow
        if not form and (upset := distress_met(dispatcher, tracker)) is not None:
            return upset
        if (welcome := thanked(dispatcher, tracker)) is not None:
            return welcome
        if not form and FIRM_GRIEVANCE.search(to_simplified(tracker.latest_message.get("text") or "")):
            # "你们就是骗子公司": anger before the story, not a question out of scope (firm words only: "拖鞋" is none)
            say(dispatcher, tracker, "非常抱歉给您带来了不好的感受。能跟我说说发生了什么吗？我可以马上为您登记投诉，"
                "会有专人跟进处理；也可以为您转人工客服。",
                [choice("我要投诉", "file_complaint"), choice("转人工客服", "request_human")])
            return []
        if not form and (answer := ours_after_all(tracker)):
            # "物业来关了总阀 泡坏的东西要不要先扔掉" (out of scope 0.97): the topic model is sure it is ours (0.38)
            dispatcher.utter_message(response=answer)
            return []
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


# Only contact details ("林美华", "13900139002", "我叫王芳 电话139…"): nothing is misunderstood, the customer
# offers what a look-up or a booking might need. Taken, and what they are for asked — two "not understood"s would
# hand over a customer for giving a name and a number.
CONTACT = {"person_name", "phone"}
CONTACT_WORDS = re.compile(r"我叫|我是|本人|姓名|名字|手机号?码?|电话号?码?|号码|联系方式"
                           r"|是|的|吧|啊|哦|嗯|好|这个|那个")
CONTACT_REST = 3


def contact_given(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    message = tracker.latest_message
    entities = [e for e in message.get("entities", []) if e.get("entity") != "script"]  # (the normaliser's note)
    if (tracker.active_loop or {}).get("name") or not entities or {e.get("entity") for e in entities} - CONTACT:
        return None
    text = message.get("text") or ""
    for e in sorted(entities, key=lambda e: -(e.get("start") or 0)):
        if e.get("end"):
            text = text[:e["start"]] + " " + text[e["end"]:]
    rest = CONTACT_WORDS.sub("", to_simplified(text))
    if ASKS.search(rest) or len(re.findall(r"[\u4e00-\u9fffA-Za-z]", rest)) > CONTACT_REST:
        return None
    say(dispatcher, tracker, "好的，已记下。请问您想办理什么？查询理赔或投诉进度，请告诉我案件号（LP或TS开头）"
        "或保单号，再核对登记手机号或身份证号的后四位；预约服务、登记投诉，我也可以直接为您办理。",
        [choice("查询理赔进度", "check_claim_progress"), choice("查询投诉进度", "check_complaint_progress"),
         choice("预约服务", "book_appointment"), choice("我要投诉", "file_complaint")])
    return []


class ActionRouteInform(Action):
    def name(self) -> str:
        return "action_route_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        if (refused := await digits_after_lockout(dispatcher, tracker)) is not None:
            return refused
        if dated := await period_runs_until(tracker, turns.topic(tracker.latest_message).get("utter_action")):
            say(dispatcher, tracker, dated)  # "她保单是11月28号才收到的" right after the hesitation-period answer
            return []
        if service_gone_wrong(tracker):
            return complaint_started(dispatcher, tracker, tracker.latest_message.get("text") or "")
        if (theirs := someone_elses_details(dispatcher, tracker)) is not None:
            return theirs  # "…把我爸那个手机号改成我的 13501168274" (inform, a mobile in it)
        if moved := booking_moved(tracker):
            return moved  # "刚才那个上门的时间…可否改到大后天同一时间？" (inform 0.57): that booking moved, no new one
        if (changed := await policy_change_told(dispatcher, tracker)) is not None:
            return changed  # the policy named for the change of details just explained
        if "service_type" in entities and not entities & {"claim_number", "complaint_number"}:
            # "保单P… 我是林美华 想去广州天河那边柜台办": a service to book; the policy number is its context
            return [FollowupAction("appointment_form")]
        described = service_in_words(tracker.latest_message.get("text") or "")
        if described and entities & {"phone", "time", "person_name"}:
            # "那就让人打给我 15011119988": a call-back described, with what it needs
            return [SlotSet("service_type", described), FollowupAction("appointment_form")]
        if described and service_asked_for(tracker):
            # "交了三年了 每年一万二 你们有空的时候打给我说一下吧": asked for, in words — the form asks the rest
            return [SlotSet("service_type", described), FollowupAction("appointment_form")]
        if (request := await data_request_started(dispatcher, tracker)) is not None:
            return request  # "本人林美华，保单P…103，身份证后四位5678。…烦请将联系电话更正为139…" (inform)
        for names, form in CASE_ROUTES:
            if entities & set(names):
                return [FollowupAction(form)]
        if complaint := complaint_offer_taken(dispatcher, tracker):
            return complaint
        if other := await other_claim_by_amount(tracker):
            return other  # "那另外一个12800的呢"
        if (leaning := answer_leaning(dispatcher, tracker)) is not None:
            return leaning  # "买了三年了 年金险" right after the surrender answer
        if change := change_with_a_number(tracker):
            return change
        if form := case_awaiting_proof(tracker):
            return [FollowupAction(form)]
        if (booking := booking_offer_taken(tracker)) is not None:
            return booking  # "行，那就约吧，陈晓明，138…" to the booking offered after a look-up
        # a sure FAQ topic outranks a stray time or service word: "周六开门吗" asks the hours, books nothing
        if answer := faq_instead(tracker, topic_confidence.SURE):
            dispatcher.utter_message(response=answer)
            return []
        text = to_simplified(tracker.latest_message.get("text") or "")
        asks_to_book = BOOKING_WORDS.search(text)
        # a place named in a question books nothing: "今天北京下雪没" (北京 → 北京朝阳支公司)
        merely_named = ASKS.search(text) and not asks_to_book and "service_type" not in entities
        if entities & BOOKING and not merely_named and (booking := await booking_asked(tracker)):
            return booking
        if grievance := await start_complaint_with_story(dispatcher, tracker):  # before the time: "今天必须给我个说法"
            return grievance
        if GRIEVANCE.search(text) and (told := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, told)  # "就知道拖" right after its progress
        if moved := booking_moved(tracker) or booking_called_off(tracker):
            return moved
        if "time" in entities and not asks_to_book and (told := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, told)  # "我要今天之内给我结果" after its progress
        if "time" in entities and await date_told_about_a_question(tracker):
            say(dispatcher, tracker, "好的，明白了。具体到您的日期和情况，如需准确核实，可以为您转人工客服确认。",
                [choice("转人工客服", "request_human")])
            return []
        if "time" in entities and (clock_time_said(tracker) or asks_to_book or not ASKS.search(text)) and not (
                only_past_times(tracker) and not asks_to_book):  # "保费忘交了 上个月20号就该扣的": what happened
            return [FollowupAction("appointment_form")]
        if "time" in entities and (answer := faq_instead(tracker, topic_confidence.ANSWERED)):
            dispatcher.utter_message(response=answer)  # a day in a question books nothing: "周六开门吗"
            return []
        if ASKS.search(text) and (told := case_just_told(tracker)):
            return await about_the_case_told(dispatcher, tracker, told)  # "大概多久给我答复" right after it was filed
        if "appointment_number" in entities:
            say(
                dispatcher,
                tracker,
                "请问您要对这个预约做什么？",
                [choice("取消预约", "cancel_appointment"), choice("改约时间", "reschedule_appointment")],
            )
            return []
        if (look_up := own_claim_told(dispatcher, tracker)) is not None:
            return look_up  # "意外险那个理赔 一直说我材料不全 我早就upload了啊" (inform)
        if (contact := contact_given(dispatcher, tracker)) is not None:
            return contact
        if SCORE_SAID.search(text) and not (tracker.active_loop or {}).get("name"):
            return await store_rating(dispatcher, tracker, score_of(tracker))  # "行吧，3分，希望这次别再拖"
        return await fallback(dispatcher, tracker, domain)
