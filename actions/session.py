"""Session start: load the numbers the bot quotes from the shared policy file."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common.policy import get_policy, quoted_numbers

CARRIED = ("customer_script",)


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        events: list = [SessionStarted()]
        events += [SlotSet(name, tracker.get_slot(name)) for name in CARRIED if tracker.get_slot(name)]
        events += [SlotSet(name, value) for name, value in quoted_numbers(await get_policy()).items()]
        return events + [ActionExecuted("action_listen")]
