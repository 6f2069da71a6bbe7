"""Closing: one short satisfaction question (1–5), stored through the backend."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.case_context import about_the_case_told, case_just_told
from actions.common import turns
from actions.common.closing import FAREWELL, ask_rating, closes
from actions.common.forms import confirms
from actions.common.rating import SAYS_RATING, score_of, store_rating
from actions.common.reply import say
from actions.common.verification import asked_not_leaving
from actions.complaints import GRIEVANCE
from actions.handover import NOTHING_PENDING, WithdrawsHandover, distress_met, fallback, form_left
from bot.script import to_simplified


def read_back_said_yes(tracker: Tracker, read_as: str) -> list | None:
    """A yes to the form's read-back that NLU read as a goodbye or a thanks ("好der 謝謝喔～", "唔該"): the form takes
    it. None when no read-back is being asked, or the message is no yes."""
    form, asked = (tracker.active_loop or {}).get("name"), tracker.get_slot("requested_slot") or ""
    text = to_simplified(tracker.latest_message.get("text") or "")
    return [FollowupAction(form)] if form and asked.endswith("_confirmed") and confirms(text, read_as) else None


class ActionAskCsat(Action):
    def name(self) -> str:
        return "action_ask_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text = to_simplified(tracker.latest_message.get("text") or "")
        if GRIEVANCE.search(text) and not FAREWELL.search(text):
            # "就知道拖 你们就会说24小时", read as goodbye at 0.41: a grievance, not the end of the chat
            if case := case_just_told(tracker):
                return await about_the_case_told(dispatcher, tracker, case)
            return await fallback(dispatcher, tracker, domain)
        if (upset := distress_met(dispatcher, tracker)) is not None:
            return upset  # "我真的要崩溃了😭😭", read as goodbye: someone upset, before saying what happened
        if asked_not_leaving(tracker):
            # "最后一次 我刚问到了 8001 这回肯定对" read as goodbye (0.49): digits or a question, no farewell
            return await fallback(dispatcher, tracker, domain)
        if (yes := read_back_said_yes(tracker, "goodbye")) is not None:
            return yes  # "好der 謝謝喔～" to a change's read-back
        form, asked = (tracker.active_loop or {}).get("name"), tracker.get_slot("requested_slot") or ""
        if form and not asked.endswith("_confirmed"):
            # "嗯 拜拜" halfway through a booking: the customer is leaving, the form must not ask on after the
            # goodbye. (To a read-back, "好的 拜拜" may well be a yes: that form goes on.)
            say(dispatcher, tracker, "好的，没办完的先不提交，需要时随时找我。")
            return form_left(form) + ask_rating(dispatcher, tracker)
        if not form and SAYS_RATING.search(text) and (score := score_of(tracker)) is not None:
            # "了解 满分 溜了" / "给你五星 拜拜": the rating is given with the goodbye, not asked for after it
            return await store_rating(dispatcher, tracker, score)
        return ask_rating(dispatcher, tracker)


SAYS_BYE = re.compile(r"再见|再会|拜拜|晚安|回见|告辞|下线了|(?<![a-z])bye(?![a-z])", re.IGNORECASE)


class ActionThank(Action):
    """"You're welcome"; a score said with the thanks ("谢谢你这么耐心，打五分") is the chat's rating, stored."""

    def name(self) -> str:
        return "action_thank"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text = to_simplified(tracker.latest_message.get("text") or "")
        if (yes := read_back_said_yes(tracker, "thank")) is not None:
            return yes  # "唔該" to the read-back (no "不客气" first)
        form = (tracker.active_loop or {}).get("name")
        if not form and SAYS_RATING.search(text) and (score := score_of(tracker)):
            return await store_rating(dispatcher, tracker, score)
        if not form and SAYS_BYE.search(text):
            return ask_rating(dispatcher, tracker)  # "谢谢，再见" / "謝謝，晚安": a goodbye, not "anything else?"
        dispatcher.utter_message(response="utter_welcome")
        return []


# The bot's own "anything else?" (after thanks, after a no to an offer): a no to it ends the conversation.
ANYTHING_ELSE = re.compile(r"还有(?:其他|别的|什么)(?:问题|需要|事|可以帮)")
TASK_DONE = re.compile(r"预约成功|投诉已受理|已为您催办|已结案")
BARE_SCORE = re.compile(r"\s*[1-5一二三四五]\s*[!！。.~]*\s*")


class ActionAnswerDeny(WithdrawsHandover):
    """"没有了" with no form running: to "还有其他问题吗？" it closes the chat (the rating question, once); to an
    offer in passing ("需要的话我可以帮您转人工") it is a polite no, and the customer is asked what else."""

    def name(self) -> str:
        return "action_answer_deny"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        last = turns.last_bot_text(tracker)
        if ANYTHING_ELSE.search(last) or TASK_DONE.search(last) and closes(tracker):
            return ask_rating(dispatcher, tracker)  # (set 13: "没了" right after "预约成功！…" ends the chat too)
        say(dispatcher, tracker, NOTHING_PENDING)
        return []


class ActionStoreCsat(Action):
    def name(self) -> str:
        return "action_store_csat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        score = score_of(tracker)
        unasked = not tracker.get_slot("csat_asked")
        text = to_simplified(tracker.latest_message.get("text") or "")
        # a bare "5" right after "还有其他问题吗？" or a task done ("预约成功！…"): the customer closing with a score
        last = turns.last_bot_text(tracker)
        closing = (ANYTHING_ELSE.search(last) or TASK_DONE.search(last)) and BARE_SCORE.fullmatch(text)
        if unasked and not SAYS_RATING.search(text) and not closing:
            return await fallback(dispatcher, tracker, domain)
        return await store_rating(dispatcher, tracker, score)

