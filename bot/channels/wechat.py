"""WeChat official account (公众号) channel: WeChat's callbacks in, passive replies or customer-service
messages out.

Enable it in credentials.yml under `bot.channels.wechat.WeChatInput` (token, app_id, app_secret,
encoding_aes_key, api_base, reply_timeout). Rasa mounts it at `/webhooks/wechat/`; the server URL to
enter in the WeChat admin console is `https://<host>/webhooks/wechat/webhook` (GET: URL verification,
POST: messages). With `encoding_aes_key` set only safe (AES) mode is accepted, else only plaintext.

What each request gets:

- Bad or missing `signature` (or, in safe mode, `msg_signature`): 403, nothing reaches the bot.
- Timestamp more than 5 minutes off, or a nonce already used with a different body: 403.
- Body that is not WeChat's XML (or cannot be decrypted): 400 with a short body; body > 1 MiB: 413.
- Text: handed to the bot as UserMessage(sender_id=openid, input_channel="wechat"). If the bot has
  answered within `reply_timeout` (4 s; WeChat gives up after 5) the answer is the passive reply, its
  messages joined by blank lines and buttons shown as numbered options ("回复数字选择：1. …"); a reply
  that is just such a number is sent to the bot as that button's payload. Otherwise "success" at
  once, and the bot's messages follow through the customer-service API as they come.
- WeChat resends a callback it got no answer to (same MsgId, up to 3 times): the message is handled
  once; a resend waits for the same turn, or gets the same passive reply, or "success".
- Empty or whitespace-only text: `wechat_text.EMPTY` (please type your question).
- Text over 2000 characters: `wechat_text.TOO_LONG` (please shorten or split); not given to the bot.
- Only emoji / WeChat faces: `wechat_text.EMOJI_ONLY` (please describe it in words); not given to the
  bot — unless an agent holds the conversation (tracker paused), who then sees the emoji.
- Image, voice, video, location, link, file: `wechat_text.NON_TEXT` (only text is supported for now).
- Subscribe: the bot runs "/greet", so the welcome is the bot's own. Unsubscribe, menu clicks and
  other events: "success".
- The bot fails: `wechat_text.BOT_ERROR` (please send it again).

None of the refused or defined-reply inputs touches the conversation, so nothing said before is lost.
Agent replies during a take-over reach the customer through `get_output_channel()` (Rasa's
`POST /conversations/{id}/tracker/events?output_channel=wechat&execute_side_effects=true`): the
conversation id is the openid. A failed delivery there raises, so Rasa answers 500 and the agent's
line is not logged as sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels import wechat_text
from bot.channels.wechat_api import DEFAULT_API_BASE, WeChatAPI, WeChatAPIError
from bot.channels.wechat_replay import ReplayGuard
from bot.channels.wechat_text import OfferedChoices, Presentation

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
GREET = "/greet"
MAX_BODY_BYTES = 1 << 20
PASSIVE_MAX_BYTES = 2048  # WeChat drops a passive text reply longer than this
# How long a handled MsgId is remembered: WeChat resends within ~15 s, and a signed request stays
# acceptable up to 10 minutes (wechat_replay), so neither can run the bot a second time.
TURN_MEMORY = 15 * 60.0
SUBSCRIBE_EVENTS = {"subscribe", "subscribe_scan"}

Deliver = Callable[[str, str], Awaitable[None]]


class WeChatTurnOutput(OutputChannel):
    """The bot's messages for one customer message: held for the passive reply, then pushed."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self.turn.add(message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.turn.add({"text": text})


