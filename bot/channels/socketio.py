"""Rasa's socket.io channel (the web widget's), with session persistence that works.

Rasa 3.6 calls `sio.enter_room(...)` without `await`; since python-socketio 5.10 that is a
coroutine, so the socket never joins its session's room and every bot reply (and every agent
line forwarded later) is emitted to nobody. This subclass re-registers the two handlers that
matter. It also binds each socket to the one session it asked for: a socket can only speak in
the conversation it joined, and only ids of the shape the channel hands out are taken, so no one
can join or write into another channel's conversation by naming its sender id.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def session_id_from(data: Any) -> str:
    """The session the client asks to resume, or a new one when it asks for none or a malformed one."""
    wanted = data.get("session_id") if isinstance(data, dict) else None
    return wanted if isinstance(wanted, str) and SESSION_ID.match(wanted) else uuid.uuid4().hex


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Same name ("socketio"), credentials and events as Rasa's channel."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            session_id = session_id_from(data)
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: dict) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                confirmed = (await sio.get_session(sid, namespace=self.namespace)).get("session_id")
                if not confirmed or data.get("session_id") != confirmed:
                    return  # no session_request yet, or someone else's conversation
                sender_id = confirmed
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            output = rasa_socketio.SocketIOOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(
                    str(data.get("message", "")),
                    output,
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else {},
                )
            )

        return webhook
