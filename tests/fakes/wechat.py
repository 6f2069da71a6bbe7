"""A local WeChat: the API servers an official account calls, and WeChat's side of the callbacks.

- `FakeWeChatServer`: `GET /cgi-bin/token` and `POST /cgi-bin/message/custom/send` with WeChat's
  rules and error codes (access tokens expire, a new token leaves the old one valid for 5 minutes,
  customer-service messages only to a customer who wrote in the last 48 hours, \\uXXXX escapes in
  the JSON shown literally as WeChat does), plus test-only endpoints under `/__fake__/` to read
  delivered messages and to expire or invalidate tokens. Runs in a thread or as a process:
  `python -m tests.fakes.wechat --port 8911 --app-id wx… --app-secret …`.
- `WeChatCallbacks` / `FakeWeChatUser`: deliver messages to an account's server URL exactly as
  WeChat does — signed query string, plaintext or safe (AES) mode, MsgId, a 5-second timeout with
  resends — and check the passive reply the way WeChat does before showing it.

WeChat's signing and encryption are implemented here independently of wechatpy (which the channel
uses), from WeChat's documentation, so each side checks the other. Only stdlib, httpx and
cryptography: usable from both venvs.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import socket
import string
import struct
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TOKEN_LIFETIME = 7200
OLD_TOKEN_GRACE = 300  # WeChat: after a refresh the previous token stays usable for 5 minutes
SERVICE_WINDOW = 48 * 3600  # customer-service messages: only within 48 h of the customer's last message
WECHAT_TIMEOUT = 5.0  # WeChat drops the callback after 5 s and resends it (3 times)

# A JSON \uXXXX escape (not an escaped backslash followed by "u").
_UNESCAPED_U = re.compile(r"(?<!\\)((?:\\\\)*)\\u(?=[0-9a-fA-F]{4})")

# ---------------------------------------------------------------------------------------- crypto


def signature(*parts: str) -> str:
    """WeChat's callback signature: SHA-1 of the sorted parts concatenated."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


class MessageCipher:
    """WeChat's message encryption (AES-256-CBC, IV = first 16 key bytes, PKCS#7 to 32-byte blocks)
    of random(16) + length(4, big-endian) + message + AppID, base64 encoded."""

    def __init__(self, encoding_aes_key: str, app_id: str) -> None:
        self.key = base64.b64decode(encoding_aes_key + "=")
        if len(self.key) != 32:
            raise ValueError("EncodingAESKey must be 43 characters of base64")
        self.app_id = app_id

    def encrypt(self, message: str) -> str:
        body = message.encode()
        plain = os.urandom(16) + struct.pack(">I", len(body)) + body + self.app_id.encode()
        pad = 32 - len(plain) % 32
        plain += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> tuple[str, str]:
        """(message, AppID found inside); raises ValueError on anything malformed."""
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= 32:
            raise ValueError("bad padding")
        plain = plain[:-pad]
        (length,) = struct.unpack(">I", plain[16:20])
        return plain[20 : 20 + length].decode(), plain[20 + length :].decode()


def new_encoding_aes_key() -> str:
    """A fresh EncodingAESKey as the WeChat admin console generates it (43 base64 characters)."""
    return base64.b64encode(os.urandom(32)).decode().rstrip("=")


def new_openid() -> str:
    return "o" + "".join(secrets.choice(string.ascii_letters + string.digits + "_-") for _ in range(27))


# ---------------------------------------------------------------------------------- API servers


@dataclass
class _State:
    app_id: str
    app_secret: str
    token_lifetime: int = TOKEN_LIFETIME
    require_recent_message: bool = True
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expires at (epoch)
    invalidated: set[str] = field(default_factory=set)
    token_requests: int = 0
    send_requests: int = 0
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    last_message_from: dict[str, float] = field(default_factory=dict)