class Turn:
    """One customer message's way through the bot: passive while the first answer is awaited, late
    (customer-service API, in order) from the moment the passive window closed without an answer."""

    def __init__(self, openid: str, deliver: Deliver, choices: OfferedChoices, window: float) -> None:
        self.openid, self._deliver, self._choices = openid, deliver, choices
        self.deadline = time.monotonic() + window
        self.presentation = Presentation()
        self.held: list[dict[str, Any]] = []
        self.state = "waiting"  # -> "passive" (answered in the reply) | "late" (pushed via the API)
        self.passive_text: str | None = None
        self.task: asyncio.Task | None = None
        self._tail: asyncio.Task | None = None  # last queued late delivery; each waits for the one before

    async def add(self, message: dict[str, Any]) -> None:
        if self.state == "waiting":
            self.held.append(message)
        else:
            await self._push([message])

    async def reply(self) -> str | None:
        """The passive reply text for WeChat's request, or None for "success" (the rest comes later)."""
        decided = False
        try:
            remaining = self.deadline - time.monotonic()
            if self.task is not None and not self.task.done() and remaining > 0:
                await asyncio.wait({self.task}, timeout=remaining)  # asyncio.wait never cancels the bot
            if self.state == "passive" or (self.state == "waiting" and self.task is not None and self.task.done()):
                decided = True
                return self._answer_passively()
            return None
        finally:
            if not decided:
                self.go_late()

    def go_late(self) -> None:
        """Stop holding: whatever the bot said so far, and all it says from now on, is pushed."""
        if self.state != "waiting":
            return
        self.state = "late"
        held, self.held = self.held, []
        if held:
            self._enqueue(held)

    def _answer_passively(self) -> str | None:
        if self.state == "passive":
            return self.passive_text
        self.state = "passive"
        texts = [t for t in (self.presentation.render(m) for m in self.held) if t]
        self.held = []
        self._choices.offer(self.openid, self.presentation.options)
        fitting: list[str] = []
        while texts and len("\n\n".join(fitting + texts[:1]).encode()) <= PASSIVE_MAX_BYTES:
            fitting.append(texts.pop(0))
        if texts:  # what does not fit in one passive reply follows as customer-service messages
            self._enqueue_texts(texts)
        self.passive_text = "\n\n".join(fitting) or None
        return self.passive_text

    async def _push(self, messages: list[dict[str, Any]]) -> None:
        task = self._enqueue(messages)
        await asyncio.shield(task)

    def _enqueue(self, messages: list[dict[str, Any]]) -> asyncio.Task:
        texts = []
        for message in messages:
            text = self.presentation.render(message)
            if text:
                texts.append(text)
        self._choices.offer(self.openid, self.presentation.options)
        return self._enqueue_texts(texts)

    def _enqueue_texts(self, texts: list[str]) -> asyncio.Task:
        previous = self._tail

        async def deliver_in_order() -> None:
            if previous is not None:
                await asyncio.wait({previous})
            for text in texts:
                await self._deliver(self.openid, text)

        self._tail = asyncio.get_running_loop().create_task(deliver_in_order())
        return self._tail


