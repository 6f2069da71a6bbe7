"""The WeChat channel on a real Sanic server, called the way WeChat calls it (tests/fakes/wechat.py),
with replies that miss the 5-second window delivered through a fake of WeChat's API servers.

The bot is a stand-in for Rasa's agent (records each UserMessage, answers through the message's output
channel, optionally slowly); the real Rasa round trip is in tests/e2e/test_wechat.py.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.shared.utils.io import read_config_file
from sanic import Sanic

from bot.channels import wechat_text
from bot.channels.wechat import WeChatInput
from bot.channels.wechat_api import WeChatAPIError
from tests.fakes.wechat import (
    FakeWeChatServer,
    FakeWeChatUser,
    WeChatCallbacks,
    free_port,
    message_xml,
    new_encoding_aes_key,
)

TOKEN = "wechat-test-token"
GREETING = "您好！我是保险智能客服，请问有什么可以帮您？"


@dataclass
class StandInBot:
    """Rasa's agent as the channel sees it: `handle_message` answers through the message's output channel."""

    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)  # seconds of "thinking" before the last reply
    fail_on: set[str] = field(default_factory=set)
    received: list[UserMessage] = field(default_factory=list)
    paused: bool = False

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]  # back to the dataclass defaults

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.received]

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text in self.fail_on:
            raise RuntimeError("bot failure")
        replies = self.replies.get(message.text, [{"text": f"收到：{message.text}"}])
        for i, reply in enumerate(replies):
            if i == len(replies) - 1 and message.text in self.delays:
                await asyncio.sleep(self.delays[message.text])
            await message.output_channel.send_response(message.sender_id, dict(reply))

    @property
    def tracker_store(self) -> Any:
        bot = self

        class Store:
            async def retrieve(self, sender_id: str) -> Any:
                return SimpleNamespace(is_paused=lambda: bot.paused)

        return Store()


class ChannelServer:
    """A Sanic app with the channel registered the way `rasa run` registers it, in a background thread."""

    def __init__(self, channel: WeChatInput, bot: StandInBot) -> None:
        self.channel, self.bot = channel, bot
        Sanic.test_mode = True  # several apps per process: Sanic's start-up rewriting must keep the originals
        self.app = Sanic(f"wechat_test_{uuid.uuid4().hex[:8]}")
        self.app.ctx.agent = bot
        register([channel], self.app, route="/webhooks/")
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks/wechat/webhook"

    def run(self, coroutine: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def __enter__(self) -> ChannelServer:
        self.thread.start()

        async def start() -> Any:
            server = await self.app.create_server(
                host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
            )
            # create_server has already bound the socket (it awaits the AsyncioServer itself)
            await server.startup()
            await server.before_start()
            await server.after_start()
            return server

        self.server = self.run(start())
        return self

    def __exit__(self, *_: Any) -> None:
        async def stop() -> None:
            await self.server.before_stop()
            self.server.close()
            await self.server.wait_closed()
            await self.server.after_stop()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def wechat_api() -> Iterator[FakeWeChatServer]:
    with FakeWeChatServer() as server:
        yield server


def _account(wechat_api: FakeWeChatServer, bot: StandInBot, *, aes_key: str = "", reply_timeout: float = 1.0):
    channel = WeChatInput(TOKEN, wechat_api.app_id, wechat_api.app_secret, aes_key, wechat_api.url, reply_timeout)
    server = ChannelServer(channel, bot)
    callbacks = WeChatCallbacks(
        server.url, token=TOKEN, app_id=wechat_api.app_id, encoding_aes_key=aes_key or None, api=wechat_api
    )
    return server, callbacks


@pytest.fixture(scope="module")
def plaintext_account(wechat_api: FakeWeChatServer) -> Iterator[tuple[ChannelServer, WeChatCallbacks]]:
    """One plaintext-mode account with a 1 s passive window; each test writes as a new customer (openid)."""
    server, callbacks = _account(wechat_api, StandInBot())
    with server:
        yield server, callbacks
    callbacks.close()


@pytest.fixture
def bot(plaintext_account) -> StandInBot:
    bot = plaintext_account[0].bot
    bot.reset()
    return bot


@pytest.fixture
def account(plaintext_account, bot) -> tuple[ChannelServer, WeChatCallbacks]:
    return plaintext_account


@pytest.fixture
def customer(account) -> FakeWeChatUser:
    return account[1].user()


# --------------------------------------------------------------------------- server URL and signatures


def test_server_url_check_echoes_echostr(account):
    reply = account[1].verify("7310418237046516210")
    assert reply.status_code == 200 and reply.text == "7310418237046516210"


def test_server_url_check_with_a_forged_signature_is_refused(account):
    assert account[1].verify("42", signature="0" * 40).status_code == 403


def test_message_with_a_forged_signature_is_refused_and_never_reaches_the_bot(customer, bot):
    reply = customer.say("查询理赔进度", query={"signature": "da39a3ee5e6b4b0d3255bfef95601890afd80709"})
    assert reply.status == 403
    assert bot.received == []


def test_message_signed_with_another_token_is_refused(account, bot):
    impostor = WeChatCallbacks(account[0].url, token="not-our-token", app_id="wx0000000000000000")
    assert impostor.user().say("查询理赔进度").status == 403
    assert bot.received == []
    impostor.close()


def test_a_used_nonce_cannot_carry_another_message(customer, bot):
    # Plaintext signatures cover token, timestamp and nonce only: a captured query string is reusable.
    signed = {"timestamp": str(int(time.time())), "nonce": "1405628113"}
    first = customer.say("第一条", **signed)
    replayed = customer.say("伪造的第二条", **signed)
    assert first.text == "收到：第一条"
    assert replayed.status == 403
    assert bot.texts == ["第一条"]


def test_an_identical_replay_is_answered_without_running_the_bot_again(customer, bot):
    xml = message_xml(
        {
            "ToUserName": customer.wechat.account,
            "FromUserName": customer.openid,
            "CreateTime": int(time.time()),
            "MsgType": "text",
            "Content": "我要投诉",
            "MsgId": 6054768590064713728,
        }
    )
    signed = {"timestamp": str(int(time.time())), "nonce": "88123"}
    replies = [customer.wechat.post(customer.openid, xml, **signed) for _ in range(2)]
    assert [r.text for r in replies] == ["收到：我要投诉"] * 2
    assert bot.texts == ["我要投诉"]


@pytest.mark.parametrize("offset", [-360, 360])
def test_a_timestamp_more_than_five_minutes_off_is_refused(customer, bot, offset):
    reply = customer.say("查询理赔进度", timestamp=str(int(time.time()) + offset))
    assert reply.status == 403
    assert bot.received == []


# --------------------------------------------------------------------------------- passive replies


def test_text_message_is_answered_in_the_passive_reply(customer, bot):
    bot.replies["你好"] = [{"text": GREETING}, {"text": "您也可以直接说“查询理赔进度”。"}]
    reply = customer.say("你好")
    assert reply.error is None and reply.text == GREETING + "\n\n您也可以直接说“查询理赔进度”。"
    (message,) = bot.received
    assert (message.text, message.sender_id, message.input_channel) == ("你好", customer.openid, "wechat")
    assert message.output_channel.name() == "wechat"


def test_safe_mode_decrypts_the_message_and_encrypts_the_reply(wechat_api, bot):
    server, callbacks = _account(wechat_api, bot, aes_key=new_encoding_aes_key())
    with server:
        customer = callbacks.user()
        reply = customer.say("查询理赔进度")
        assert reply.error is None and reply.text == "收到：查询理赔进度"  # checked MsgSignature and AppID
        assert "Encrypt" in reply.body and "查询理赔进度" not in reply.body
        assert bot.texts == ["查询理赔进度"]


def test_safe_mode_refuses_plaintext_and_a_forged_msg_signature(wechat_api, bot):
    aes_key = new_encoding_aes_key()
    server, callbacks = _account(wechat_api, bot, aes_key=aes_key)
    plaintext = WeChatCallbacks(server.url, token=TOKEN, app_id=wechat_api.app_id)
    other_app = WeChatCallbacks(server.url, token=TOKEN, app_id="wx1111111111111111", encoding_aes_key=aes_key)
    with server:
        assert plaintext.user().say("明文消息").status == 403
        assert callbacks.user().say("篡改", query={"msg_signature": "0" * 40}).status == 403
        assert other_app.user().say("别的公众号").status == 403  # AppID inside the ciphertext is not ours
        assert bot.received == []
        assert callbacks.user().say("正常消息").text == "收到：正常消息"
    for c in (callbacks, plaintext, other_app):
        c.close()


def test_buttons_become_numbered_options_and_a_number_picks_that_button(customer, bot):
    bot.replies["帮助"] = [
        {
            "text": "请问您想办理哪项业务？",
            "buttons": [
                {"title": "查询理赔进度", "payload": "/claim_progress"},
                {"title": "预约服务", "payload": "/book_appointment"},
            ],
        }
    ]
    reply = customer.say("帮助")
    assert reply.text == "请问您想办理哪项业务？\n回复数字选择：\n1. 查询理赔进度\n2. 预约服务"
    customer.say("２")  # full-width digit, as Chinese input methods often type it
    customer.say("3")  # not an offered option: plain text for the bot
    assert bot.texts == ["帮助", "/book_appointment", "3"]


# ------------------------------------------------------------------- late replies (customer-service API)


def test_a_slow_turn_answers_success_at_once_and_the_replies_follow_in_order(customer, bot, wechat_api):
    bot.replies["我要投诉"] = [{"text": "好的，请描述一下您遇到的问题。"}, {"text": "请问您的诉求是什么？"}]
    bot.delays["我要投诉"] = 1.6
    started = time.monotonic()
    reply = customer.say("我要投诉")
    assert reply.success and time.monotonic() - started < 4.0  # "success" before the bot is done, inside 5 s
    delivered = wechat_api.wait_for_messages(customer.openid, 2)
    assert delivered == ["好的，请描述一下您遇到的问题。", "请问您的诉求是什么？"]  # Chinese, not \\u escapes
    assert bot.texts == ["我要投诉"]


def test_the_access_token_is_cached_and_refreshed_once_when_wechat_rejects_it(bot, wechat_api):
    server, callbacks = _account(wechat_api, bot)  # a channel that has not fetched a token yet
    with server:
        outbox = server.channel.get_output_channel()
        customer = callbacks.user()
        customer.say("你好")
        before = wechat_api.token_requests

        async def three_at_once() -> None:
            await asyncio.gather(*(outbox.send_response(customer.openid, {"text": f"坐席消息{n}"}) for n in range(3)))

        server.run(three_at_once())  # one token fetch serves all three (the others wait for it)
        server.run(outbox.send_response(customer.openid, {"text": "坐席消息3"}))
        assert wechat_api.token_requests == before + 1

        wechat_api.invalidate_tokens()
        server.run(outbox.send_response(customer.openid, {"text": "令牌作废后的消息"}))
        wechat_api.expire_tokens()
        server.run(outbox.send_response(customer.openid, {"text": "令牌过期后的消息"}))
        assert wechat_api.token_requests == before + 3
        delivered = wechat_api.messages(customer.openid)
        assert sorted(delivered[:3]) == ["坐席消息0", "坐席消息1", "坐席消息2"]
        assert delivered[3:] == ["坐席消息3", "令牌作废后的消息", "令牌过期后的消息"]
    callbacks.close()


def test_agent_replies_go_out_through_get_output_channel_to_the_openid(account, wechat_api):
    server, callbacks = account
    customer = callbacks.user()
    customer.say("转人工")
    outbox = server.channel.get_output_channel()
    assert outbox.name() == "wechat"
    server.run(outbox.send_response(customer.openid, {"text": "您好，我是坐席张敏，请问有什么可以帮您？"}))
    assert wechat_api.messages(customer.openid) == ["您好，我是坐席张敏，请问有什么可以帮您？"]


def test_an_undeliverable_agent_reply_raises_so_rasa_does_not_log_it_as_sent(account, wechat_api):
    server, callbacks = account
    silent = callbacks.user()  # never wrote: outside WeChat's 48-hour customer-service window
    with pytest.raises(WeChatAPIError) as refused:
        server.run(server.channel.get_output_channel().send_response(silent.openid, {"text": "在吗"}))
    assert refused.value.errcode == 45015


def test_wechat_resending_a_message_runs_the_bot_once(customer, bot):
    bot.delays["查询理赔进度"] = 0.4
    msg_id = 7_230_118_400_015_611_111
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(customer.say, "查询理赔进度", msg_id=msg_id)
        while not bot.received:  # the resend arrives while the first is still being answered
            time.sleep(0.01)
        resend = pool.submit(customer.say, "查询理赔进度", msg_id=msg_id)
        replies = [first.result(), resend.result()]
    later = customer.say("查询理赔进度", msg_id=msg_id)
    assert [r.text for r in replies + [later]] == ["收到：查询理赔进度"] * 3
    assert bot.texts == ["查询理赔进度"]


def test_a_resend_after_the_window_closed_gets_success_and_the_reply_comes_once(customer, bot, wechat_api):
    bot.delays["慢问题"] = 1.5
    assert customer.say("慢问题", msg_id=5_550_000_000_000_000_001).success
    assert customer.say("慢问题", msg_id=5_550_000_000_000_000_001).success
    assert wechat_api.wait_for_messages(customer.openid, 1) == ["收到：慢问题"]
    assert bot.texts == ["慢问题"]


# ----------------------------------------------------------------------------------- events


def test_subscribing_runs_the_bots_greeting(customer, bot):
    bot.replies["/greet"] = [{"text": GREETING}]
    assert customer.subscribe().text == GREETING
    assert bot.texts == ["/greet"]


def test_unsubscribing_is_acknowledged_without_the_bot(customer, bot):
    assert customer.unsubscribe().success
    assert bot.received == []


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", wechat_text.EMPTY),
        ("   \n ", wechat_text.EMPTY),
        ("理" * (wechat_text.MAX_TEXT_CHARS + 1), wechat_text.TOO_LONG),
        ("👍", wechat_text.EMOJI_ONLY),
        ("[微笑][微笑]", wechat_text.EMOJI_ONLY),
        ("😂🙏🏻", wechat_text.EMOJI_ONLY),
    ],
    ids=["empty", "whitespace", "oversized", "thumbs-up", "wechat-faces", "emoji-with-skin-tone"],
)
def test_input_the_bot_cannot_use_gets_a_defined_reply_and_loses_nothing(customer, bot, content, expected):
    customer.say("我要预约")
    reply = customer.say(content)
    assert reply.status == 200 and reply.text == expected
    assert customer.say("明天下午三点").text == "收到：明天下午三点"
    assert bot.texts == ["我要预约", "明天下午三点"]


def test_a_message_of_exactly_the_limit_reaches_the_bot(customer, bot):
    text = "赔" * wechat_text.MAX_TEXT_CHARS
    customer.say(text)
    assert bot.texts == [text]


@pytest.mark.parametrize("kind", ["send_image", "send_voice", "send_location"])
def test_non_text_messages_get_a_polite_text_only_reply(customer, bot, kind):
    reply = getattr(customer, kind)()
    assert reply.text == wechat_text.NON_TEXT
    assert bot.received == []


@pytest.mark.parametrize(
    "body",
    [b"<xml><ToUserName>gh_3f2a1b0c9d8e", b"not xml at all", b"", b"<xml><Content>no sender</Content></xml>"],
    ids=["truncated", "not-xml", "empty", "no-sender"],
)
def test_malformed_xml_is_a_400_and_nothing_reaches_the_bot(customer, bot, body):
    reply = customer.wechat.post(customer.openid, "", raw_body=body)
    assert reply.status == 400 and len(reply.body) < 100
    assert bot.received == []
    assert customer.say("还在吗").text == "收到：还在吗"


def test_emoji_reaches_the_agent_while_an_agent_holds_the_conversation(customer, bot):
    bot.paused = True
    bot.replies["👍"] = []  # a paused tracker only logs the message
    assert customer.say("👍").success
    assert bot.texts == ["👍"]


def test_a_failing_bot_turn_gets_an_apology(customer, bot):
    bot.fail_on.add("出错的消息")
    assert customer.say("出错的消息").text == wechat_text.BOT_ERROR
    assert customer.say("下一条").text == "收到：下一条"


def test_a_turn_too_long_for_one_passive_reply_sends_the_rest_later(customer, bot, wechat_api):
    first, second = "条款说明" * 100, "后续说明" * 100  # 1200 bytes each in UTF-8
    bot.replies["保险条款"] = [{"text": first}, {"text": second}]
    assert customer.say("保险条款").text == first
    assert wechat_api.wait_for_messages(customer.openid, 1) == [second]


# ------------------------------------------------------------------------------- wiring


def test_credentials_yml_enables_the_channel_from_the_environment(monkeypatch):
    monkeypatch.setenv("WECHAT_TOKEN", "t0ken")
    monkeypatch.setenv("WECHAT_APP_ID", "wx5f1d3c2b7a9e8d60")
    monkeypatch.setenv("WECHAT_APP_SECRET", "s3cret")
    monkeypatch.setenv("WECHAT_ENCODING_AES_KEY", "")
    monkeypatch.setenv("WECHAT_API_BASE", "http://127.0.0.1:8911")
    monkeypatch.setenv("WECHAT_REPLY_TIMEOUT", "3.5")
    credentials = read_config_file(str(Path(__file__).parents[2] / "credentials.yml"))
    channel = WeChatInput.from_credentials(credentials["bot.channels.wechat.WeChatInput"])
    assert (channel.token, channel.app_id, channel.crypto, channel.reply_timeout) == (
        "t0ken",
        "wx5f1d3c2b7a9e8d60",
        None,
        3.5,
    )
    assert channel.api.base_url == "http://127.0.0.1:8911"


@pytest.mark.parametrize("text", ["👍", "😀😀", "[微笑]", "/::)", "👍🏻", "❤️", "👨‍👩‍👧", "🙏 🙏", "👍！"])
def test_emoji_only_texts(text):
    assert wechat_text.is_emoji_only(text)


@pytest.mark.parametrize("text", ["理赔", "好的👍", "[理赔]", "123", "？", "ok", "谢谢[微笑]"])
def test_texts_with_words_are_not_emoji_only(text):
    assert not wechat_text.is_emoji_only(text)
