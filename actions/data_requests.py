"""Requests about one's own personal data (RULES §7: see, correct or delete it): registered as a case in the backend,
which verifies the customer's identity by phone before anything is shown, changed or deleted."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.contact import ContactFormValidator, shown_name, shown_phone
from actions.common.format import deadline
from actions.common.forms import CASE_FORMATS, LAST_DIGITS, MOBILE, values_before_this_turn
from actions.common.personal_data import OWN_DATA, STANDING, data_request_meant
from actions.common.policy import get_policy, quoted_numbers
from actions.common.reply import choice, say
from actions.common.verification import VerifyingForm, case_taken, verify
from bot.script import to_simplified
from bot.topic_confidence import CHOICE

PRIVACY_TOPIC = "faq/privacy"
# What is asked for, by kind (the backend's vocabulary): a deletion is named first, as "删掉…改的那些" deletes
KIND_WORDS = (
    ("删除", re.compile(r"删|注销|清除|清空|销毁|抹掉|抹去|去掉|不要(?:再)?保留|别(?:再)?保存|彻底移除")),
    ("更正", re.compile(r"更正|改正|纠正|修正|写错|登记错|录错|填错|有误|不准确|(?<!对)不对(?!不)|更新")),
    ("查询", re.compile(r"查询|查阅|查一下|查查|查看|看看|看一下|核对|(?<!领)导出|调取|调出|复印|副本|拷贝"
                        r"|(?:先|想|要)查(?!进度)"
                        r"|给我一份|发我一份|提供(?:一份|给我)|(?:存|保存|收集|留)(?:了|着)(?:我)?(?:哪些|什么|多少)|都有(?:哪些|什么)")),
)
# One's own details on record, named: "联系电话", "本人的手机号码", "我的地址"
OWN_DETAIL = re.compile(r"联系电话|联系方式|(?:本人|我)的?(?:手机号?码?|电话号?码?|地址|姓名|名字|身份证号?)")
KIND_CHOICES = {"查询": "查看/获取我的个人信息", "更正": "更正我的个人信息", "删除": "删除我的个人信息"}
# A question about how data is kept or shared ("你们会把我的信息提供给别人吗"): the privacy answer, no request
# …or who may see it, or how a request would go one day ("假如以后我想让你们把我的数据删了 大概是个什么流程")
ABOUT_HANDLING = re.compile(r"会不会|会.{0,12}吗|泄露|泄漏|外泄|卖给|第三方|给别人|安全吗|加密"
                            r"|谁(?:能|可以|会)|哪些人|什么人|(?:什么|啥|怎样的)流程|流程是|怎么申请|假如|万一|以后(?:我)?(?:想|要)"
                            # …or said to be only a question ("这个不用删，只是问问"), or how long data is kept
                            r"|只是问|仅是?询问|随便问|问问而已|(?:不用|不必|无需)(?:另行)?登记|(?:保存|保留|存)多久")
# A kind said only to be ruled out: "这个不用删", "不要改", "那先不删了"
NEGATED_KIND = re.compile(r"(?:不用|不要|别|不必|无需|不需要|不)(?:帮我)?(?:删|注销|清除|改|更正|查)")
# Whose data: someone else's needs that person's own request (or a human who checks the authority)
RELATIVE = r"(?:我|他|她)(?:老公|老婆|爸爸|妈妈|爸|妈|父亲|母亲|儿子|女儿|家人|老人|朋友|同事)"
OTHERS = re.compile(rf"{RELATIVE}|别人的|他人的")


# Someone else's details to be changed: "把我爸那个手机号改成我的", "帮我妈把地址改一下"
OTHERS_DETAILS = re.compile(rf"{RELATIVE}(?:家)?(?:那个|的|这个)?"
                            r"(?:手机号|手机|电话|号码|联系方式|地址|银行卡|卡号|受益人|信息|资料)")
CHANGES = re.compile(r"改|换|更新|变更|更正")


def someone_elses_details(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """A relative's details asked to be changed on their behalf: only the person may (RULES §7: personal data is
    corrected at its owner's request, after their own identity check). None for anything else."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not (OTHERS_DETAILS.search(text) and CHANGES.search(text)):
        return None
    say(dispatcher, tracker, "为保护个人信息安全，保单上的手机号、地址等信息只能由本人申请变更：请家人本人在官方APP或"
        "微信公众号提交，或带本人身份证件到网点柜面办理；本人联系我们并核实身份后也可以办理。您的号码我没法替他人更换。"
        "如果只是想接收这件事的进展，可以留下您的号码，由人工客服跟进时联系您。",
        [choice("转人工客服", "request_human")])
    return []