class WeChatOutput(OutputChannel):
    """Messages to a customer outside any webhook request (agent replies): customer-service API."""

    def __init__(self, api: WeChatAPI, choices: OfferedChoices) -> None:
        self.api, self.choices = api, choices

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        presentation = Presentation()
        text = presentation.render(message)
        if not text:
            return
        await self.api.send_text(recipient_id, text)
        self.choices.offer(recipient_id, presentation.options)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WeChatInput(InputChannel):
    """WeChat official account callbacks (server URL) as a Rasa input channel."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        """The channel from its credentials.yml section (values arrive as strings from ${ENV} expansion)."""
        if not credentials or not credentials.get("token"):
            cls.raise_missing_credentials_exception()
        return cls(
            token=str(credentials["token"]),
            app_id=str(credentials.get("app_id") or ""),
            app_secret=str(credentials.get("app_secret") or ""),
            encoding_aes_key=str(credentials.get("encoding_aes_key") or ""),
            api_base=str(credentials.get("api_base") or DEFAULT_API_BASE),
            reply_timeout=float(credentials.get("reply_timeout") or 4.0),
        )

    def __init__(
        self,
        token: str,
        app_id: str = "",
        app_secret: str = "",
        encoding_aes_key: str = "",
        api_base: str = DEFAULT_API_BASE,
        reply_timeout: float = 4.0,
    ) -> None:
        self.token, self.app_id, self.reply_timeout = token, app_id, reply_timeout
        # Safe mode needs the AppID: WeChat puts it inside every encrypted message and we check it.
        if encoding_aes_key and not app_id:
            raise ValueError("WeChat safe mode (encoding_aes_key) needs the account's app_id")
        try:
            self.crypto = WeChatCrypto(token, encoding_aes_key, app_id) if encoding_aes_key else None
        except Exception as exc:  # wechatpy asserts on the key length; say which setting is wrong
            raise ValueError("WeChat encoding_aes_key must be the 43-character EncodingAESKey") from exc
        self.api = WeChatAPI(api_base, app_id, app_secret)
        self.choices = OfferedChoices()
        self.replay = ReplayGuard()
        self._turns: OrderedDict[str, tuple[float, Turn]] = OrderedDict()
        if not self.api.configured:
            logger.warning("WeChat app_id/app_secret not set: replies later than %.1f s cannot be sent", reply_timeout)

    def get_output_channel(self) -> OutputChannel:
        """Customer-service messages to the conversation's openid (Rasa's `output_channel=wechat`)."""
        return WeChatOutput(self.api, self.choices)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes under /webhooks/wechat/: GET / (health), GET /webhook (URL check), POST /webhook (messages)."""
        bp = Blueprint("wechat_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """WeChat's server URL check: echo `echostr` back if the signature is ours."""
            if not self._signed(request):
                return response.text("invalid signature", status=403)
            echostr = request.args.get("echostr")
            if not echostr:
                return response.text("missing echostr", status=400)
            return response.text(echostr)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        @bp.listener("after_server_stop")
        async def close_api(*_: Any) -> None:
            await self.api.close()

        return bp

    def _signed(self, request: Request) -> bool:
        try:
            check_signature(
                self.token,
                request.args.get("signature") or "",
                request.args.get("timestamp") or "",
                request.args.get("nonce") or "",
            )
        except InvalidSignatureException:
            return False
        return True

    async def _receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if not self._signed(request):
            logger.warning("WeChat callback with a bad signature refused")
            return response.text("invalid signature", status=403)
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return response.text("body too large", status=413)
        timestamp, nonce = request.args.get("timestamp", ""), request.args.get("nonce", "")
        refused = self.replay.check(timestamp, nonce, body)
        if refused:
            logger.warning("WeChat callback refused: %s", refused)
            return response.text(refused, status=403)

        encrypted = request.args.get("encrypt_type") == "aes"
        if self.crypto is not None and not encrypted:
            return response.text("safe mode: encrypted messages only", status=403)
        if self.crypto is None and encrypted:
            return response.text("encrypted message but no encoding_aes_key configured", status=400)
        try:
            if self.crypto is not None:
                xml = self.crypto.decrypt_message(body, request.args.get("msg_signature") or "", timestamp, nonce)
            else:
                xml = body.decode("utf-8")
        except (InvalidSignatureException, InvalidAppIdException):
            logger.warning("WeChat callback with a bad msg_signature or AppID refused")
            return response.text("invalid signature", status=403)
        except Exception:  # any undecodable envelope: bad base64, padding, UTF-8, XML
            return response.text("malformed message", status=400)
        try:
            message = parse_message(xml)
            if not message.source or message.id is None or message.time is None:  # numeric fields convert here
                raise ValueError("no FromUserName")
        except Exception:
            return response.text("malformed message", status=400)

        try:
            text = await self._answer(message, request, on_new_message)
        except Exception:
            logger.exception("WeChat message %s could not be handled", getattr(message, "id", None))
            text = wechat_text.BOT_ERROR
        if not text:
            return response.text("success")
        xml_reply = TextReply(content=text, message=message).render()
        if self.crypto is not None:
            xml_reply = self.crypto.encrypt_message(xml_reply, nonce, timestamp)
        return response.text(xml_reply, content_type="application/xml; charset=utf-8")

    async def _answer(
        self, message: Any, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> str | None:
        """The passive reply text for a parsed callback (None: "success")."""
        openid = message.source
        if message.type == "text":
            content = message.content or ""
            if not content.strip():
                return wechat_text.EMPTY
            if len(content) > wechat_text.MAX_TEXT_CHARS:
                return wechat_text.TOO_LONG
            if wechat_text.is_emoji_only(content) and not await self._agent_holds(request, openid):
                return wechat_text.EMOJI_ONLY
            key = f"msg:{message.id}" if message.id else f"text:{openid}:{message.time}"
            return await self._turn(key, openid, self.choices.resolve(openid, content), on_new_message)
        if message.type == "event":
            if message.event in SUBSCRIBE_EVENTS:
                return await self._turn(f"subscribe:{openid}:{message.time}", openid, GREET, on_new_message)
            return None
        return wechat_text.NON_TEXT

    async def _turn(
        self, key: str, openid: str, text: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> str | None:
        """Start the bot on a message once per key (WeChat's resends share it) and await its reply."""
        self._forget_old_turns()
        known = self._turns.get(key)
        if known is not None:
            return await known[1].reply()
        turn = Turn(openid, self._push, self.choices, self.reply_timeout)
        self._turns[key] = (time.monotonic() + TURN_MEMORY, turn)
        user_message = UserMessage(text, WeChatTurnOutput(turn), openid, input_channel=CHANNEL, message_id=key)
        turn.task = asyncio.get_running_loop().create_task(self._run_bot(on_new_message, user_message, turn))
        return await turn.reply()

    @staticmethod
    async def _run_bot(
        on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage, turn: Turn
    ) -> None:
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("the bot failed on a WeChat message")
            await turn.add({"text": wechat_text.BOT_ERROR})

    async def _push(self, openid: str, text: str) -> None:
        """A late reply through the customer-service API; failures are logged, never raised."""
        try:
            await self.api.send_text(openid, text)
        except WeChatAPIError as exc:
            logger.error("WeChat customer-service message to %s not delivered: %s", openid, exc)

    async def _agent_holds(self, request: Request, openid: str) -> bool:
        """Whether an agent holds this conversation (Rasa's tracker is paused during a take-over)."""
        agent = getattr(request.app.ctx, "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return False
        try:
            tracker = await store.retrieve(openid)
        except Exception:
            logger.exception("could not read the tracker of %s", openid)
            return False
        return bool(tracker is not None and tracker.is_paused())

    def _forget_old_turns(self) -> None:
        now = time.monotonic()
        while self._turns:
            key, (expires, turn) = next(iter(self._turns.items()))
            if expires > now or (turn.task is not None and not turn.task.done()):
                break
            del self._turns[key]
