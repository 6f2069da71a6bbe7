"""Form validation base: polite retries, and never the same question a third time without a way out."""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.types import DomainDict

from actions.common import turns
from actions.common.rating import SCORE_SAID
from actions.common.reply import choice, say
from bot.cantonese import to_mandarin
from bot.script import to_simplified

MAX_SAME_QUESTION = 2
OUTRIGHT = 0.9  # an intent this sure was said outright (ExplicitRequest gives a request clause 0.95)
RETRY_SLOTS = {"retry_slot", "retry_count"}


class BaseFormValidator(FormValidationAction):
    """Subclasses call `self.reject(...)` when a value is unusable."""

    @abstractmethod
    def name(self) -> str:
        """Each concrete form validator names itself validate_<form>."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        latest = tracker.latest_message.get("intent", {})
        if latest.get("name") == "stop" and (latest.get("confidence") or 0) >= OUTRIGHT and self.replying(tracker):
            # "我住朝阳那边……哎算了算了，不约了": a place named in it must not be taken as an answer that keeps the
            # form going. Rejected, the message goes to the rules, which stop the form.
            raise ActionExecutionRejection(self.name(), "the customer gave up the task")
        said_before = len(dispatcher.messages)
        retried = tracker.get_slot("retry_slot"), tracker.get_slot("retry_count")  # rasa_sdk updates the slots
        candidates = dict(tracker.slots_to_validate())  # what Rasa mapped from the message, before validation
        events = await super().run(dispatcher, tracker, domain)
        form_slots = set(self.domain_slots(domain)) | {"retry_slot"}  # not e.g. customer_script, set on every turn
        slot = tracker.get_slot("requested_slot")
        # a question another form asked ("我要投诉…" while the claim's digits were asked) is not this form's
        slot = slot if slot in form_slots else None
        intent = tracker.latest_message.get("intent", {}).get("name")
        # A value for a question the form does not ask yet ("朝阳支公司" before the service is known) is kept
        # by its slot mapping, though rasa_sdk validates only the slots required now: it counts as an answer.
        validated = {e.get("name") for e in events if e.get("event") == "slot"}
        # A value the slot already had is no answer: "去面谈要带啥材料？" names the service again, and taking
        # that for an answer would swallow the question with "好的，已记下。".
        before = values_before_this_turn(tracker)
        news = [e for e in events if e.get("event") == "slot" and before.get(e.get("name"), None) != e.get("value")]
        early = {name for name, value in tracker.slots_to_validate().items()
                 if value is not None and name in form_slots - validated - {slot} and before.get(name) != value}
        answered = bool(early) or any(e.get("name") in form_slots for e in news)
        if slot and not any(e.get("event") == "slot" and e.get("name") == slot for e in events):
            # Taking a value for another question must not reset the count for the one still asked, or a
            # customer who keeps answering beside it would hear it again and again with no way out.
            events = [e for e in events if not (e.get("event") == "slot" and e.get("name") in RETRY_SLOTS)]
        # A reply meant as an answer that gave nothing usable: say so, and the form asks again (counted,
        # so the third time a human or stopping is offered). Without this Rasa would reject the form
        # and the customer would get the generic "not understood" menu in the middle of a task.
        replying = self.replying(tracker)
        asking = bool(slot) and not answered and replying  # a reply to the question asked, with nothing new in it
        quiet = len(dispatcher.messages) == said_before     # no validator has explained anything yet
        text = to_simplified(tracker.latest_message.get("text") or "")
        if asking and slot.endswith("_confirmed") and confirms(text, intent):
            # "確認，謝謝" to the summary reads as thanks; it confirms (the slot maps only the affirm intent). Not
            # "ok 到时候要带啥": a question is answered, and the read-back comes again.
            events = await self.with_value(dispatcher, tracker, domain, events, SlotSet(slot, True))
        elif asking and slot.endswith("_confirmed") and (intent in ("rate", "goodbye") or SCORE_SAID.search(text)):
            # "謝謝，給5分" to the read-back: the customer thinks it is done; it is not submitted yet
            say(dispatcher, tracker, "还差最后一步：信息无误的话请回复“确认”提交；要修改的话直接告诉我。")
            events.append(SlotSet(slot, None))
        elif asking and quiet and restated(candidates, before) and not QUESTION.search(text):
            # "电话回访" when the time is asked and the service is known: nothing new, nothing wrong either
            say(dispatcher, tracker, "好的。")
            events.append(SlotSet(slot, None))
        elif asking and not slot.endswith("_confirmed") and (intent == "rate" and not re.search(r"\d{2}", text)
                                                            or SCORE_SAID.search(text)):
            # (not "0138" to the digits question, which NLU may read as a rating)
            # "好的谢谢 5分" while the mobile is still asked: the customer thinks it is done; it is not yet
            say(dispatcher, tracker, "谢谢您的评价！不过这件事还差一点信息才能办好：")
            events.append(SlotSet(slot, None))
        elif asking and intent == FORM_INTENTS.get(self.form_name()):
            # "我要投诉她" while the complaint is being taken: it is under way — no "not understood" mid-task
            say(dispatcher, tracker, "好的，正在为您办理，我们接着来：")
            events.append(SlotSet(slot, None))
        elif asking and quiet and intent in COURTESY:
            # "谢谢" / "你好" between two questions: answered in kind, then the question again (no retry
            # counted). Left to the rules, the form would be rejected and "还有其他问题吗？" asked mid-task.
            say(dispatcher, tracker, COURTESY[intent])
            events.append(SlotSet(slot, None))
        elif asking and quiet and slot == "id_last4" and (unknown := digits_unknown(tracker)):
            # "亲儿子都查不了？他手机号我哪记得住" (faq 0.87, privacy 0.14): why the digits are needed, not a menu
            say(dispatcher, tracker, unknown, [choice("转人工客服", "request_human")])
            events.append(SlotSet(slot, None))
        elif asking and quiet and (answer := faq_answer(tracker)):
            # "对了，去面谈要带啥材料啊？": a question, answered (the NLG offers a choice when the topic is unsure),
            # then the form's question again, with no retry counted. The rule for an FAQ inside a form does not
            # fire here: the service it names again kept the form from rejecting the message.
            dispatcher.utter_message(response=answer)
            events.append(SlotSet(slot, None))
        elif asking and quiet and intent == "out_of_scope" and QUESTION.search(text):
            # "对了，今天北京天气咋样啊" mid-complaint: not a failed answer, a question we do not answer here
            say(dispatcher, tracker, "抱歉，这个问题我回答不了。我们先把当前的事办完：")
            events.append(SlotSet(slot, None))
        elif asking and quiet and slot in OPTIONAL_SUBJECTS and not re.search(r"\d", text):
            # "行 我等你们电话" to the optional policy number: the customer has moved on — not asked again
            say(dispatcher, tracker, "好的，这一项先不填，提交前的确认信息里还可以补上。")
            events = await self.with_value(dispatcher, tracker, domain, events,
                                           SlotSet(slot, OPTIONAL_SUBJECTS[slot][1]))
        elif asking and quiet and LOOKING.search(text) and not re.search(r"\d{3}", text):
            # "单号我翻一下 他拍照发我了": the customer is fetching the answer — no failed answer counted
            say(dispatcher, tracker, "好的，不着急，找到后直接发给我就行。")
            events.append(SlotSet(slot, None))
        elif asking and quiet and intent in ANSWER_LIKE:
            # (not when a validator has just explained what was wrong: one refusal per reply)
            why = lacks_number(tracker) or "抱歉，我没能从您的回复里找到需要的信息。"
            retry = self.reject(dispatcher, tracker, slot, why)
            events += [SlotSet(name, value) for name, value in retry.items()]
        # The reply filled something else (a time when the address was asked, a corrected phone): say it
        # was taken, or the question that comes again reads as if the reply had been ignored. Counted like a
        # failed answer: a customer who keeps answering beside a question is offered the way out too.
        filled = early | {e.get("name") for e in news if e.get("value") is not None}
        if (slot and slot not in filled and filled & set(self.domain_slots(domain)) and len(dispatcher.messages)
                == said_before and replying):
            if slot.endswith("_confirmed"):  # a change at the read-back is what it invites: not counted
                say(dispatcher, tracker, "好的，已记下。")
            else:
                retry = self.reject(dispatcher, tracker, slot, "好的，已记下。", retried=retried)
                events += [SlotSet(name, value) for name, value in retry.items() if name in RETRY_SLOTS]
        return events

    async def with_value(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                         events: list[EventType], value: EventType) -> list[EventType]:
        """`events` with a slot value set after rasa_sdk chose the next question (or instead of asking it): chosen
        again, or the form would ask for the value it has just been given (the confirmation said with thanks was
        asked for again) — or, with no choice at all, Rasa would take the next slot of the domain's list."""
        tracker.add_slots([value])
        following = await self.next_requested_slot(dispatcher, tracker, domain)
        if following is None:
            return [*events, value]  # Rasa itself picks the next slot for forms with the domain's slot list
        return [*(e for e in events if e.get("name") != "requested_slot"), value, following]

    def replying(self, tracker: Tracker) -> bool:
        """Is the form reading the customer's reply (not resuming after an FAQ answer or a hand-back)?
        Rasa appends the form's own ActionExecuted to the tracker it sends for validation, so the action
        that counts is the one before it."""
        names = [e.get("name") for e in tracker.events if e.get("event") == "action"]
        if names and names[-1] == self.form_name():
            names.pop()
        return (names[-1] if names else tracker.latest_action_name) == "action_listen"

    def reject(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        message: str,
        buttons: list[dict] | None = None,
        retried: tuple[Any, Any] | None = None,
    ) -> dict[str, Any]:
        """Explain the problem; after repeated failures on one slot, offer a human or stopping. (`retried`: the
        retry slot and count as they were before this turn's validators reset them.)"""
        retry_slot, retry_count = retried or (tracker.get_slot("retry_slot"), tracker.get_slot("retry_count"))
        count = int(retry_count or 0) + 1 if retry_slot == slot else 1
        if count >= MAX_SAME_QUESTION:
            message += "\n如果不方便提供，也可以转人工客服为您处理，或者先结束本次办理。"
            buttons = (buttons or []) + [choice("转人工客服", "request_human"), choice("先不办了", "stop")]
        say(dispatcher, tracker, message, buttons)
        return {slot: None, "retry_slot": slot, "retry_count": count}

    @staticmethod
    def accepted(slot: str, value: Any, **extra: Any) -> dict[str, Any]:
        return {slot: value, "retry_slot": None, "retry_count": 0} | extra