def request_asked_about(tracker: Tracker) -> bool:
    """Does the message ask how a personal-data request stands (rather than make a new one)?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    named = any(e.get("entity") == "data_request_number" for e in tracker.latest_message.get("entities", []))
    return data_request_meant(tracker) and (named or bool(STANDING.search(text)))


# A clause that says what the customer wants done now: "我想查一下", "那就先查吧"
WISHED = re.compile(r"^(?:好|行|那|那就|就)*(?:我|我们)?(?:想|要|希望|请|麻烦|帮我|先)")
CLAUSES = re.compile(r"[^，,。.!！？?；;\s]+")


def kind_in(text: str) -> str | None:
    """The kind of data request the words ask for, if they name one (not one ruled out: "这个不用删"). The kind
    wished for in a clause of its own wins: "听说…不用的还能让删掉，是真的吗？我想查一下" asks to see the data."""
    text = NEGATED_KIND.sub(" ", text)
    wished = " ".join(clause for clause in CLAUSES.findall(text) if WISHED.match(clause))
    return next((kind for part in (wished, text) for kind, words in KIND_WORDS if part and words.search(part)), None)


def data_request_asked(tracker: Tracker) -> str | None:
    """The kind of request when the latest message asks to see, correct or delete the customer's own personal data
    ("把我的个人信息全部删掉"), read as the privacy topic or said in so many words; None otherwise. Changing a policy's
    details (a new mobile, another beneficiary) is a policy service, not this; nor is asking how a request stands
    ("我那个删除申请GR… 办到哪了")."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    kind = kind_in(text)
    if not kind or OTHERS.search(text) or ABOUT_HANDLING.search(text) or request_asked_about(tracker):
        return None
    topic = turns.topic(tracker.latest_message)
    # (the topic model's first guess counts only when it is a real guess: "…领导出来说话" has 导出 and a privacy topic
    # at the bottom of the ranking)
    on_topic = topic.get("intent_response_key") == PRIVACY_TOPIC and (topic.get("confidence") or 0) >= CHOICE
    corrected = kind == "更正" and OWN_DETAIL.search(text)  # "烦请将联系电话更正为139…": one's own record put right
    return kind if on_topic or OWN_DATA.search(text) or corrected else None


def start_slots(tracker: Tracker, kind: str) -> list:
    """What the form starts with: the kind, and the customer's words as the request's details."""
    return [SlotSet("data_request_kind", kind),
            SlotSet("data_request_details", (tracker.latest_message.get("text") or "").strip()[:500])]


# Numbers typed into this chat, asked to be wiped: "刚才发的身份证和卡号 你们能删掉吗"
TYPED_HERE = re.compile(r"(?:刚才|刚刚|之前|上面|前面|我)(?:发|打|输|填|给|贴)(?:的|了|过|出去|上来|进来)"
                        r"|聊天(?:记录)?(?:里|中)|对话(?:里|中)")
NUMBER_WORDS = re.compile(r"身份证|卡号|银行卡|号码|证件号|账号")
# What happens to them, said as it is: masked where people read the chat, erased only through a deletion request
TYPED_NUMBERS_KEPT = (
    "理解您的担心。转给人工客服的聊天记录里，完整的身份证号和银行卡号会自动隐去，客服看不到全号；"
    "对话记录由系统保存，只有经过授权的人员才能查看。聊天里发出的消息我没法直接撤回或删除。"
    "如果希望删除，可以提交个人信息删除申请，工作人员电话核实身份后在{days}个工作日内答复（依法必须保存的记录除外）。"
    "需要我现在帮您登记吗？")


