"""A stand-in for the Rasa server's tracker API, for backend tests (Rasa cannot run in .venv-api).

It speaks the shape of Rasa 3.6's `POST /conversations/{id}/tracker/events` and
`GET /conversations/{id}/tracker` (token in the query, events as JSON, `paused` in the tracker),
records every call, and can play the customer: a message to a paused conversation is logged
without a bot answer, as Rasa does. One instance serves the whole test session; tests keep apart
by using their own conversation ids.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

BOT_ANSWER = "（机器人自动回复）"


@dataclass
class Call:
    method: str
    conversation_id: str
    params: dict[str, str]
    body: Any


@dataclass
class Conversation:
    events: list[dict[str, Any]] = field(default_factory=list)
    paused: bool = False
    unreachable: bool = False


class FakeRasa:
    def __init__(self) -> None:
        self.token = "fake-rasa-" + uuid.uuid4().hex[:8]
        self.calls: list[Call] = []
        self.conversations: dict[str, Conversation] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    # --- what tests do --------------------------------------------------------------------------

    def conversation(self, conversation_id: str) -> Conversation:
        with self.lock:
            return self.conversations.setdefault(conversation_id, Conversation())

    def customer_says(self, conversation_id: str, text: str) -> None:
        """The customer writes; the bot answers unless the conversation is paused."""
        with self.lock:
            conv = self.conversations.setdefault(conversation_id, Conversation())
            conv.events.append({"event": "user", "text": text, "timestamp": time.time(), "input_channel": "socketio"})
            if not conv.paused:
                conv.events.append({"event": "bot", "text": BOT_ANSWER, "timestamp": time.time(), "metadata": {}})

    def set_unreachable(self, conversation_id: str, unreachable: bool = True) -> None:
        """Drop the connection on any request for this conversation, as a dead Rasa would."""
        self.conversation(conversation_id).unreachable = unreachable

    def calls_for(self, conversation_id: str, method: str | None = None) -> list[Call]:
        with self.lock:
            return [
                c for c in self.calls if c.conversation_id == conversation_id and (method is None or c.method == method)
            ]

    def appended(self, conversation_id: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
        """Every event appended to the conversation, with the query of its request."""
        return [(e, c.params) for c in self.calls_for(conversation_id, "POST") for e in c.body]

    # --- what the backend sees ----------------------------------------------------------------

    def _append(self, conversation_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        with self.lock:
            conv = self.conversations.setdefault(conversation_id, Conversation())
            for event in events:
                stamped = {"timestamp": time.time()} | event
                if event["event"] == "pause":
                    conv.paused = True
                elif event["event"] == "resume":
                    conv.paused = False
                conv.events.append(stamped)
            return self._state(conversation_id, conv)

    def _tracker(self, conversation_id: str) -> dict[str, Any]:
        with self.lock:
            conv = self.conversations.setdefault(conversation_id, Conversation())
            return self._state(conversation_id, conv)

    @staticmethod
    def _state(conversation_id: str, conv: Conversation) -> dict[str, Any]:
        return {"sender_id": conversation_id, "paused": conv.paused, "events": list(conv.events)}


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _route(self, method: str) -> None:
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            parts = url.path.strip("/").split("/")
            if len(parts) < 3 or parts[0] != "conversations" or parts[2] != "tracker":
                return self._reply(404, {"reason": "NotFound"})
            conversation_id = unquote(parts[1])
            body = None
            if method == "POST":
                raw = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
                body = raw if isinstance(raw, list) else [raw]
            with fake.lock:
                fake.calls.append(Call(method, conversation_id, params, body))
                unreachable = fake.conversations.get(conversation_id, Conversation()).unreachable
            if unreachable:
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if params.get("token") != fake.token:
                return self._reply(401, {"reason": "NotAuthenticated"})
            if method == "POST" and parts[3:] == ["events"]:
                return self._reply(200, fake._append(conversation_id, body or []))
            if method == "GET" and len(parts) == 3:
                return self._reply(200, fake._tracker(conversation_id))
            return self._reply(404, {"reason": "NotFound"})

        def _reply(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._route("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._route("POST")

    return Handler


_shared: FakeRasa | None = None
_shared_lock = threading.Lock()


def shared_fake_rasa() -> FakeRasa:
    """The session's one fake Rasa server, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FakeRasa()
        return _shared