class FakeWeChatServer:
    """WeChat's API servers for one official account, on 127.0.0.1 in a background thread."""

    def __init__(self, app_id: str = "wx5f1d3c2b7a9e8d60", app_secret: str = "", port: int = 0) -> None:
        self.state = _State(app_id, app_secret or secrets.token_hex(16))
        self.lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def app_id(self) -> str:
        return self.state.app_id

    @property
    def app_secret(self) -> str:
        return self.state.app_secret

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeWeChatServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-wechat", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeWeChatServer:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    # What tests (and the test-only endpoints) use.

    def messages(self, openid: str) -> list[str]:
        """Texts delivered to the customer through the customer-service API, in order."""
        with self.lock:
            return [m["text"]["content"] for m in self.state.messages.get(openid, []) if m.get("msgtype") == "text"]

    def wait_for_messages(self, openid: str, count: int, timeout: float = 10.0) -> list[str]:
        """Poll until `count` customer-service messages reached `openid` (AssertionError if not in time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            delivered = self.messages(openid)
            if len(delivered) >= count:
                return delivered
            time.sleep(0.02)
        raise AssertionError(f"{openid} got {self.messages(openid)!r}, expected {count} messages")

    @property
    def token_requests(self) -> int:
        return self.state.token_requests

    def expire_tokens(self) -> None:
        """Every issued token is past its lifetime: WeChat answers 42001."""
        with self.lock:
            self.state.tokens = dict.fromkeys(self.state.tokens, 0.0)

    def invalidate_tokens(self) -> None:
        """Every issued token is revoked (e.g. the secret was reset, another server refreshed): 40001."""
        with self.lock:
            self.state.invalidated |= set(self.state.tokens)

    def customer_wrote(self, openid: str) -> None:
        """The customer sent the account a message: opens the 48-hour customer-service window."""
        with self.lock:
            self.state.last_message_from[openid] = time.time()

    def customer_left(self, openid: str) -> None:
        with self.lock:
            self.state.last_message_from.pop(openid, None)

    # WeChat's endpoints.

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            self.state.token_requests += 1
            if query.get("grant_type") != "client_credential":
                return {"errcode": 40002, "errmsg": "invalid grant_type"}
            if not query.get("appid"):
                return {"errcode": 41002, "errmsg": "appid missing"}
            if query["appid"] != self.state.app_id:
                return {"errcode": 40013, "errmsg": "invalid appid"}
            if not query.get("secret"):
                return {"errcode": 41004, "errmsg": "appsecret missing"}
            if query["secret"] != self.state.app_secret:
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            now = time.time()
            for old, expires in self.state.tokens.items():
                self.state.tokens[old] = min(expires, now + OLD_TOKEN_GRACE)
            token = secrets.token_urlsafe(96)
            self.state.tokens[token] = now + self.state.token_lifetime
            return {"access_token": token, "expires_in": self.state.token_lifetime}

    def _check_token(self, token: str | None) -> dict[str, Any] | None:
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        if token not in self.state.tokens or token in self.state.invalidated:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if self.state.tokens[token] <= time.time():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def _custom_send(self, query: dict[str, str], body: bytes) -> dict[str, Any]:
        with self.lock:
            self.state.send_requests += 1
            refused = self._check_token(query.get("access_token"))
            if refused:
                return refused
            try:
                # WeChat does not decode \uXXXX escapes: the customer would see them as typed.
                message = json.loads(_UNESCAPED_U.sub(r"\1\\\\u", body.decode("utf-8")))
            except (UnicodeDecodeError, ValueError):
                return {"errcode": 47001, "errmsg": "data format error"}
            if not isinstance(message, dict):
                return {"errcode": 47001, "errmsg": "data format error"}
            openid = message.get("touser")
            if not isinstance(openid, str) or not re.fullmatch(r"o[\w-]{27}", openid):
                return {"errcode": 40003, "errmsg": "invalid openid"}
            if message.get("msgtype") != "text":
                return {"errcode": 40008, "errmsg": "invalid message type"}
            content = (message.get("text") or {}).get("content") if isinstance(message.get("text"), dict) else None
            if not isinstance(content, str) or not content:
                return {"errcode": 44004, "errmsg": "text content is empty"}
            wrote = self.state.last_message_from.get(openid)
            if self.state.require_recent_message and (wrote is None or time.time() - wrote > SERVICE_WINDOW):
                return {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
            self.state.messages.setdefault(openid, []).append(message)
            return {"errcode": 0, "errmsg": "ok"}

    def _fake(self, method: str, path: str, query: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        """Test-only controls, for tests in another process than this server."""
        action = path.removeprefix("/__fake__/")
        payload = json.loads(body or b"{}") if method == "POST" else {}
        if method == "GET" and action == "messages":
            return 200, {"messages": self.messages(query.get("touser", ""))}
        if method == "GET" and action == "stats":
            return 200, {"token_requests": self.state.token_requests, "send_requests": self.state.send_requests}
        if method == "POST" and action == "tokens/expire":
            self.expire_tokens()
            return 200, {"ok": True}
        if method == "POST" and action == "tokens/invalidate":
            self.invalidate_tokens()
            return 200, {"ok": True}
        if method == "POST" and action == "customer-wrote":
            self.customer_wrote(payload["openid"])
            return 200, {"ok": True}
        if method == "POST" and action == "customer-left":
            self.customer_left(payload["openid"])
            return 200, {"ok": True}
        return 404, {"error": "unknown fake endpoint"}


def _handler(server: FakeWeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._dispatch("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._dispatch("POST")

        def _dispatch(self, method: str) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, reply = 200, None
            if url.path.startswith("/__fake__/"):
                status, reply = server._fake(method, url.path, query, body)
            elif method == "GET" and url.path == "/cgi-bin/token":
                reply = server._token(query)
            elif method == "POST" and url.path == "/cgi-bin/message/custom/send":
                reply = server._custom_send(query, body)
            else:  # WeChat answers unknown API paths with HTTP 200 and an error code
                reply = {"errcode": 48001, "errmsg": "api unauthorized"}
            data = json.dumps(reply, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; encoding=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


# ------------------------------------------------------------------------------------ callbacks


@dataclass
class Passive:
    """What came back from the account's server URL, as WeChat reads it."""

    status: int
    body: str
    text: str | None = None  # the passive text reply, decrypted
    fields: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # why WeChat would refuse it (the customer would see "暂时无法提供服务")

    @property
    def success(self) -> bool:
        """Acknowledged without a passive reply ("success" or empty): any reply comes later."""
        return self.status == 200 and self.body in ("", "success")


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(fields: dict[str, Any]) -> str:
    """WeChat's callback XML: strings in CDATA, numbers bare."""
    nodes = [f"<{k}>{v if isinstance(v, int) else _cdata(str(v))}</{k}>" for k, v in fields.items()]
    return "<xml>" + "".join(nodes) + "</xml>"


