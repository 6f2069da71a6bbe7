"""Claim progress: case number (or policy number, then a choice), verification, status in plain words."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.case_context import (
    DATE_PRESSED,
    NO_DATE_PROMISED,
    about_the_case_told,
    case_just_told,
    other_case_offered,
    outlook,
    urged_in_chat,
)
from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.closing import plan_acknowledged
from actions.common.format import day
from actions.common.forms import CASE_FORMATS, values_before_this_turn
from actions.common.picks import picked_button_entities, picked_by_amount
from actions.common.reply import choice, say
from actions.common.verification import (
    PROVEN,
    VerifyingForm,
    amount_said,
    booking_next,
    case_taken,
    handed_on,
    verify_slot,
)
from actions.complaints import AGREES_FIRST
from actions.handover import hand_over, human_accepted
from bot.script import to_simplified

CLAIM_RE = CASE_FORMATS["claim_number"]
# An urge's words in a thank-you: the customer's own haste ("那我这两天赶紧去办 谢啦"), unless aimed at us
THANKS = re.compile(r"谢|懂了|明白了|知道了|了解了|多谢|thx|thanks", re.IGNORECASE)
HURRIES_US = re.compile(r"你们|给我|帮我|催")


class ValidateClaimProgressForm(VerifyingForm):
    case_slot = "claim_number"

    def name(self) -> str:
        return "validate_claim_progress_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        # A policy number instead of a claim number: verify on the policy, then choose its claim. Also when it
        # comes after a claim was told ("这张保单下面还有一个理赔，保单号P…"): the policy's claims are listed.
        if tracker.get_slot("policy_number") and (not tracker.get_slot("claim_number") or policy_given_anew(tracker)):
            return ["policy_number", "id_last4", "claim_number"]
        return ["claim_number", "id_last4"]

    async def extract_claim_number(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # "第二个那笔" to the policy's claims offered as buttons
        if tracker.get_slot("requested_slot") != "claim_number":
            return {}
        picked = picked_button_entities(tracker).get("claim_number")
        return {"claim_number": picked} if picked else {}

    async def validate_claim_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = str(value or "").strip().upper()
        if not CLAIM_RE.match(number):
            return self.reject(
                dispatcher,
                tracker,
                "claim_number",
                "理赔案号是 LP 开头加13位数字（例如 LP2026110512345），请核对后重新输入。",
            )
        policy = tracker.get_slot("policy_number")
        if policy and tracker.get_slot("verified_case") == policy:
            return self.accepted("claim_number", number, id_last4=PROVEN)  # one of the verified policy's claims
        return await case_taken(self, tracker, "claim_number", number)

    async def validate_policy_number(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        taken = await case_taken(self, tracker, "policy_number", str(value).strip().upper())
        if policy_given_anew(tracker):
            taken["claim_number"] = None  # a policy alone: its claims are offered (not the one told before)
        return taken

    async def validate_id_last4(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        case = tracker.get_slot("claim_number") or tracker.get_slot("policy_number")
        checked = await verify_slot(self, value, dispatcher, tracker, case)
        policy, token = tracker.get_slot("policy_number"), checked.get("verification_token")
        if token and case == policy and (claim := await claim_named_by_amount(tracker, policy, token)
                                         or await only_claim(policy, token)):
            # "3200块那个" said before the digits, or a policy with one claim: that claim, no list to pick from
            checked["claim_number"] = claim
        return checked


async def policy_claims(policy: str, token: str) -> list[dict[str, Any]]:
    """The verified policy's claims as the backend lists them ([] when it cannot say)."""
    try:
        return await backend().get(f"/api/v1/policies/{policy}/claims", token=token)
    except ApiError:
        return []


async def only_claim(policy: str, token: str) -> str | None:
    """The policy's claim when it has exactly one."""
    claims = await policy_claims(policy, token)
    return claims[0]["number"] if len(claims) == 1 else None


