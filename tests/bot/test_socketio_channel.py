"""The web widget's socket.io channel: a socket joins its session's room and speaks only there."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.socketio import SocketIOInput, session_id_from


class Room:
    """Stands in for python-socketio's server state: rooms, per-socket sessions, emitted events."""

    def __init__(self, sio):
        self.rooms: dict[str, set[str]] = {}
        self.sessions: dict[str, dict] = {}
        self.emitted: list[tuple[str, object, str]] = []

        async def enter_room(sid, room, namespace=None):
            self.rooms.setdefault(room, set()).add(sid)

        async def save_session(sid, session, namespace=None):
            self.sessions[sid] = session

        async def get_session(sid, namespace=None):
            return self.sessions.setdefault(sid, {})

        async def emit(event, data=None, room=None, namespace=None, **_):
            self.emitted.append((event, data, room))

        sio.enter_room, sio.save_session, sio.get_session, sio.emit = enter_room, save_session, get_session, emit


@pytest.fixture
def channel():
    received = []

    async def on_new_message(message):
        received.append(message)

    channel = SocketIOInput.from_credentials({"session_persistence": True})
    channel.blueprint(on_new_message)
    room = Room(channel.sio)
    handlers = channel.sio.handlers["/"]
    return handlers["session_request"], handlers["user_uttered"], room, received


def test_resumed_session_joins_its_room_so_replies_reach_the_widget(channel):
    session_request, _, room, _ = channel
    asyncio.run(session_request("sock-1", {"session_id": "a" * 32}))
    assert room.rooms["a" * 32] == {"sock-1"}
    assert room.emitted == [("session_confirm", "a" * 32, "sock-1")]


@pytest.mark.parametrize("asked", [None, {}, {"session_id": None}, {"session_id": "wechat-openid-123"}])
def test_missing_or_foreign_session_ids_get_a_new_session(asked):
    new = session_id_from(asked)
    assert len(new) == 32 and new != (asked or {}).get("session_id")


def test_message_is_handled_in_the_confirmed_session_with_its_metadata(channel):
    session_request, user_uttered, _, received = channel
    asyncio.run(session_request("sock-1", {"session_id": "b" * 32}))
    asyncio.run(user_uttered("sock-1", {"message": "你好", "session_id": "b" * 32,
                                         "metadata": {"page": "https://example.com/"}}))
    [message] = received
    assert (message.text, message.sender_id, message.input_channel) == ("你好", "b" * 32, "socketio")
    assert message.metadata == {"page": "https://example.com/"}


def test_socket_cannot_write_into_another_conversation(channel):
    session_request, user_uttered, _, received = channel
    asyncio.run(user_uttered("sock-1", {"message": "你好", "session_id": "c" * 32}))  # never asked
    asyncio.run(session_request("sock-1", {"session_id": "c" * 32}))
    asyncio.run(user_uttered("sock-1", {"message": "你好", "session_id": "d" * 32}))  # not its own
    assert received == []