async def typed_numbers_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """Numbers the customer typed here, asked to be deleted: how they are kept, and the way to have them erased (a
    deletion request, offered), never "deleted already". None for anything else."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if kind_in(text) != "删除" or not TYPED_HERE.search(text) or not NUMBER_WORDS.search(text):
        return None
    days = quoted_numbers(await get_policy())["data_request_days"]
    say(dispatcher, tracker, TYPED_NUMBERS_KEPT.format(days=days),
        [{"title": "登记删除申请", "payload": "请帮我登记删除我的个人信息"}, choice("不用了", "deny")])
    return []


async def data_request_started(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """Starts the request form for a message that asks to see, correct or delete the customer's own data; None when
    it does not."""
    if (tracker.active_loop or {}).get("name"):
        return None
    if (typed := await typed_numbers_asked(dispatcher, tracker)) is not None:
        return typed
    if request_asked_about(tracker):
        return [FollowupAction("data_request_progress_form")]  # how a request stands: its look-up
    kind = data_request_asked(tracker)
    if not kind:
        return None
    proof = any(e.get("entity") in PROOF_NUMBERS for e in tracker.latest_message.get("entities", []))
    say(dispatcher, tracker, f"可以的，您有权{KIND_CHOICES[kind].replace('我的', '自己的')}。我先为您登记申请"
        + ("。" if proof else "，需要您的姓名和手机号，用于工作人员核实身份。"))
    return start_slots(tracker, kind) + [FollowupAction("data_request_form")]


class ValidateDataRequestForm(ContactFormValidator):
    def name(self) -> str:
        return "validate_data_request_form"

    async def extract_data_request_kind(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = to_simplified(tracker.latest_message.get("text") or "")
        if tracker.get_slot("requested_slot") == "data_request_confirmed" and (
                wished := kind_in(" ".join(c for c in CLAUSES.findall(text) if WISHED.match(c)))) and (
                wished != tracker.get_slot("data_request_kind")):
            # "好，那就先查吧，查完再说删不删" at the read-back of a deletion: the kind changed (read back again by
            # validate_data_request_confirmed)
            say(dispatcher, tracker, f"好的，申请事项改为：{KIND_CHOICES[wished]}。")
            return {"data_request_kind": wished}
        if tracker.get_slot("requested_slot") != "data_request_kind":
            return {}
        kind = kind_in(text) or next((k for k, title in KIND_CHOICES.items() if title in text), None)
        return {"data_request_kind": kind} if kind else {}

    async def extract_person_name(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if (proven := await identity_proven(dispatcher, tracker)) is not None:
            return proven
        return await super().extract_person_name(dispatcher, tracker, domain)

    async def validate_data_request_kind(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        if value not in KIND_CHOICES:
            return self.reject(dispatcher, tracker, "data_request_kind", "请选择：查看、更正还是删除您的个人信息？")
        return self.accepted("data_request_kind", value)

    async def extract_phone(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if any(e.get("entity") in PROOF_NUMBERS for e in tracker.latest_message.get("entities", [])):
            return {}  # "P…101，身份证号后四位1234": the digits prove who asks, they put no mobile's tail right
        return await super().extract_phone(dispatcher, tracker, domain)

    async def validate_phone(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        contact = values_before_this_turn(tracker).get("phone")
        details = tracker.get_slot("data_request_details") or ""
        told = MOBILE.search(details)
        new = re.sub(r"\D", "", str(value or ""))
        if (contact and told and MOBILE.fullmatch(new) and new not in (told.group(), contact)
                and tracker.get_slot("requested_slot") == "data_request_confirmed"
                and tracker.get_slot("data_request_kind") == "更正"):
            # "不对，我打错了，是139…07" at the read-back of a new mobile to be put on record: the number in the
            # request is put right; the contact who is called to check the request stays
            say(dispatcher, tracker, f"好的，要更正的号码改为 {new}。")
            return {"phone": contact, "data_request_details": details.replace(told.group(), new)}
        return await super().validate_phone(value, dispatcher, tracker, domain)

    async def validate_data_request_confirmed(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        before = values_before_this_turn(tracker)
        changed = [name for name, now in tracker.slots_to_validate().items()
                   if name in ("data_request_kind", "person_name", "phone") and now != before.get(name)]
        if changed and tracker.get_slot("requested_slot") == "data_request_confirmed":
            # "打错字了，是章国栋…" or "那就先查吧" to the read-back, read as a yes: the change is read back first
            return {"data_request_confirmed": None}
        return self.accepted("data_request_confirmed", value)


PROOF_NUMBERS = ("policy_number", "claim_number", "complaint_number")


async def identity_proven(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any] | None:
    """"P2026000000102 手机后四位9002" to the name question, or in the request itself: the customer proves who they
    are as for a case look-up; the name and mobile on the records are then the request's contact. None when the
    message offers no such proof."""
    if tracker.get_slot("requested_slot") not in (None, "person_name", "phone"):  # (None: the form starting)
        return None
    number = next((str(e.get("value")) for e in tracker.latest_message.get("entities", [])
                   if e.get("entity") in PROOF_NUMBERS), None)
    text = to_simplified(tracker.latest_message.get("text") or "")
    digits = LAST_DIGITS.search(text.replace(number or "", " "))
    if not (number and digits):
        return None
    checked = await verify(tracker, number, digits.group())
    if not checked.ok:
        say(dispatcher, tracker, f"{checked.message}也可以直接告诉我您的姓名和手机号。")
        return {}
    try:
        contact = await backend().post("/api/v1/verify/contact",
                                       json={"token": checked.token, "conversation_id": tracker.sender_id})
    except ApiError:
        return {}
    return {"person_name": contact["name"], "phone": contact["mobile"], "verified_case": number,
            "verification_token": checked.token}


class ActionAskDataRequestKind(Action):
    def name(self) -> str:
        return "action_ask_data_request_kind"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        say(dispatcher, tracker, "请问您想怎么处理自己的个人信息？",
            [{"title": title, "payload": title} for title in KIND_CHOICES.values()])
        return []


class ActionAskDataRequestConfirmed(Action):
    def name(self) -> str:
        return "action_ask_data_request_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        s = tracker.get_slot
        say(dispatcher, tracker, "\n".join([
            "请确认个人信息申请：",
            f"· 申请事项：{KIND_CHOICES.get(s('data_request_kind'), s('data_request_kind'))}",
            *([f"· 您的说明：{s('data_request_details')}"] if s("data_request_details") else []),
            f"· 联系人：{shown_name(tracker, s('person_name'))}，电话：{shown_phone(tracker, s('phone'))}",
            "提交后，工作人员会先致电这个号码核实您的身份，核实通过才会办理。信息无误请回复“确认”。",
        ]), [choice("确认提交", "affirm"), choice("先不提交", "deny")])
        return []


class ActionSubmitDataRequest(Action):
    """Register the request; the reply carries its number and the date the backend promises an answer by."""

    def name(self) -> str:
        return "action_submit_data_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        s = tracker.get_slot
        resets = [SlotSet(k, None) for k in ("data_request_kind", "data_request_details", "data_request_confirmed")]
        if not s("data_request_confirmed"):
            say(dispatcher, tracker, "好的，申请没有提交。以后需要的话随时告诉我。")
            return resets
        try:
            out = await backend().post("/api/v1/data-requests", json={
                "kind": s("data_request_kind"),
                "details": s("data_request_details") or "",
                "channel": "微信" if tracker.get_latest_input_channel() == "wechat" else "在线",
                "contact_name": s("person_name"),
                "contact_mobile": s("phone"),
                "conversation_id": tracker.sender_id,
            })
        except ApiError as exc:
            say(dispatcher, tracker, f"抱歉，申请提交失败：{exc.message}如需帮助，可以转人工客服。",
                [choice("转人工客服", "request_human")])
            return resets
        say(dispatcher, tracker,
            f"您的个人信息{s('data_request_kind')}申请已受理，申请编号：{out['number']}。\n"
            f"{out['promise'].rstrip('。')}（最迟{deadline(out['due_at'])}前）。\n"
            "工作人员不会向您索要密码或短信验证码，请注意防范冒充来电。")
        return resets + [SlotSet("data_request_number", out["number"])]


def filed_here(tracker: Tracker) -> set[str]:
    """The numbers of the requests this chat filed (set by action_submit_data_request)."""
    numbers, action = set(), None
    for event in tracker.events:
        if event.get("event") == "action":
            action = event.get("name")
        elif event.get("event") == "slot" and event.get("name") == "data_request_number" and event.get("value") and (
                action == "action_submit_data_request"):
            numbers.add(event["value"])
    return numbers


class ValidateDataRequestProgressForm(VerifyingForm):
    """How a personal-data request stands: its GR number and the same check as any case (RULES §7)."""

    case_slot = "data_request_number"

    def name(self) -> str:
        return "validate_data_request_progress_form"

    async def validate_data_request_number(self, value, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        number = str(value or "").strip().upper()
        if not CASE_FORMATS["data_request_number"].match(number):
            return self.reject(dispatcher, tracker, "data_request_number",
                               "申请编号格式是 GR + 8位日期 + - + 4位数字（例如 GR20261207-0001），请核对。")
        taken = await case_taken(self, tracker, "data_request_number", number)
        phone = str(tracker.get_slot("phone") or "")
        if number in filed_here(tracker) and not taken.get("id_last4") and len(phone) == 11:
            # filed in this very chat with this mobile: the mobile it was filed with proves it, nothing to ask
            checked = await verify(tracker, number, phone[-4:])
            if checked.ok:
                return taken | {"id_last4": phone[-4:], "verification_token": checked.token, "verified_case": number}
        return taken


class ActionDataRequestProgress(Action):
    """Tell the verified customer how their request stands and by when it is answered."""

    def name(self) -> str:
        return "action_data_request_progress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        number, token = tracker.get_slot("data_request_number"), tracker.get_slot("verification_token")
        if not (number and token):
            return []
        try:
            p = await backend().get(f"/api/v1/data-requests/{number}/progress", token=token)
        except ApiError as exc:
            say(dispatcher, tracker, exc.message)
            return [SlotSet("id_last4", None)]
        lines = [f"您的个人信息{p['kind']}申请 {number} 当前状态：【{p['status']}】{p['status_text']}"]
        buttons = None
        if p.get("resolution"):
            lines.append(f"处理结果：{p['resolution']}")
        elif not p.get("finished"):
            lines.append(f"我们会在{deadline(p['due_at'])}前给您答复。")
        if p.get("overdue") and not p.get("finished"):
            lines.append("非常抱歉，申请已超过承诺的答复时限。需要的话，我为您转人工客服跟进。")
            buttons = [choice("转人工客服", "request_human")]
        say(dispatcher, tracker, "\n".join(lines), buttons)
        return [SlotSet("id_last4", None)]
