"""Sending text to the customer in their own script (actions must not import Rasa itself)."""

from __future__ import annotations

import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.script import to_script


def say(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, buttons: list[dict] | None = None) -> None:
    """Utter `text` (and button titles) converted to the customer's script."""
    script = tracker.get_slot("customer_script")
    buttons = [b | {"title": to_script(b["title"], script)} for b in buttons or []]
    dispatcher.utter_message(text=to_script(text, script), buttons=buttons or None)


def choice(title: str, intent: str, **entities: str) -> dict:
    """A quick-reply button that sends an intent with entities."""
    payload = "/" + intent
    if entities:
        payload += json.dumps(entities, ensure_ascii=False)
    return {"title": title, "payload": payload}
