"""Whole conversations over WeChat: the real Rasa server's WeChat channel in safe (AES) mode, called the way
WeChat calls it, with late and agent replies delivered through the fake WeChat API servers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.e2e.conftest import RASA_TOKEN, WECHAT_AES_KEY, WECHAT_TOKEN
from tests.fakes.wechat import FakeWeChatServer, FakeWeChatUser, Passive, WeChatCallbacks


class WeChatChat:
    """What a customer sees in WeChat: the passive reply, or, when the bot took longer than the passive
    window, the customer-service messages of that turn (read once Rasa has logged the end of the turn)."""

    def __init__(self, user: FakeWeChatUser, api: FakeWeChatServer, rasa_url: str) -> None:
        self.user, self.api = user, api
        self.rasa = httpx.Client(base_url=rasa_url, params={"token": RASA_TOKEN}, timeout=30)
        self.seen = 0
        self.text = ""

    @property
    def openid(self) -> str:
        return self.user.openid

    def say(self, text: str) -> str:
        return self._read(lambda: self.user.say(text))

    def subscribe(self) -> str:
        return self._read(self.user.subscribe)

    def tracker(self) -> dict:
        return self.rasa.get(f"/conversations/{self.openid}/tracker").json()

    def _user_turns(self) -> tuple[int, dict]:
        tracker = self.tracker()
        return sum(e["event"] == "user" for e in tracker.get("events") or []), tracker

    def _read(self, send: Callable[[], Passive]) -> str:
        turns_before, _ = self._user_turns()
        passive = send()
        assert passive.status == 200 and passive.error is None, passive
        if passive.text is not None:
            self.text = passive.text
        else:
            self._wait_for_end_of_turn(turns_before)
            self.text = "\n\n".join(self.api.messages(self.openid)[self.seen :])
        self.seen = len(self.api.messages(self.openid))
        return self.text

    def _wait_for_end_of_turn(self, turns_before: int, timeout: float = 60.0) -> None:
        """Rasa saves the tracker when a turn is over: the new user message, then action_listen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            turns, tracker = self._user_turns()
            events = tracker.get("events") or []
            if turns > turns_before and (events[-1].get("name") == "action_listen" or tracker.get("paused")):
                return
            time.sleep(0.2)
        pytest.fail(f"Rasa did not finish the turn in {timeout}s")


@pytest.fixture
def wechat(stack, wechat_api) -> Iterator[WeChatChat]:
    callbacks = WeChatCallbacks(
        stack["rasa"] + "/webhooks/wechat/webhook",
        token=WECHAT_TOKEN,
        app_id=wechat_api.app_id,
        encoding_aes_key=WECHAT_AES_KEY,
        api=wechat_api,
    )
    chat = WeChatChat(callbacks.user(), wechat_api, stack["rasa"])
    yield chat
    chat.rasa.close()
    callbacks.close()


def test_wechat_customer_is_welcomed_and_checks_a_claim(wechat):
    assert "理赔进度" in wechat.subscribe()  # the bot's own greeting
    assert "后4位" in wechat.say("帮我查一下理赔进度，案号LP2026110390103")
    assert "待补充材料" in wechat.say("9002")
    tracker = wechat.tracker()
    assert tracker["sender_id"] == wechat.openid and tracker["latest_input_channel"] == "wechat"


def test_agent_who_takes_a_wechat_chat_reaches_the_customer_in_wechat(wechat, staff, wechat_api):
    wechat.say("转人工")
    handover = staff.get(f"/api/v1/handovers/by-conversation/{wechat.openid}")
    assert handover.status_code == 200 and handover.json()["channel"] == "wechat"
    handover_id = handover.json()["id"]
    before = len(wechat_api.messages(wechat.openid))

    assert staff.post(f"/api/v1/handovers/{handover_id}/take").status_code == 200
    greeting = wechat_api.wait_for_messages(wechat.openid, before + 1)[-1]  # the agent's hello, via the API
    assert (
        staff.post(
            f"/api/v1/handovers/{handover_id}/messages",
            json={"sender": "agent", "text": "您好，我来帮您查询理赔进度。"},
        ).status_code
        == 201
    )
    assert wechat_api.wait_for_messages(wechat.openid, before + 2)[-2:] == [greeting, "您好，我来帮您查询理赔进度。"]

    # While the agent holds the chat the bot stays quiet, and even a bare emoji reaches the agent.
    assert wechat.user.say("👍").success
    user_lines = [e["text"] for e in wechat.tracker()["events"] if e["event"] == "user"]
    assert user_lines[-1] == "👍"