async def other_claim_by_amount(tracker: Tracker) -> list | None:
    """"那另外一个12800的呢" after a claim of the verified policy was told: the policy's claim of that amount."""
    policy, token = tracker.get_slot("policy_number"), tracker.get_slot("verification_token")
    text = tracker.latest_message.get("text") or ""
    if not (policy and token) or tracker.get_slot("verified_case") != policy or not re.search(r"\d{3,}", text):
        return None
    claim = await claim_of_amount(policy, token, [text])
    if not claim or claim == tracker.get_slot("claim_number"):
        return None
    return [SlotSet("claim_number", claim), FollowupAction("claim_progress_form")]


async def claim_named_by_amount(tracker: Tracker, policy: str, token: str) -> str | None:
    """The policy's one claim whose amount the customer named in this task's last few messages."""
    said = [text for back in range(4) if amount_said(text := turns.message(tracker, back).get("text") or "")]
    return await claim_of_amount(policy, token, said) if said else None


async def claim_of_amount(policy: str, token: str, texts: list[str]) -> str | None:
    """The policy's one claim whose amount one of `texts` names (the first text that names one)."""
    amounts = [{"title": f"{yuan(c['amount'])}元", "claim": c["number"]} for c in await policy_claims(policy, token)]
    picked = next((b for text in texts if (b := picked_by_amount(to_simplified(text), amounts))), None)
    return picked["claim"] if picked else None


def policy_given_anew(tracker: Tracker) -> bool:
    """Did this message give a new policy number and no new claim number? (Compared with the slots before it:
    at a form's start Rasa lists every slot already filled among the ones to validate.)"""
    before = values_before_this_turn(tracker)
    return (tracker.get_slot("policy_number") != before.get("policy_number")
            and tracker.get_slot("claim_number") == before.get("claim_number"))


def yuan(amount: str) -> str:
    """"12800.00" → "12800": how a customer names the amount."""
    value = Decimal(amount)
    return str(int(value)) if value == value.to_integral_value() else str(value)


class ActionAskClaimNumber(Action):
    """Ask for the claim; after a verified policy number, offer that policy's claims as choices."""

    def name(self) -> str:
        return "action_ask_claim_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        policy, token = tracker.get_slot("policy_number"), tracker.get_slot("verification_token")
        if policy and token and tracker.get_slot("verified_case") == policy:
            try:
                claims = await backend().get(f"/api/v1/policies/{policy}/claims", token=token)
            except ApiError as exc:
                say(dispatcher, tracker, exc.message)
                return []
            if not claims:
                say(
                    dispatcher,
                    tracker,
                    f"保单 {policy} 下暂时没有理赔案件。如需报案，可以转人工客服协助您。",
                    [choice("转人工客服", "request_human")],
                )
                return []
            say(
                dispatcher,
                tracker,
                f"保单 {policy} 下有以下理赔案件，请选择要查询的一件：",
                [
                    choice(
                        f"{c['number']}（{c['status']}，{day(c['reported_at'])}报案，{yuan(c['amount'])}元）",
                        "inform",
                        claim_number=c["number"],
                    )
                    for c in claims[:8]
                ],
            )
            return []
        say(dispatcher, tracker, "请提供您的理赔案号（LP开头），如果没有案号，也可以提供保单号（P开头）。")
        return []


class ActionClaimProgress(Action):
    """Tell the verified customer where the claim stands; if overdue, apologise and urge automatically."""

    def name(self) -> str:
        return "action_claim_progress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        number, token = tracker.get_slot("claim_number"), tracker.get_slot("verification_token")
        if (elsewhere := handed_on(tracker, "claim_progress_form")) is not None:
            return elsewhere  # the look-up gave way: to a booking, a data request's look-up, or another case
        if not (number and token):
            return [FollowupAction("appointment_form")] if await booking_next(tracker) else []
        try:
            p = await backend().get(f"/api/v1/claims/{number}/progress", token=token)
        except ApiError as exc:
            say(dispatcher, tracker, exc.message)
            return [SlotSet("id_last4", None)]
        lines = [
            f"您的理赔案件 {number}（{p['product_name']}）当前状态：【{p['status']}】",
            p["status_text"],
            f"当前环节：{p['current_step']}。",
            *outlook(p),
        ]
        urged = any(number in text and "催办" in text for text in turns.said(tracker.events))
        if p["overdue"] and urged:  # told again in this chat ("那什么时候能有消息"): one urge is enough
            lines.append("非常抱歉，您的案件已超过承诺的处理时限，刚才已为您催办，主管会优先跟进处理。")
        elif p["overdue"]:
            await backend().post(
                f"/api/v1/claims/{number}/urge",
                token=token,
                json={"note": "客户查询时案件已超时，机器人自动催办", "conversation_id": tracker.sender_id},
            )
            lines.append("非常抱歉，您的案件已超过承诺的处理时限。我已为您自动催办，主管会优先跟进处理。")
        other = other_case_offered(tracker, number)
        say(dispatcher, tracker, "\n".join([*lines, *(other[:1] if other else [])]), other[1] if other else None)
        return [SlotSet("id_last4", None)]


