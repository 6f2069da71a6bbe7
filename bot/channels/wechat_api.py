"""WeChat's server API as the channel needs it: the access token (cached, refreshed once when WeChat
rejects it) and the customer-service message API for replies that come after the 5-second window."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com"
# invalid credential, invalid access_token, access_token expired: WeChat's ways of saying "get a new token".
TOKEN_REJECTED = {40001, 40014, 42001}
# A token is renewed this long before WeChat says it expires (WeChat keeps the old one valid 5 minutes).
REFRESH_MARGIN = 300.0


class WeChatAPIError(Exception):
    """WeChat answered with an error code, or could not be reached (errcode None)."""

    def __init__(self, errcode: int | None, errmsg: str):
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg


class WeChatAPI:
    """Access token + customer-service messages, over httpx in the running event loop."""

    def __init__(self, base_url: str, app_id: str, app_secret: str, *, timeout: float = 5.0) -> None:
        self.base_url = (base_url or DEFAULT_API_BASE).rstrip("/")
        self.app_id, self.app_secret, self.timeout = app_id, app_secret, timeout
        self._token: str | None = None
        self._token_expires = 0.0
        # Created on first use: both bind to the event loop they are first used in (Rasa's server loop).
        self._lock: asyncio.Lock | None = None
        self._client: httpx.AsyncClient | None = None

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.app_secret)

    async def send_text(self, openid: str, content: str) -> None:
        """Send a text as a customer-service message; raises WeChatAPIError when it was not delivered."""
        await self._post(
            "/cgi-bin/message/custom/send", {"touser": openid, "msgtype": "text", "text": {"content": content}}
        )

    async def access_token(self, *, rejected: str | None = None) -> str:
        """A valid access token: the cached one unless it expired or WeChat just `rejected` it.

        One refresh at a time: callers that queued behind a refresh reuse its token.
        """
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._token and self._token != rejected and time.monotonic() < self._token_expires:
                return self._token
            if not self.configured:
                raise WeChatAPIError(None, "app_id/app_secret not configured")
            body = await self._request(
                "GET",
                "/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret},
            )
            token, expires_in = body.get("access_token"), body.get("expires_in")
            if not isinstance(token, str) or not token:
                raise WeChatAPIError(body.get("errcode"), str(body.get("errmsg", "no access_token in reply")))
            lifetime = float(expires_in) if isinstance(expires_in, int | float) else 7200.0
            self._token = token
            self._token_expires = time.monotonic() + max(lifetime - min(REFRESH_MARGIN, lifetime / 2), 1.0)
            return token

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.aclose()
            except RuntimeError as exc:  # a message still on its way when the server stops
                logger.warning("WeChat API client closed with a request in flight: %s", exc)

    async def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        # ensure_ascii=False: WeChat shows \uXXXX escapes literally instead of decoding them.
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        token = await self.access_token()
        for attempt in (1, 2):
            body = await self._request(
                "POST",
                path,
                params={"access_token": token},
                content=data,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            errcode = body.get("errcode", 0)
            if errcode in TOKEN_REJECTED and attempt == 1:
                logger.info("WeChat rejected the access token (%s); refreshing once", errcode)
                token = await self.access_token(rejected=token)
                continue
            if errcode:
                raise WeChatAPIError(errcode, str(body.get("errmsg", "")))
            return body
        raise AssertionError("unreachable")

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout)
        try:
            response = await self._client.request(method, path, **kwargs)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WeChatAPIError(None, f"{method} {path} failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(body, dict):
            raise WeChatAPIError(None, f"{method} {path}: unexpected reply {body!r:.200}")
        return body
