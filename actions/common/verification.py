"""Identity checks before a case's details are told. The backend checks, counts and locks; the forms that
end in a case's details (claim and complaint progress, changing an appointment) share what is here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointment_places import BOOK, service_in_words
from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.closing import BYE_BYE, FAREWELL, ask_rating, closes
from actions.common.forms import (
    CASE_FORMATS,
    IDENTIFIERS,
    LAST_DIGITS,
    LOOKING,
    MAX_SAME_QUESTION,
    QUESTION,
    BaseFormValidator,
    confirms,
    digits_unknown,
    latest_entity,
    values_before_this_turn,
)
from actions.common.personal_data import data_request_meant
from actions.common.picks import in_digits
from actions.common.policy import get_policy
from actions.common.rating import SCORE_SAID, score_of, store_rating
from actions.common.reply import choice, say
from actions.follow_ups import policy_change_meant
from actions.handover import case_awaiting_proof, form_left, hand_over
from bot import identifiers, topic_confidence
from bot.identifiers import digits_spoken
from bot.questions import ASKS
from bot.script import to_simplified

CASE_NUMBERS = IDENTIFIERS - {"phone", "id_last4"}
# what says a number is the digits asked for: "尾号", "身份证后四位", "phone last 4 digits"
DIGITS_CUE = re.compile(r"尾|后四|后4|末四|末4|身份证|身份證|手机|手機|电话|電話|last", re.IGNORECASE)
# an amount of money, or a number with "the one": "3200块那个", "一万二的", "5600那筆"
AMOUNT_SAID = re.compile(r"\d+(?:\.\d+)?\s*(?:块|塊|元|蚊|万|萬)|\d+\s*的?\s*(?:那|嗰)\s*(?:笔|筆|单|單|个|個|次)")


def amount_said(text: str) -> bool:
    """Does `text` name an amount, in digits or in words ("一萬二千八那筆", "三千二的那个")?"""
    text = unicodedata.normalize("NFKC", to_simplified(text))
    return bool(AMOUNT_SAID.search(text) or AMOUNT_SAID.search(in_digits(text)))


# "打错了", "输错了", "不对": a correction of what was just given
CORRECTS = re.compile(r"(?:打|搞|输|写|弄|记|说)错|不对")
FAILED = "验证信息不匹配"  # the backend's refusal of digits (api/verification/views.py)


def failed_just_before(tracker: Tracker) -> bool:
    """Were the digits just refused? Then a correction ("打错了 是8001") corrects the digits."""
    return any(FAILED in text for text in turns.said(turns.reply(tracker, 1)))


# Asking how a case stands, not what a claim needs ("想问下还要准备哪些材料") or anything else
ASKS_PROGRESS = re.compile(r"进度|进展|到哪|哪一步|怎么样了|处理得|审核|结果|状态|批了|下来了|LP|TS", re.IGNORECASE)


def question_instead(tracker: Tracker) -> str | None:
    """The FAQ answer for a question a look-up was started by, when it asks no case's progress and the topic is
    clear: "对了 改完以后你们查理赔是不是要用新号码后四位" asks how verification works, not for a claim."""
    message = tracker.latest_message
    text = to_simplified(message.get("text") or "")
    numbers = {e.get("entity") for e in message.get("entities", [])} & (CASE_NUMBERS | {"id_last4", "phone"})
    if numbers or not ASKS.search(text) or ASKS_PROGRESS.search(text) or CASE_REFERRED.search(text):
        return None
    return turns.topic_at(message, topic_confidence.OVER_LOOKUP)


# "上次投诉那个 送的道路救援今天给我开通了 你们那边要我确认啥的": a case of one's own referred to — its look-up,
# whatever the question (privacy 0.44 had been answered)
CASE_REFERRED = re.compile(r"(?:上次|上回|之前|前几天|早前|早先)的?(?:投诉|理赔|报案)"
                           r"|(?:投诉|理赔)的?(?:那个|那件|那笔|那单)")


# Changing a policy's details is not done in chat (the FAQ's answer says where); the policy named for it is told so
CHANGED_IN_PERSON = ("收到。地址、受益人、扣款银行卡这类保单信息的变更需要投保人本人办理，我这里不能直接修改："
                     "可以在官方APP或微信公众号提交，也可以带上本人身份证件（换银行卡请带新卡）到网点柜面一次办好。"
                     "需要的话我现在帮您预约柜面办理。")
PROVEN = "已验证"  # id_last4 when another case of the same customer was verified in this chat: nothing to ask
LOCKED = "验证未通过的次数过多，为保护您的信息安全，暂时无法继续自助查询。"
# A requested slot of None ends the form; the reason tells VerifyingForm to hand over (rasa_sdk also sets the
# requested slot to None when a form is simply complete).
LOCKED_OUT = {"id_last4": None, "requested_slot": None, "handover_reason": "verification_failed"}


@dataclass(frozen=True)
class Verification:
    ok: bool
    token: str | None
    locked: bool
    message: str


async def verify(tracker: Tracker, case_number: str, last4: str) -> Verification:
    """Ask the backend to check `last4` for `case_number` in this conversation."""
    try:
        out = await backend().post(
            "/api/v1/verify", json={"case_number": case_number, "last4": last4, "conversation_id": tracker.sender_id}
        )
    except ApiError as exc:
        return Verification(False, None, exc.status == 429 or bool(exc.detail.get("locked")), exc.message)
    return Verification(True, out["token"], False, "")


async def same_owner(tracker: Tracker, case_number: str) -> str | None:
    """A token for `case_number` when the customer proved another case of theirs in this chat ("那另一笔呢")."""
    token = tracker.get_slot("verification_token")
    if not token:
        return None
    try:
        out = await backend().post(
            "/api/v1/verify/same-owner",
            json={"case_number": case_number, "token": token, "conversation_id": tracker.sender_id},
        )
    except ApiError:
        return None  # another customer's case, or the proof has expired: the digits are asked
    return out["token"]


async def digits_after_lockout(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """Digits typed after the checks of this chat ran out ("我就是陈晓明本人啊！…8001 这回总对了吧"): not checked,
    and why; the agent checks identity. None when the message has no digits or the chat is not locked."""
    if not LAST_DIGITS.search(text_said(tracker)) and not latest_entity(tracker, "id_last4"):
        return None
    if not await locked_out(tracker):
        return None
    tries = (await get_policy())["verification"]["max_attempts_per_conversation"]
    say(dispatcher, tracker, f"理解您着急。这次对话里身份核对已经{tries}次没有通过，为了保护您的信息安全，"
        "我这里不能再核对了，这不是怀疑您本人。人工客服接入后会为您核实身份，核实后就能帮您查询。")
    return []


async def locked_out(tracker: Tracker) -> bool:
    try:
        out = await backend().get("/api/v1/verify/lock", params={"conversation_id": tracker.sender_id})
    except ApiError:
        return False  # the backend refuses the digits itself if it is locked after all
    return bool(out.get("locked"))


async def case_taken(validator: BaseFormValidator, tracker: Tracker, slot: str, number: str) -> dict[str, Any]:
    """The case number accepted, with what proves it: the verified case keeps its proof, another case of the
    same customer gets one without the digits, any other case needs the digits."""
    if tracker.get_slot("verified_case") == number:
        # the case told a moment ago, asked about again: its proof stands (the progress action cleared the digits)
        proven = tracker.get_slot("verification_token") and not tracker.get_slot("id_last4")
        return validator.accepted(slot, number, **({"id_last4": PROVEN} if proven else {}))
    if token := await same_owner(tracker, number):
        return validator.accepted(slot, number, id_last4=PROVEN, verification_token=token, verified_case=number)
    return validator.accepted(slot, number, id_last4=None, verification_token=None)


WORDS = re.compile(r"[\u4e00-\u9fff]")
# A mobile told as the new one: "我手机号换了 新的是…", "换号了", "现在用的是…"
NEW_NUMBER = re.compile(r"换了|换号|换手机|新(?:的|号|手机|电话)|现在用的|改成")
# Digits typed one by one with spaces ("尾号 ７ ０ ０ ３") are one number.
SPACED_DIGITS = re.compile(r"(?<!\d)(?<!\d )\d(?: \d){3,}(?!\d)")


def digits_typed(value: Any) -> str:
    """The text as figures: full-width and spoken digits ("九零零二") as ASCII, spaced digits run together."""
    text = digits_spoken(unicodedata.normalize("NFKC", str(value or "")), 4)
    return SPACED_DIGITS.sub(lambda m: m.group().replace(" ", ""), text)


def same_text(value: Any, text: str | None) -> bool:
    """Is the slot value the whole message (the text mapping's), whatever normalisation the parse applied?"""
    def norm(x: Any) -> str:
        return to_simplified(unicodedata.normalize("NFKC", str(x or ""))).strip()
    return value is not None and norm(value) == norm(text)


async def verify_slot(
    validator: BaseFormValidator,
    value: Any,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    case_number: str | None,
) -> dict[str, Any]:
    """Shared validate_id_last4: the backend checks and counts; locked → the form ends (see VerifyingForm)."""
    # the slot holds the message as typed, the parse its normalised form ("？" → "?", Traditional → Simplified)
    whole = same_text(value, tracker.latest_message.get("text"))
    kinds = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    if whole and kinds & CASE_NUMBERS and not kinds & {"id_last4", "phone"}:
        # "啊输错了，是LP2026110290102": a case number, not the last digits of a phone (the text mapping would
        # take "0102" and spend a verification attempt on it); its own slot takes it
        return {"id_last4": None}
    if value == PROVEN:
        return {}
    text, said = digits_typed(value), digits_typed(tracker.latest_message.get("text"))
    asked = values_before_this_turn(tracker).get("requested_slot") == "id_last4"  # (not a form starting)
    if asked and CORRECTS.search(said) and not DIGITS_CUE.search(said) and not failed_just_before(tracker) and (
            slot := getattr(validator, "case_slot", "")):
        # "打错了 是9001" right after giving the number, before any digits were tried: the number was wrong, not
        # the digits; no attempt is spent on it, and the form asks for the whole number again
        say(dispatcher, tracker, "好的，没关系。请把正确的编号完整地发给我，我重新帮您查询。")
        return {"id_last4": None, slot: None}
    if amount_said(said) and not DIGITS_CUE.search(said):
        # "3200块那个" / "5600那筆" to the digits question (NLU may tag the number as the digits): the claim wanted,
        # not digits, and no attempt spent; once verified, the policy's claim of that amount is the one told
        say(dispatcher, tracker, "好的，记下了您要查的那一笔。查看之前需要先核对身份：")
        return {"id_last4": None}
    if NEW_NUMBER.search(said) and re.search(r"1[3-9]\d{9}", re.sub(r"[\s-]", "", said)):
        # "我手机号换了 新的是150…" to the digits question: a new number is no proof of the registered one
        say(dispatcher, tracker, "好的。核对身份要用原来登记的手机号或身份证号的后4位；更换登记的手机号需要先核实"
            "身份，可以到网点柜面办理，或由人工客服为您核实后更新。", [choice("转人工客服", "request_human")])
        return {"id_last4": None}
    if whole and not kinds & {"id_last4", "phone"}:
        # digits in a sentence count only as a number of their own ("尾号是9002"), not pieces of an address
        # or a date run together ("望京西园三区301号楼2单元502" is no "2502")
        if not re.fullmatch(r"[\d\sXx-]+", text.strip()):
            runs = LAST_DIGITS.findall(text)
            text = runs[-1] if runs else re.sub(r"\d", "", text)
    digits = re.sub(r"[^0-9X]", "", text.upper())[-4:]
    if not re.fullmatch(r"\d{3}[\dX]", digits) and (unknown := digits_unknown(tracker)):
        return validator.reject(dispatcher, tracker, "id_last4", unknown)
    if not re.fullmatch(r"\d{3}[\dX]", digits):
        if len(digits) < 3 and len(WORDS.findall(str(value or ""))) >= 4:
            # "加急就是这个效率？？" instead of the digits: why they are needed, not a format lesson
            return validator.reject(dispatcher, tracker, "id_last4", "理解您着急的心情。查看和催办案件都需要先核对"
                                    "身份，这是为了保护您的信息安全，核对后我马上为您处理。")
        return validator.reject(dispatcher, tracker, "id_last4", "请输入手机号或身份证号的最后4位（例如 5678）。")
    if not any(form.match(str(case_number or "")) for form in CASE_FORMATS.values()):
        return {"id_last4": None}  # no case yet, or one its own validator refuses: nothing to spend an attempt on
    result = await verify(tracker, case_number, digits)
    if result.ok:
        return validator.accepted("id_last4", digits, verification_token=result.token, verified_case=case_number)
    if result.locked:
        return dict(LOCKED_OUT)
    return validator.reject(dispatcher, tracker, "id_last4", result.message)


# "那帮我约广州天河 下周二下午两点": a branch named with a word that books
BOOKS = re.compile(rf"{BOOK}|安排|订|定个")


async def booking_instead(tracker: Tracker) -> bool:
    """Does the message ask for a booking rather than answer (the intent, a service named, or a branch named with a
    word that books)?"""
    offered = (await get_policy())["appointment"]
    service, branch = latest_entity(tracker, "service_type"), latest_entity(tracker, "branch")
    text = tracker.latest_message.get("text") or ""
    booking = tracker.latest_message.get("intent", {}).get("name") == "book_appointment"
    visit = bool(branch and branch.get("value") in offered["branches"]) and bool(BOOKS.search(to_simplified(text)))
    named = bool(service and service.get("value") in offered["service_types"])
    # "你让人晚上六点到七点之间给我打个电话吧" to the digits question: a call-back wished for, with its time
    called = bool(latest_entity(tracker, "time")) and service_in_words(to_simplified(text)) == "电话回访"
    return booking or visit or named or called


# Where a case stands, asked: "想问问我那个投诉TS…有进展没", "查一下我的理赔LP…"
STANDING_ASKED = re.compile(r"进度|进展|到哪|怎么样了|咋样了|查一下|查查|查下|查个|查一查|帮我查|有结果|处理得?怎么样")
CASE_FORMS = {"claim_number": "claim_progress_form", "complaint_number": "complaint_progress_form"}


def case_asked_first(tracker: Tracker) -> str | None:
    """The look-up form of the case the message names and asks about, beside a booking it also asks for: the number
    is at hand, so the look-up comes first and the booking is offered after it (case_context.also_asked)."""
    if not STANDING_ASKED.search(text_said(tracker)):
        return None
    named = [e.get("entity") for e in tracker.latest_message.get("entities", []) if e.get("entity") in CASE_FORMS]
    return CASE_FORMS[named[0]] if named else None


# What a look-up says as it gives way to a booking; the progress action that follows then books instead
BOOKING_FIRST = ("好的，为您预约当面办理。", "好的，先为您办理预约，案件进度稍后随时可以再查。")


async def booking_next(tracker: Tracker) -> bool:
    """Is a booking what comes after a look-up that ended without a case (a booking asked, or a meeting wished)?
    (One the look-up gave way to, with a case verified before, is the progress actions' own check: BOOKING_FIRST.)"""
    return await booking_instead(tracker) or meeting_wished(tracker)


def digits_retried(tracker: Tracker, own_form: str) -> str | None:
    """The form of the case whose digits were just refused, when the digits tried again ("哎呀说反了说反了 是8001")
    were read as another look-up (check_complaint_progress 0.48): that case takes them, not a new look-up."""
    form = case_awaiting_proof(tracker) if failed_just_before(tracker) else None
    return form if form and form != own_form else None


def handed_on(tracker: Tracker, own_form: str) -> list[EventType] | None:
    """What a claim or complaint progress action does when its form gave way (VerifyingForm.run) to something
    else: a booking ("先约上门吧…"), a personal-data request's look-up ("刚才那个申请 查下进度"), or the case whose
    digits were just refused ("哎呀说反了 是8001"). None when the form ran its course."""
    if turns.last_bot_text(tracker) in BOOKING_FIRST:
        return [SlotSet("id_last4", None), FollowupAction("appointment_form")]
    if data_request_meant(tracker):
        return [SlotSet("id_last4", None), FollowupAction("data_request_progress_form")]
    if other := digits_retried(tracker, own_form):
        return [SlotSet("id_last4", None), FollowupAction(other)]
    return None


IN_PERSON = ("理赔面谈", "柜面办理", "上门服务")


def meeting_wished(tracker: Tracker) -> bool:
    """"想找你们理赔的人当面聊聊 我那个住院的能赔多少": a meeting in person described, no case named — a booking, though
    NLU read a claim question (a call-back described may as well be a grievance: "没人给我回电话")."""
    numbers = {e.get("entity") for e in tracker.latest_message.get("entities", [])} & CASE_NUMBERS
    return not numbers and service_in_words(tracker.latest_message.get("text") or "") in IN_PERSON


PUT_OFF = ("好的，那先不核对了。没有核对身份，我没法查看或催办这件案件；您方便时把登记手机号或身份证号的后4位发给我，"
           "我马上接着办；也可以转人工客服，由专人核实后为您处理。")


def put_off(tracker: Tracker, events: list[EventType]) -> bool:
    """Has the digits question now gone unanswered a third time, with words rather than digits?"""
    counts = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "retry_count"]
    asked = tracker.get_slot("requested_slot") == "id_last4" and tracker.get_slot("retry_slot") == "id_last4"
    digits = re.search(r"\d{3}", tracker.latest_message.get("text") or "")
    return asked and not digits and bool(counts) and int(counts[-1] or 0) > MAX_SAME_QUESTION


