"""FAQ questions asked while a form is running."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_times import proposed_time
from actions.appointments import gives_up
from actions.common import turns
from actions.common.forms import FREE_TEXT_SLOTS, QUESTION, digits_unknown, free_text, lacks_number, says_none
from actions.common.policy import get_policy, slot_choices
from actions.common.reply import choice, say
from actions.complaint_verdict import VERDICT_EXPLAINED, WHAT_TO_DO
from actions.deadlines import COMPLAINT_TIMELINE, counting_explained, dated_timeline
from bot.script import to_simplified

# How long a claim takes, asked while a complaint is taken, is asked of the complaint — unless the claim is named
CLAIM_TIMES = {"utter_faq/claim_duration", "utter_faq/claim_payment_time", "utter_faq/claim_urgent"}
ABOUT_CLAIMS = re.compile(r"理赔|赔付|赔款|赔钱|到账|打款|放款|案件|LP", re.IGNORECASE)


async def answers_the_form(tracker: Tracker) -> bool:
    """A short statement like 服务质量问题 may look like an FAQ topic but answers the form's question."""
    text = (tracker.latest_message.get("text") or "").strip()
    slot = tracker.get_slot("requested_slot")
    if not slot:
        return False
    if proposed_time(tracker):  # "这周六下午两点可以吗" to "what time?" proposes a time, however it is asked
        return True
    if QUESTION.search(text):
        return False
    if says_none(tracker):  # "没有保单号" reads like the lost-policy FAQ but answers "which policy?"
        return True
    if slot in FREE_TEXT_SLOTS:
        return free_text(tracker, slot) is not None
    return any(value in text for value in slot_choices(await get_policy(), slot))


class ActionFaqInForm(Action):
    """Answer an FAQ mid-form (the rules then resume the form) unless the message is the form's answer."""

    def name(self) -> str:
        return "action_faq_in_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if await answers_the_form(tracker):
            return []
        if (tracker.active_loop or {}).get("name") == "appointment_form" and gives_up(tracker):
            return []  # "那算了 我先在app上试试 不行再说": no question to answer; the form, resumed, ends unbooked
        text = to_simplified(tracker.latest_message.get("text") or "")
        if (tracker.active_loop or {}).get("name") == "complaint_verdict_form" and WHAT_TO_DO.search(text):
            # "什么意思 等我反馈？我要干嘛" to the verdict question: what is asked of the customer, not an FAQ
            say(dispatcher, tracker, VERDICT_EXPLAINED)
            return []
        help_text = lacks_number(tracker)  # "不记得案号了": not the lost-policy FAQ, the way to go on without it
        if not help_text and tracker.get_slot("requested_slot") == "id_last4":
            help_text = digits_unknown(tracker)  # "亲儿子都查不了？他手机号我哪记得住": why, and what else
        if help_text:
            say(dispatcher, tracker, help_text, [choice("转人工客服", "request_human")])
            return []
        response = turns.topic(tracker.latest_message).get("utter_action")
        complaining = (tracker.active_loop or {}).get("name") == "complaint_form"
        if complaining and response in CLAIM_TIMES and not ABOUT_CLAIMS.search(text):
            response = COMPLAINT_TIMELINE  # "点解要7个工作日咁耐" while complaining: how long the complaint takes
        if dated := await counting_explained(tracker) or await dated_timeline(tracker, response, from_now=complaining):
            say(dispatcher, tracker, dated)  # "今天提交的话最晚几号有结果" while the complaint is being taken
            return []
        if response:
            dispatcher.utter_message(response=response)  # the NLG fills the policy numbers and the script
        return []
