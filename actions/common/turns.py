"""The tracker read as turns: each customer message and the bot's reply to it. Several rules look at "what the
bot said to the previous message" or "what was set before this one"; they all read the events through here.

Events are the dicts rasa_sdk hands the actions. Turn 0 is the latest message; turn 1 the one before it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.script import to_simplified


def _user_indexes(tracker: Tracker) -> list[int]:
    return [k for k, e in enumerate(tracker.events) if e.get("event") == "user"]


def message(tracker: Tracker, back: int = 0) -> dict[str, Any]:
    """What NLU made of the customer's message `back` turns ago ({} before the conversation had one)."""
    users = _user_indexes(tracker)
    return (tracker.events[users[-1 - back]].get("parse_data") or {}) if len(users) > back else {}


def reply(tracker: Tracker, back: int = 0) -> list[dict[str, Any]]:
    """The events after the customer's message `back` turns ago and before the next one: the bot's reply to it
    (turn 0: what has happened since the latest message, in this very turn). One turn beyond the first message
    is what came before it (a welcome)."""
    users = _user_indexes(tracker)
    if len(users) < back:
        return []
    start = users[-1 - back] + 1 if len(users) > back else 0
    end = users[-back] if back else len(tracker.events)
    return tracker.events[start:end]


def before(tracker: Tracker, back: int = 0) -> list[dict[str, Any]]:
    """Every event before the customer's message `back` turns ago (all of them before the first)."""
    users = _user_indexes(tracker)
    return tracker.events[: users[-1 - back]] if len(users) > back else list(tracker.events)


def before_this_turn(tracker: Tracker) -> list[dict[str, Any]]:
    """Every event before the latest message."""
    return before(tracker, 0)


def said(events: list[dict[str, Any]]) -> list[str]:
    """The texts the bot said among the events (Simplified: the customer's script is applied on the way out)."""
    return [to_simplified(e.get("text") or "") for e in events if e.get("event") == "bot"]


def last_bot_text(tracker: Tracker) -> str:
    """The last thing the bot said, in this turn or before ("" before it said anything)."""
    return next(iter(said(tracker.events)[::-1]), "")


def intent(parse: dict[str, Any]) -> str | None:
    return (parse.get("intent") or {}).get("name")


def topic(parse: dict[str, Any]) -> dict[str, Any]:
    """The FAQ topic the response selector chose for a message (utter_action, intent_response_key, confidence), or
    {}."""
    return ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}


def topic_at(parse: dict[str, Any], floor: float) -> str | None:
    """The chosen topic's answer (utter_faq/…) when its confidence reaches `floor`."""
    chosen = topic(parse)
    return chosen.get("utter_action") if (chosen.get("confidence") or 0.0) >= floor else None


def ran(events: list[dict[str, Any]], *names: str) -> bool:
    """Did one of these actions run among the events?"""
    return any(e.get("event") == "action" and e.get("name") in names for e in events)