async def policy_change_told(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The policy named for the change of details just explained, however NLU read the message (a claim look-up, or
    the verification FAQ at 0.64): how the change is made, not its claims — its digits checked all the same, so that
    a booking next is offered the records' contact. None when no such policy is named."""
    if not policy_change_meant(tracker):
        return None
    policy = str((latest_entity(tracker, "policy_number") or {}).get("value") or "").upper()
    digits = digits_beside(tracker)
    proof = await verify(tracker, policy, digits) if policy and digits else None
    say(dispatcher, tracker, CHANGED_IN_PERSON, [choice("预约柜面办理", "book_appointment", service_type="柜面办理")])
    return [SlotSet("verification_token", proof.token), SlotSet("verified_case", policy)] if proof and proof.ok else []


# Said once a whole ID or bank-card number has been typed in the chat: only the last four are ever needed.
WHOLE_NUMBER_SHARED = ("温馨提示：为了您的信息安全，请不要在聊天中发送完整的身份证号或银行卡号，核对身份只需要后四位。"
                       "转给人工客服的聊天记录会自动隐去这些号码。")


def sensitive_in(tracker: Tracker) -> list[identifiers.Identifier]:
    """Whole ID and bank-card numbers in the latest message."""
    return [i for i in identifiers.find(tracker.latest_message.get("text") or "") if i.label in identifiers.SENSITIVE]


def whole_id_digits(tracker: Tracker) -> str | None:
    """The last four of a whole ID number pasted in the message: they are the proof, whatever else is around it (a
    bank card's groups of four are not)."""
    return next((i.value[-4:] for i in sensitive_in(tracker) if i.label == identifiers.ID_NUMBER), None)


def digits_beside(tracker: Tracker) -> str | None:
    """The last digits said beside the case number they prove ("TS20261121-9005，7003"): the digits outside every
    identifier the NLU tagged (its own id_last4 tag, when there is one), or a whole ID number's last four."""
    text, found = tracker.latest_message.get("text") or "", tracker.latest_message.get("entities", [])
    if whole := whole_id_digits(tracker):
        return whole
    if tagged := next((str(e.get("value")) for e in found if e.get("entity") == "id_last4"), None):
        return tagged
    spans = [(e["start"], e["end"]) for e in found if e.get("entity") in IDENTIFIERS
             and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    spans += [(i.start, i.end) for i in sensitive_in(tracker)]  # (a bank card's groups are no proof)
    if len(spans) < len([e for e in found if e.get("entity") in IDENTIFIERS]) or any(
            e.get("entity") == "phone" for e in found):
        return None  # (an identifier without its place in the text, or a mobile rather than digits)
    rest = "".join(" " if any(a <= k < b for a, b in spans) else c for k, c in enumerate(text))
    rest = OTHER_PHONE.sub(lambda m: " " * len(m.group()), rest)  # "电话 +852 9123 4478": its end is no proof
    if amount_said(rest) and not DIGITS_CUE.search(rest):
        return None  # "那第一个呢 3200那个": the claim of that amount, no digits (its proof stands or is asked)
    rest = ONE_BY_ONE.sub(lambda m: m.group().replace(" ", ""), rest)  # "手机尾号 8 0 0 1" (read out one by one)
    match = LAST_DIGITS.search(rest)
    return match.group() if match else None


# A phone number NLU does not tag (not a mainland mobile): "+852 9123 4478", "0755-8888 1234"
OTHER_PHONE = re.compile(r"\+\s*\d[\d\s-]{6,}\d|(?<![\d-])\d{3,4}[\s-]\d{3,4}[\s-]?\d{4}(?!\d)")
ONE_BY_ONE = re.compile(r"(?<!\d)\d(?: \d){3}(?!\d)")


def text_said(tracker: Tracker) -> str:
    return to_simplified(tracker.latest_message.get("text") or "")


# NLU's goodbye below this, on a question, is no farewell: "那起码告诉我这个案子还在不在吧 别是被撤了" (goodbye 0.43)
SURE_GOODBYE = 0.6


def asked_not_leaving(tracker: Tracker) -> bool:
    """A question, or digits ("最后一次 我刚问到了 8001 这回肯定对"), read unsurely as a goodbye (with no word of
    farewell in it)."""
    intent, text = tracker.latest_message.get("intent", {}), text_said(tracker)
    return intent.get("name") == "goodbye" and (intent.get("confidence") or 0) < SURE_GOODBYE and bool(
        QUESTION.search(text) or re.search(r"\d{4}", text)) and not FAREWELL.search(text)


class VerifyingForm(BaseFormValidator):
    """A form that ends in a case's details. Once the conversation is locked out of verification (three wrong
    answers), it hands over to a human, both when the last attempt fails and when such a form starts again,
    instead of asking for digits that would only be refused."""

    case_slot = ""

    async def validate_id_last4(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return await verify_slot(self, value, dispatcher, tracker, tracker.get_slot(self.case_slot))

    async def extract_id_last4(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
                               ) -> dict[str, Any]:
        if whole := whole_id_digits(tracker):
            return {"id_last4": whole}  # a whole ID number pasted: its last four, not a tag on a card's digits
        # "哦打错了 是6004" starting the form (the case was named earlier): digits the NLU left untagged
        if tracker.get_slot("requested_slot") not in (None, self.case_slot, "policy_number") or tracker.get_slot(
                "id_last4"):
            return {}
        found = tracker.latest_message.get("entities", [])
        if any(e.get("entity") in ("id_last4", "phone") for e in found):
            return {}  # (the proof already tagged)
        digits = digits_beside(tracker)
        return {"id_last4": digits} if digits else {}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # starting: no question of this form's asked yet (another form's may be: a look-up asked for mid-booking)
        if sensitive_in(tracker):
            say(dispatcher, tracker, WHOLE_NUMBER_SHARED)
        own = domain.get("forms", {}).get(self.form_name(), {}).get("required_slots", [])
        starting = tracker.get_slot("requested_slot") not in [*own, "policy_number"]
        digits = re.search(r"\d", re.sub(BYE_BYE, "", tracker.latest_message.get("text") or ""))
        intent = tracker.latest_message.get("intent", {})
        thanked = intent.get("name") == "thank" and (intent.get("confidence") or 0) >= SURE_GOODBYE and bool(
            FAREWELL.search(text_said(tracker))) and not LOOKING.search(text_said(tracker))
        # "知道了，謝謝" to the digits question of a case the customer cannot prove: the chat ends, not the question
        leaving = closes(tracker) and not asked_not_leaving(tracker) or thanked
        # "好 晚安" to a cancellation's read-back: a yes with the goodbye — the change is made first
        said_yes = str(tracker.get_slot("requested_slot")).endswith("_confirmed") and confirms(
            text_said(tracker), intent.get("name"))
        if not starting and self.replying(tracker) and leaving and not digits and not said_yes:
            # "好的謝謝，沒有別的了" to the policy's claims listed (or to the digits question): the customer is done.
            # The lookup ends with the chat; the list had come again after every closing word.
            return [*ask_rating(dispatcher, tracker), SlotSet("requested_slot", None), SlotSet("id_last4", None)]
        rating = tracker.latest_message.get("intent", {}).get("name") == "rate" or SCORE_SAID.search(
            text_said(tracker))
        # (a look-up's: not a booking's change and its read-back)
        look_up = self.case_slot in ("claim_number", "complaint_number") and not re.search(r"\d{3}", text_said(tracker))
        if look_up and not starting and self.replying(tracker) and rating:
            # "⭐⭐⭐ 三颗星吧 主要钱还没到手" to the digits question: the customer is done; the look-up waits
            say(dispatcher, tracker, "好的，这次先不查了；需要时把后四位发给我，随时接着为您查。")
            return [*await store_rating(dispatcher, tracker, score_of(tracker)), *form_left(self.form_name())]
        asked = tracker.get_slot("requested_slot") in ("id_last4", self.case_slot, "policy_number")
        wish = starting and self.case_slot != "appointment_number" and meeting_wished(tracker)
        if asked and self.replying(tracker) and await booking_instead(tracker) or wish:
            # "先约上门吧 下周二上午 …" to the digits question, or "那帮我约广州天河 下周二下午两点" to the claim's
            # number: that first — the progress action hands it on (handed_on)
            say(dispatcher, tracker, BOOKING_FIRST[0] if wish else BOOKING_FIRST[1])
            return [SlotSet("requested_slot", None), SlotSet("id_last4", None)]
        if not tracker.get_slot(self.case_slot) and digits_retried(tracker, self.form_name()):
            # (not only when starting: the digits question of the case refused is still the requested slot)
            return [SlotSet("requested_slot", None)]  # the progress action hands them on to their case
        if starting and self.case_slot in ("claim_number", "complaint_number") and data_request_meant(tracker):
            return [SlotSet("requested_slot", None)]  # the progress action hands it on (handed_on)
        if starting and self.case_slot == "claim_number" and (changed := await policy_change_told(
                dispatcher, tracker)) is not None:
            return [SlotSet("requested_slot", None), SlotSet("id_last4", None), *changed]
        if starting and self.case_slot != "appointment_number" and (answer := question_instead(tracker)):
            dispatcher.utter_message(response=answer)  # the progress action then has no case: it says nothing
            return [SlotSet("requested_slot", None)]
        if starting and await locked_out(tracker):
            events: list[EventType] = [SlotSet(name, value) for name, value in LOCKED_OUT.items()]
        else:
            events = await super().run(dispatcher, tracker, domain)
            if put_off(tracker, events):
                # asked three times, and three times answered with something else ("我不管 今天之内必须给我个答复"):
                # the question is not asked a fourth time; the way back and a human stay open
                say(dispatcher, tracker, PUT_OFF, [choice("转人工客服", "request_human")])
                return [*events, SlotSet("requested_slot", None), SlotSet("retry_slot", None),
                        SlotSet("retry_count", 0)]
            if SlotSet("handover_reason", LOCKED_OUT["handover_reason"]) not in events:
                return events
        case = tracker.get_slot(self.case_slot) or tracker.get_slot("policy_number") or "（未提供）"
        say(dispatcher, tracker, LOCKED)
        summary = f"案件 {case} 身份验证多次失败"
        handed = await hand_over(dispatcher, tracker, LOCKED_OUT["handover_reason"], summary=summary)
        return [*events, *handed, SlotSet("handover_reason", None)]
