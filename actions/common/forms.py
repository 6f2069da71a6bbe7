"""Form validation base: polite retries, and never the same question a third time without a way out."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.common.reply import choice, say

MAX_SAME_QUESTION = 2


class BaseFormValidator(FormValidationAction):
    """Subclasses call `self.reject(...)` when a value is unusable."""

    @abstractmethod
    def name(self) -> str:
        """Each concrete form validator names itself validate_<form>."""

    def reject(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        message: str,
        buttons: list[dict] | None = None,
    ) -> dict[str, Any]:
        """Explain the problem; after repeated failures on one slot, offer a human or stopping."""
        count = int(tracker.get_slot("retry_count") or 0) + 1 if tracker.get_slot("retry_slot") == slot else 1
        if count >= MAX_SAME_QUESTION:
            message += "\n如果不方便提供，也可以转人工客服为您处理，或者先结束本次办理。"
            buttons = (buttons or []) + [choice("转人工客服", "request_human"), choice("先不办了", "stop")]
        say(dispatcher, tracker, message, buttons)
        return {slot: None, "retry_slot": slot, "retry_count": count}

    @staticmethod
    def accepted(slot: str, value: Any, **extra: Any) -> dict[str, Any]:
        return {slot: value, "retry_slot": None, "retry_count": 0} | extra


def latest_entity(tracker: Tracker, entity: str) -> dict | None:
    """The last entity of this type in the latest message (with its extractor's extra info)."""
    found = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return found[-1] if found else None
