"""How each form asks for its slots (action_ask_<slot>).

The questions live here rather than as utter_ask_* responses so that choices which are business
data (branches, service types, how many digits verification takes) come from the shared policy,
and so that `rasa data validate` does not flag form-only responses as unused."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.contact import CONTACT_OFFER, masked_name, verified_contact
from actions.common.forms import digits_unknown
from actions.common.policy import get_policy, slot_choices
from actions.common.reply import choice, say
from bot.script import to_script


def _digits(policy: dict[str, Any]) -> dict[str, Any]:
    return {"digits": policy["verification"]["digits"]}


# slot -> (question, values for the question from the policy or None). A slot with choices in the
# policy (actions.common.policy.slot_choices) gets them as quick-reply buttons.
QUESTIONS: dict[str, tuple[str, Any]] = {
    "service_type": ("请问您想预约哪项服务？", None),
    "branch": ("请问您想去哪个网点办理？", None),
    "address": ("请告诉我上门服务的详细地址（省市区、街道、门牌号）。", None),
    "person_name": ("请问怎么称呼您？（请提供您的姓名）", None),
    "phone": ("请留下您的11位手机号码，方便我们与您联系。", None),
    "complaint_description": ("请您描述一下遇到的问题，我会如实记录。", None),
    "complaint_demand": ("请问您希望我们如何处理？（您的诉求）", None),
    "complaint_policy_number": (
        "这次投诉涉及哪张保单？请提供保单号（P开头13位数字）；如果不涉及保单，回复“没有”即可。",
        None,
    ),
    "complaint_number": ("请提供您的投诉编号（TS开头，例如 TS20261122-0001）。", None),
    "appointment_number": ("请提供您的预约编号（YY开头，例如 YY20261201-0001）。", None),
    "data_request_number": ("请提供个人信息申请的编号（GR开头，例如 GR20261207-0001），受理时已告知您。", None),
    "id_last4": ("为保护您的隐私，请提供登记手机号或身份证号的后{digits}位进行身份验证。", _digits),
}

# Said before a question the first time only: an apology repeated on every re-ask sounds scripted.
PREFACES = {"complaint_description": "非常抱歉给您带来不好的体验。"}
# A complaint that names the regulator, the media or a lawyer (the policy's high-risk words) is told at its first
# question that it will be escalated, and that a human is there for the asking (RULES §8).
HIGH_RISK_PREFACE = ("非常抱歉给您带来这样的困扰。您反映的情况我们会作为重点投诉处理，登记后立即升级主管跟进；"
                     "如果想直接和人工客服沟通，随时回复“转人工”即可。\n")


class _Ask(Action, ABC):
    """Abstract, so rasa_sdk registers only the per-slot subclasses below."""

    slot = ""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        await ask(self.slot, dispatcher, tracker)
        return []


async def ask(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Ask the question for `slot`, with policy-driven choices where it has them."""
    text, values = QUESTIONS[slot]
    policy = await get_policy()  # cached per process
    buttons = [choice(value, "inform", **{slot: value}) for value in slot_choices(policy, slot)]
    text = text.format(**values(policy)) if values else text
    form = (tracker.active_loop or {}).get("name")
    if slot == "person_name" and form in ("complaint_form", "appointment_form") and not tracker.get_slot("phone") and (
            not asked_before(tracker, CONTACT_OFFER)) and (contact := await verified_contact(tracker)):
        # the customer verified a moment ago: offer their own name and mobile (masked) rather than ask for them
        who = f"{masked_name(contact['name'])}、手机尾号{contact['mobile'][-4:]}"
        say(dispatcher, tracker, f"{CONTACT_OFFER}{who}，可以吗？要换一位联系人的话，直接告诉我姓名和手机号。",
            [choice("可以，就用这个", "affirm")])
        return
    if slot == "id_last4" and (unknown := digits_unknown(tracker)) and unknown not in turns.said(turns.reply(tracker)):
        # "帮我兄弟查下 LP… 他手机号后四位我不知道啊": why the digits are needed, and what else can be done
        say(dispatcher, tracker, unknown, [choice("转人工客服", "request_human")])
        return
    description = tracker.get_slot("complaint_description") if form == "complaint_form" else None
    if description and not asked_before(tracker, HIGH_RISK_PREFACE.strip()) and await high_risk(description):
        text = HIGH_RISK_PREFACE + text
    elif slot in PREFACES and not asked_before(tracker, text):
        text = PREFACES[slot] + text
    say(dispatcher, tracker, text, buttons or None)


async def high_risk(description: str) -> bool:
    """Does the backend read the description as high-risk (its risk rules: regulator, media, legal words)?"""
    try:
        out = await backend().get("/api/v1/complaints/suggest-type", params={"text": description})
    except ApiError:
        return False  # the complaint is still escalated when it is registered
    return bool(out.get("high_risk_reasons"))


def asked_before(tracker: Tracker, question: str) -> bool:
    """Did the bot already ask `question` (as the customer read it) since the current form started?"""
    return times_asked(tracker, question) > 0


def times_asked(tracker: Tracker, question: str) -> int:
    """How often the bot asked `question` (as the customer read it) since the current form started.
    The form's ask actions leave no ActionExecuted of their own in the tracker; what was said does."""
    said = to_script(question, tracker.get_slot("customer_script"))
    asked = 0
    for event in tracker.events:
        if event.get("event") == "active_loop" and event.get("name"):
            asked = 0  # a new form run (a second complaint) starts afresh
        elif event.get("event") == "bot" and said in (event.get("text") or ""):
            asked += 1
    return asked


# One registered action per slot (rasa_sdk registers every concrete Action subclass).
for _slot in QUESTIONS:
    globals()[f"Ask_{_slot}"] = type(
        f"Ask_{_slot}", (_Ask,), {"slot": _slot, "name": lambda self, _name=f"action_ask_{_slot}": _name}
    )