def proposal_taken(tracker: Tracker) -> list:
    """The complaint type proposed, when the message hurries us with a yes first ("行，你赶紧让人跟我说")."""
    suggested = tracker.get_slot("complaint_type_suggestion")
    text = to_simplified(tracker.latest_message.get("text") or "")
    if tracker.get_slot("requested_slot") != "complaint_type" or not suggested or not AGREES_FIRST.match(text):
        return []
    return [SlotSet("complaint_type", suggested)]


class ActionUrge(Action):
    """催办 on the case the customer just verified; otherwise ask which case first."""

    def name(self) -> str:
        return "action_urge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if human_accepted(tracker):  # "确认 赶紧让人跟我联系" to "…现在为您转接人工客服吗？": a yes to the human
            return await hand_over(dispatcher, tracker, "requested")
        form = (tracker.active_loop or {}).get("name")
        if form and form not in ("claim_progress_form", "complaint_progress_form"):
            # "我等着" while a complaint is being taken (urge 0.5): that task goes on; no look-up replaces it.
            # "行，你赶紧让人跟我说" to the type proposed: a yes first, so the proposal is taken on the way
            say(dispatcher, tracker, "好的，我们先把这件事办完，马上就好：")
            return [*proposal_taken(tracker), FollowupAction(form)]
        text = to_simplified(tracker.latest_message.get("text") or "")
        if THANKS.search(text) and not HURRIES_US.search(text) and (
                plan := plan_acknowledged(dispatcher, tracker)) is not None:
            return plan  # "懂了懂了 那我这两天赶紧去办 谢啦": the customer hurries, not us
        told = case_just_told(tracker)
        if told and told[2]:  # "多久能给我回复" read as an urge, right after registering: nothing to urge yet
            return await about_the_case_told(dispatcher, tracker, told)
        case, token = tracker.get_slot("verified_case"), tracker.get_slot("verification_token")
        number = tracker.get_slot("claim_number") if case and case.startswith("P") else case
        if not (number and token):
            # Not verified yet: look the case up first; an overdue claim is urged automatically there.
            say(dispatcher, tracker, "好的，我先帮您查一下案件进度。")
            form = "complaint_progress_form" if tracker.get_slot("complaint_number") else "claim_progress_form"
            return [FollowupAction(form)]
        pressed = DATE_PRESSED.search(text)
        if pressed and urged_in_chat(tracker):
            # "别跟我打官腔，我就问今天钱能不能到账" after the case was urged: an honest answer, not one more urge
            say(dispatcher, tracker, f"理解您着急。这件案件已经为您催办过，主管正在优先跟进。{NO_DATE_PROMISED}",
                [choice("转人工客服", "request_human")])
            return []
        kind = "claims" if number.startswith("LP") else "complaints"
        try:
            out = await backend().post(
                f"/api/v1/{kind}/{number}/urge",
                token=token,
                json={"note": "客户在线催办", "conversation_id": tracker.sender_id},
            )
        except ApiError as exc:
            # (a finished case has nothing to hurry: the backend says so, and what to do instead)
            finished = [choice("我要投诉", "file_complaint"), choice("转人工客服", "request_human")]
            say(dispatcher, tracker, exc.message, finished if exc.status == 409 else None)
            return []
        say(
            dispatcher,
            tracker,
            f"已为您催办（第{out['urge_count']}次），案件已提交主管优先处理，请您耐心等待，有进展会第一时间通知您。"
            + (NO_DATE_PROMISED if pressed else ""),
        )
        return []
