"""Session start: load the numbers the bot quotes from the shared policy file, and stay quiet
if a human agent holds the conversation (a new session would otherwise un-pause the bot)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common.api import ApiError, backend
from actions.common.policy import get_policy, quoted_numbers

CARRIED = ("customer_script",)


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        events: list = [SessionStarted()]
        events += [SlotSet(name, tracker.get_slot(name)) for name in CARRIED if tracker.get_slot(name)]
        events += [SlotSet(name, value) for name, value in quoted_numbers(await get_policy()).items()]
        if await held_by_agent(tracker.sender_id):
            events.append(ConversationPaused())
        return events + [ActionExecuted("action_listen")]


async def held_by_agent(conversation_id: str) -> bool:
    """The backend says the bot must stay silent (an agent holds the chat or is about to take it)."""
    try:
        handover = await backend().get(f"/api/v1/handovers/by-conversation/{conversation_id}")
    except ApiError:
        return False  # 404: the bot holds the chat (or the backend is down: keep serving)
    return bool(handover.get("bot_paused"))