class WeChatCallbacks:
    """WeChat's servers calling one official account's server URL (what the admin console configures)."""

    def __init__(
        self,
        url: str,
        *,
        token: str,
        app_id: str,
        encoding_aes_key: str | None = None,
        account: str = "gh_3f2a1b0c9d8e",
        api: FakeWeChatServer | str | None = None,
        timeout: float = WECHAT_TIMEOUT,
    ) -> None:
        self.url, self.token, self.app_id, self.account = url, token, app_id, account
        self.cipher = MessageCipher(encoding_aes_key, app_id) if encoding_aes_key else None
        self.api = api
        self.http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def user(self, openid: str | None = None) -> FakeWeChatUser:
        return FakeWeChatUser(self, openid or new_openid())

    def signed_query(self, *, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(10**10))
        return {"signature": signature(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    def verify(self, echostr: str | None = None, **query: str) -> httpx.Response:
        """The URL check the admin console runs when the server URL is saved."""
        params = self.signed_query() | {"echostr": echostr or str(secrets.randbelow(10**18))} | query
        return self.http.get(self.url, params=params)

    def post(
        self,
        openid: str,
        xml: str,
        *,
        timestamp: str | None = None,
        nonce: str | None = None,
        query: dict[str, str] | None = None,
        resends: int = 0,
        raw_body: bytes | None = None,
    ) -> Passive:
        """Deliver one callback; resends (fresh signature, same message) when no answer came in 5 s."""
        if self.api is not None:
            self._customer_wrote(openid)
        for attempt in range(resends + 1):
            params = self.signed_query(timestamp=timestamp, nonce=nonce) | {"openid": openid}
            body = raw_body if raw_body is not None else xml.encode()
            if self.cipher is not None and raw_body is None:
                encrypted = self.cipher.encrypt(xml)
                params |= {
                    "encrypt_type": "aes",
                    "msg_signature": signature(self.token, params["timestamp"], params["nonce"], encrypted),
                }
                body = message_xml({"ToUserName": self.account, "Encrypt": encrypted}).encode()
            params |= query or {}
            try:
                response = self.http.post(self.url, params=params, content=body, headers={"Content-Type": "text/xml"})
            except httpx.TimeoutException:
                if attempt == resends:
                    raise
                continue
            return self._read_reply(response, openid)
        raise AssertionError("unreachable")

    def _read_reply(self, response: httpx.Response, openid: str) -> Passive:
        passive = Passive(response.status_code, response.text)
        if passive.status != 200 or passive.success:
            return passive
        try:
            root = ET.fromstring(passive.body)
            outer = {child.tag: child.text or "" for child in root}
            if self.cipher is not None:
                if "Encrypt" not in outer:
                    return _refused(passive, "safe mode but the reply is not encrypted")
                expected = signature(self.token, outer.get("TimeStamp", ""), outer.get("Nonce", ""), outer["Encrypt"])
                if outer.get("MsgSignature") != expected:
                    return _refused(passive, "reply MsgSignature does not match")
                inner, app_id = self.cipher.decrypt(outer["Encrypt"])
                if app_id != self.app_id:
                    return _refused(passive, "reply encrypted for another AppID")
                outer = {child.tag: child.text or "" for child in ET.fromstring(inner)}
        except (ET.ParseError, ValueError) as exc:
            return _refused(passive, f"reply is not WeChat XML: {exc}")
        passive.fields = outer
        if outer.get("ToUserName") != openid or outer.get("FromUserName") != self.account:
            return _refused(passive, "reply addressed to someone else")
        if outer.get("MsgType") == "text":
            passive.text = outer.get("Content", "")
        return passive

    def _customer_wrote(self, openid: str) -> None:
        if isinstance(self.api, FakeWeChatServer):
            self.api.customer_wrote(openid)
        elif isinstance(self.api, str):
            httpx.post(self.api.rstrip("/") + "/__fake__/customer-wrote", json={"openid": openid}, timeout=5)


def _refused(passive: Passive, reason: str) -> Passive:
    passive.error = reason
    return passive


class FakeWeChatUser:
    """One customer (openid) writing to the official account."""

    def __init__(self, wechat: WeChatCallbacks, openid: str) -> None:
        self.wechat, self.openid = wechat, openid

    def _send(self, fields: dict[str, Any], **options: Any) -> Passive:
        base = {"ToUserName": self.wechat.account, "FromUserName": self.openid, "CreateTime": int(time.time())}
        return self.wechat.post(self.openid, message_xml(base | fields), **options)

    def say(self, content: str, *, msg_id: int | None = None, **options: Any) -> Passive:
        """A text message, as typed in the chat."""
        return self._send({"MsgType": "text", "Content": content, "MsgId": msg_id or new_msg_id()}, **options)

    def subscribe(self, **options: Any) -> Passive:
        return self._send({"MsgType": "event", "Event": "subscribe", "EventKey": ""}, **options)

    def unsubscribe(self, **options: Any) -> Passive:
        return self._send({"MsgType": "event", "Event": "unsubscribe", "EventKey": ""}, **options)

    def send_image(self, **options: Any) -> Passive:
        return self._send(
            {
                "MsgType": "image",
                "PicUrl": "http://mmbiz.qpic.cn/mmbiz/fake.jpg",
                "MediaId": secrets.token_urlsafe(48),
                "MsgId": new_msg_id(),
            },
            **options,
        )

    def send_voice(self, **options: Any) -> Passive:
        return self._send(
            {"MsgType": "voice", "MediaId": secrets.token_urlsafe(48), "Format": "amr", "MsgId": new_msg_id()},
            **options,
        )

    def send_location(self, **options: Any) -> Passive:
        return self._send(
            {
                "MsgType": "location",
                "Location_X": "31.230416",
                "Location_Y": "121.473701",
                "Scale": 15,
                "Label": "上海市黄浦区",
                "MsgId": new_msg_id(),
            },
            **options,
        )


def new_msg_id() -> int:
    return 10**18 + secrets.randbelow(9 * 10**18)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake WeChat API servers for local end-to-end runs.")
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--app-id", default=os.environ.get("WECHAT_APP_ID", "wx5f1d3c2b7a9e8d60"))
    parser.add_argument("--app-secret", default=os.environ.get("WECHAT_APP_SECRET", "fake-wechat-secret"))
    args = parser.parse_args()
    server = FakeWeChatServer(args.app_id, args.app_secret, args.port)
    print(f"fake WeChat API at {server.url} (appid {server.app_id})", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