def restated(candidates: dict[str, Any], before: dict[str, Any]) -> bool:
    """Did the message only repeat values the form already had (its slot candidates equal to them)?"""
    given = {name: value for name, value in candidates.items() if name not in {"customer_script", "requested_slot"}}
    return bool(given) and all(before.get(name) == value for name, value in given.items())


def faq_answer(tracker: Tracker) -> str | None:
    """The FAQ answer for a question-shaped message read as an FAQ, or one NLU could not place (nlu_fallback)
    while an FAQ topic was still in the running (faq among the two likeliest intents)."""
    message = tracker.latest_message
    text = (message.get("text") or "").strip()
    ranked = [r.get("name") for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    intent = message.get("intent", {}).get("name")
    if not QUESTION.search(text) or not (intent == "faq" or intent == "nlu_fallback" and "faq" in ranked[:2]):
        return None
    return turns.topic(message).get("utter_action")


def values_before_this_turn(tracker: Tracker) -> dict[str, Any]:
    """Slot values as they were before the latest message (Rasa sets the slots it maps from a message right
    after it, before the form runs: those are this turn's, not earlier ones)."""
    return {e.get("name"): e.get("value") for e in turns.before_this_turn(tracker) if e.get("event") == "slot"}


def latest_entity(tracker: Tracker, entity: str) -> dict | None:
    """The last entity of this type in the latest message (with its extractor's extra info)."""
    found = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return found[-1] if found else None


# Intents a customer's answer to a form question may be read as (short replies are often misread).
ANSWER_LIKE = {"inform", "affirm", "deny", "nlu_fallback", "out_of_scope"}

# A summary confirmed in words NLU read otherwise ("確認，謝謝" → thank), and what undoes such a reading.
CONFIRMS = re.compile(r"确认|没问题|没错|对的|是的|可以|提交|就这样|好的|ok|搞掂|搞定|^\s*(?:好|行|嗯|对)"
                      r"|(?:登记|办理?|约|就这么办)(?:吧|啦)|啱晒|冇问题|book咗|就咁(?:啦|吧)|^\s*(?:系|係|系啊|係啊)(?![统列])"
                      # a bare thanks to the read-back: "唔該晒" (set 16) goes ahead, it asks for nothing else
                      r"|^\s*(?:唔该|多谢|谢谢|感谢|thanks?|thx)(?:晒|你|您|啦|了|哈|喔|哦|呀)*[\s!！~～。.]*$",
                      re.IGNORECASE)
# (after the courtesies that only sound negative: "好 麻烦你了 你们上班也不容易", "没错", "不好意思 确认")
NOT_CONFIRMING = re.compile(r"不|别|没对|取消|改|错")
SOUNDS_NEGATIVE = re.compile(r"不容易|不客气|不好意思|不错|没错|辛苦")


# "对，就这么登记吧。多久能给我个说法？": an outright yes, and how long — which the confirmation itself tells
OUTRIGHT_YES = re.compile(r"确认|提交吧|登记吧|就这么(?:办|登记|提交)|就这样(?:吧|登记|提交)")
HOW_LONG_ASKED = re.compile(r"多久|多长时间|几天|什么时候|啥时候|几时")


def confirms(text: str, intent: str | None) -> bool:
    """Does a reply to a read-back (Simplified text) go ahead, whatever NLU read it as ("確認，謝謝" as thanks, "好der
    謝謝喔～" as goodbye)? Not with a no, a change or a question in it — unless the question is how long, beside an
    outright yes (the confirmation says by when)."""
    asks = QUESTION.search(text) and not (OUTRIGHT_YES.search(text) and HOW_LONG_ASKED.search(text))
    return bool(CONFIRMS.search(text)) and not (
        intent in ("deny", "stop") or NOT_CONFIRMING.search(SOUNDS_NEGATIVE.sub("", text)) or asks)

# The request that starts each form: said again while the form runs, it asks for what is under way.
FORM_INTENTS = {"complaint_form": "file_complaint", "appointment_form": "book_appointment",
                "claim_progress_form": "check_claim_progress", "complaint_progress_form": "check_complaint_progress"}
# Courtesies a customer may say between two questions, and what is said back before asking again.
COURTESY = {"thank": "不客气。", "greet": "您好。"}
COURTESY_MAX_CHARS = 10  # "谢谢你们，是这样的，上周…" is an answer that starts politely
CUE_CHARS = 6  # "身份证后四位" / "手机尾号是": the words around verification digits

# Intents that end or redirect a form rather than answer its question.
LEAVING = {"stop", "request_human"}
# "算了" / "不办了" read as stop at ≥ 0.95. "别再打了就行" to "what do you want us to do?" reads as stop at ~0.5:
# to a question answered in the customer's own words, a stop that unsure is the answer, not leaving.
SURE_STOP = 0.8
# Slots whose answer is the customer's own words: a statement there is an answer, not a question.
FREE_TEXT_SLOTS = {"complaint_description", "complaint_demand", "person_name", "address"}
SWITCHING = {
    "book_appointment",
    "file_complaint",
    "check_claim_progress",
    "check_complaint_progress",
    "cancel_appointment",
    "reschedule_appointment",
}
# (…and the A-not-A questions: "还能全退不", "会不会", "有没有"; 没 after a verb: "到账没")
QUESTION = re.compile(r"[？?]\s*$|吗\s*$|呢\s*$|什么|怎么|咋|啥|怎样|如何|多久|多长时间|哪些|哪里|能不能|可不可以|是否"
                      r"|(?<=[能会可要行好是有退赔报])不\s*$|(?<=[了过完])没\s*$|([^不没\s])[不没]\1")
PROGRESS_ASKED = {"check_claim_progress", "check_complaint_progress"}
PROGRESS_WORDS = re.compile(r"有没有人|进度|进展|到哪|哪一步|结果")
IDENTIFIERS = {"phone", "claim_number", "policy_number", "complaint_number", "appointment_number",
               "data_request_number", "id_last4"}
# Case numbers as the backend issues them (api/core/numbering.py): what each form accepts, and what verification
# may be spent on.
CASE_FORMATS = {
    "claim_number": re.compile(r"^LP\d{13}$"),
    "policy_number": re.compile(r"^P\d{13}$"),
    "complaint_number": re.compile(r"^TS\d{8}-\d{4}$"),
    "appointment_number": re.compile(r"^YY\d{8}-\d{4}$"),
    "data_request_number": re.compile(r"^GR\d{8}-\d{4}$"),
}
MOBILE = re.compile(r"1[3-9]\d{9}")
# Four digits standing alone, as verification digits are given ("是6004") — not a year, an amount or a date
LAST_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{3}[0-9Xx](?![0-9A-Za-z年月日号號元块塊点點分万萬天个個次岁歲])")

# Questions the customer may answer with "none" (the form then goes on without the value).
SKIPPABLE_SLOTS = {"complaint_policy_number"}
# 冇 / 唔记得 / 唔知: the Cantonese ones, as the normaliser passes them on
NONE_GIVEN = re.compile(r"^\s*(?:我)?(?:没有|没|无|不涉及|不记得|忘了|不知道|记不清|不清楚|冇|唔记得|唔知)")
# …and anywhere in the message: "理赔号？不知道啊，当时材料都是我爸自己交的", "保单号找不到了，先不填"
NONE_ANYWHERE = re.compile(r"不记得|忘了|不知道|记不清|不清楚|找不[到着见]"
                           r"|[不没]在(?:我)?(?:手|身)(?!机)[边头上]?|手[边头上]没有?"
                           r"|不在我这|没带|不填|不用填|不需要填|免填|唔记得|唔知|唔使填"
                           r"|(?:回头|以后|之后|晚点|稍后)再?(?:补|给|发|提供)")
# Optional questions, the word that names their subject and the value that means "none": "保单号不在手边，
# 不填了" declines the policy number (read as stop), even before it is asked — no reason to drop the complaint.
# ("报单号没有…单号一时找不到": the subject misspelt, or named by its number alone)
OPTIONAL_SUBJECTS = {"complaint_policy_number": (re.compile(r"保单|报单|单号"), "无")}


# "不记得案号了" / "没有单号": the customer cannot give the case number asked for. Say what else works (the
# form then asks again); NLU reads such lines as stop, deny or a lost-policy question alike.
NO_NUMBER_HELP = {
    "claim_number": "没关系，没有理赔案号也能查：把保单号（P开头加13位数字）发给我就可以。",
    "complaint_number": "没关系，投诉编号（TS开头）在投诉受理时的回复和短信里可以找到。",
    "appointment_number": "没关系，预约编号（YY开头）在预约成功时的回复和短信里可以找到。",
    "data_request_number": "没关系，申请编号（GR开头）在申请受理时的回复里可以找到，工作人员核实身份时也会告诉您。",
}
NO_NUMBER_WAY_OUT = "都找不到的话，可以转人工客服，核实身份后帮您查询。"


# "他手机号我哪记得住", "他手机号后四位我不知道啊": the digits are not known to whoever asks (often for a relative)
DIGITS_UNKNOWN = re.compile(r"(?:手机|电话|号码?|后四位|后4位|尾号|身份证)[^，。！？,.!?]{0,6}"
                            r"(?:不知道|不记得|记不住|记不得|哪记得|忘了|不清楚|唔知|唔记得)"
                            r"|(?:不知道|不记得|记不住|记不得|哪记得|忘了|不清楚|唔知|唔记得)[^，。！？,.!?]{0,4}"
                            r"(?:手机|电话|号码?|后四位|后4位|尾号|身份证)")
NO_DIGITS_HELP = ("没有登记手机号或身份证号的后4位，我这边没法查看这件案件，家人朋友也是一样，"
                  "这是为了保护客户的信息安全。您可以请本人来查，或者请本人把后4位告诉您；"
                  "理赔要准备的材料、一般的处理时限这类问题，我现在就可以回答您。")


def digits_unknown(tracker: Tracker) -> str | None:
    """Why the check cannot be skipped and what can be done instead, when the message says the digits are not known
    (None otherwise)."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    return NO_DIGITS_HELP if DIGITS_UNKNOWN.search(text) and not LAST_DIGITS.search(text) else None


# Gone to fetch the answer: "单号我翻一下", "稍等 我去拿保单", "等下我找找"
LOOKING = re.compile(r"翻一下|翻翻|找一下|找找|我找|稍等|等一下|等下|等我|我看看|我查查|我去拿|去拿一下"
                     r"|马上发|这就发|等会发|我翻|查一下再")


def lacks_number(tracker: Tracker) -> str | None:
    """What to tell a customer who says they have no such number (None: the message says something else)."""
    help_text = NO_NUMBER_HELP.get(tracker.get_slot("requested_slot"))
    if not help_text or not _none_given(tracker):
        return None
    return f"{help_text}{NO_NUMBER_WAY_OUT}"


def _none_given(tracker: Tracker) -> bool:
    message = tracker.latest_message
    # read in Mandarin words: "保單號碼我冇喺手" is "保单号码我没在手"
    text = to_mandarin(to_simplified(message.get("text") or "")).strip()
    has_number = any(e.get("entity") in IDENTIFIERS for e in message.get("entities", []))
    said = NONE_GIVEN.match(text) or NONE_ANYWHERE.search(text)
    return bool(said) and not QUESTION.search(text) and not has_number


def says_none(tracker: Tracker) -> bool:
    """"没有保单号" / "不涉及" / "不记得了" to a skippable question: no value, and not a question of its own."""
    return tracker.get_slot("requested_slot") in SKIPPABLE_SLOTS and _none_given(tracker)


def declined_optional(tracker: Tracker, form_slots: list[str]) -> tuple[str, str] | None:
    """(slot, its "none" value) when the message declines an optional question of the form by its subject."""
    text = to_mandarin(to_simplified(tracker.latest_message.get("text") or ""))
    return next(((slot, none) for slot, (subject, none) in OPTIONAL_SUBJECTS.items()
                 if slot in form_slots and not tracker.get_slot(slot) and subject.search(text)
                 and (NONE_ANYWHERE.search(text) or _none_of(subject, text) and not QUESTION.search(text))), None)


def _none_of(subject: re.Pattern, text: str) -> bool:
    """"没有保单号" / "保单号没有" said beside other answers ("王芳 137… 没有保单号"); not "保单没有问题"."""
    return bool(re.search(rf"(?:没有|没|无|冇)(?:什么|啥)?(?:{subject.pattern})", text)
                or re.search(rf"(?:{subject.pattern})号?\s*(?:也|都)?(?:没有?|无|冇)(?![有\s]*(?:问题|错|关系))", text))


def unsure_stop(intent: str | None, confidence: float, slot: str | None) -> bool:
    return intent == "stop" and confidence < SURE_STOP and slot in FREE_TEXT_SLOTS


def free_text(tracker: Tracker, slot: str) -> str | None:
    """The customer's words as the answer to `slot`, unless the message is clearly something else:
    leaving the form, a question (answered by the FAQ, then the form resumes), a new task, or just a number."""
    if tracker.get_slot("requested_slot") != slot:
        return None
    message = tracker.latest_message
    text = (message.get("text") or "").strip()
    intent = message.get("intent", {})
    name, confidence = intent.get("name"), intent.get("confidence") or 0
    if not text or text.startswith("/") or (name in LEAVING and not unsure_stop(name, confidence, slot)):
        return None
    if name in COURTESY and len(text) <= COURTESY_MAX_CHARS:
        return None
    if name == "faq" and QUESTION.search(text):
        return None
    if name == "nlu_fallback" and faq_answer(tracker):  # "等下 我先问问 投诉完多久能有结果": asked, not answered
        return None
    if name in SWITCHING and confidence >= 0.9 and len(text) <= 12:
        return None
    if name in PROGRESS_ASKED and confidence >= 0.9 and (QUESTION.search(text) or PROGRESS_WORDS.search(text)):
        return None  # "说人话 我投诉了到底有没有人管": where a case stands, asked at length — not this case's story
    # just a number or just a time ("后天下午两点" to "which address?"): a value for another slot, not words
    # (a name alone, "何静", answers the name question, not "what happened" or "what do you want")
    kinds = IDENTIFIERS | {"time"} | ({"person_name"} if slot != "person_name" else set())
    spans = [e for e in message.get("entities", []) if e.get("entity") in kinds]
    if spans and sum(e["end"] - e["start"] for e in spans) >= len(re.sub(r"\s", "", text)) - 3:
        return None
    # …or verification digits with their cue ("身份证后四位9876", "手机尾号1234"): for the case asked about before
    proof = [e for e in spans if e.get("entity") in ("id_last4", "phone")]
    if proof and sum(e["end"] - e["start"] for e in proof) >= len(re.sub(r"\s", "", text)) - CUE_CHARS:
        return None
    return text
