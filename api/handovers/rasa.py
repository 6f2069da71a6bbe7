"""The Rasa server's HTTP API as agent take-over needs it: pause and resume the bot, speak to the
customer on their channel, and read what the customer wrote while an agent holds the chat.

Rasa 3.6 (`rasa/server.py`): `POST /conversations/{id}/tracker/events` appends events under the
conversation lock; with `execute_side_effects=true` the bot events among them are sent through
the output channel named by `output_channel` (a registered input channel's `get_output_channel()`;
socket.io and our WeChat channel can push, the REST channel cannot — its lines are only logged).
A paused tracker keeps logging the customer's messages without predicting any action, which is
what keeps the bot quiet while an agent talks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from api.core.config import VAR, get_settings
from api.core.errors import AppError

# Short timeouts: an agent is waiting on the button. The read timeout leaves room for Rasa
# waiting on the conversation lock while it finishes answering the customer.
TIMEOUT = httpx.Timeout(10.0, connect=2.0)
# Metadata on the bot events we append, so that reading the tracker back skips our own lines.
ORIGIN_KEY = "handover_origin"
ORIGIN = "agent_console"


class RasaUnavailable(AppError):
    """The Rasa server could not be reached (down, restarting, or timed out)."""

    status_code, code = 503, "rasa_unavailable"


class RasaFailed(AppError):
    """The Rasa server answered with an error."""

    status_code, code = 502, "rasa_error"


@dataclass(frozen=True)
class TrackerLine:
    """One customer or bot line from the tracker, with Rasa's timestamp (epoch seconds)."""

    sender: str  # "customer" | "bot"
    text: str
    timestamp: float


@dataclass(frozen=True)
class TrackerUpdate:
    lines: list[TrackerLine]
    paused: bool


def bot_line(text: str, *, agent: str | None) -> dict[str, Any]:
    """A bot-uttered event that carries an agent's (or the console's) words to the customer."""
    return {"event": "bot", "text": text, "metadata": {ORIGIN_KEY: ORIGIN, "agent": agent}}


PAUSE = {"event": "pause"}
# While paused Rasa logs the customer's lines but runs no action, so the last action is still the hand-over;
# an action_listen after resuming makes the next line a fresh turn that the rules (faq, forms…) match again.
# The bot's `handed_over` slot is cleared: no agent is awaited any more.
RESUME = [{"event": "resume"}, {"event": "slot", "name": "handed_over", "value": None},
          {"event": "action", "name": "action_listen"}]


class RasaBridge:
    """A thin client for the few Rasa endpoints take-over uses; every failure becomes a 502/503."""

    def __init__(self, base_url: str, token: str, *, timeout: httpx.Timeout = TIMEOUT):
        self.base_url, self.token, self.timeout = base_url.rstrip("/"), token, timeout

    def append(self, conversation_id: str, events: list[dict[str, Any]], *, channel: str | None = None) -> None:
        """Append events in one request (atomic on Rasa's side); bot lines go out on `channel`."""
        params = {"token": self.token, "include_events": "NONE"}
        if channel:
            params |= {"output_channel": channel, "execute_side_effects": "true"}
        self._call("POST", f"/conversations/{_quote(conversation_id)}/tracker/events", params=params, json=events)

    def pause(self, conversation_id: str, *, channel: str, say: str | None = None, agent: str | None = None) -> None:
        """Stop the bot answering (the customer's messages are still logged), optionally with a line to them."""
        self.append(conversation_id, [PAUSE] + ([bot_line(say, agent=agent)] if say else []), channel=channel)

    def resume(self, conversation_id: str, *, channel: str, say: str | None = None) -> None:
        """Let the bot answer again, after an optional last line from the console."""
        self.append(conversation_id, ([bot_line(say, agent=None)] if say else []) + RESUME, channel=channel)

    def say(self, conversation_id: str, channel: str, text: str, *, agent: str | None) -> None:
        """Deliver an agent's line to the customer on their channel (logged as a bot event)."""
        self.append(conversation_id, [bot_line(text, agent=agent)], channel=channel)

    def lines_since(self, conversation_id: str, since: float) -> TrackerUpdate:
        """Customer and bot lines logged after `since` (epoch seconds), skipping those the console sent."""
        body = self._call(
            "GET",
            f"/conversations/{_quote(conversation_id)}/tracker",
            params={"token": self.token, "include_events": "AFTER_RESTART"},
        )
        lines = []
        for event in body.get("events") or []:
            kind, text, at = event.get("event"), event.get("text"), event.get("timestamp")
            if kind not in ("user", "bot") or not text or not isinstance(at, int | float) or at <= since:
                continue
            if kind == "bot" and (event.get("metadata") or {}).get(ORIGIN_KEY) == ORIGIN:
                continue
            lines.append(TrackerLine("customer" if kind == "user" else "bot", text, float(at)))
        return TrackerUpdate(lines=lines, paused=bool(body.get("paused")))

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            with httpx.Client(base_url=self.base_url, timeout=self.timeout) as client:
                response = client.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise RasaUnavailable(
                "连接智能客服服务超时，操作可能未完成，请稍后刷新确认后再试",
                f"Rasa server timed out ({type(exc).__name__}); the request may or may not have been applied",
            ) from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(
                "暂时无法连接智能客服服务，操作未完成，请稍后重试",
                f"Rasa server unreachable at {self.base_url} ({type(exc).__name__})",
            ) from exc
        if response.status_code >= 400:
            raise RasaFailed(
                f"智能客服服务返回错误（{response.status_code}），操作未完成，请稍后重试",
                f"Rasa server answered {response.status_code}: {response.text[:200]}",
            )
        try:
            return response.json() if response.content else {}
        except ValueError:
            return {}


def _quote(conversation_id: str) -> str:
    return quote(conversation_id, safe="")


def bridge() -> RasaBridge:
    """The bridge to the configured Rasa server; the token file is re-read so a Rasa restart that
    generated a new var/rasa_token needs no backend restart."""
    settings = get_settings()
    token = settings.rasa_auth_token
    if not token:
        path = VAR / "rasa_token"
        token = path.read_text().strip() if path.exists() else ""
    return RasaBridge(settings.rasa_url, token)
