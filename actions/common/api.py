"""The one HTTP client of the case backend used by every action (created lazily, token cached)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from actions.common.settings import get_settings

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A backend answer other than success; `message` is the backend's Chinese text for the customer."""

    def __init__(self, status: int, detail: dict | None):
        self.status = status
        self.detail = detail or {}
        self.message = self.detail.get("message") or "系统暂时繁忙，请稍后再试。"
        super().__init__(f"{status}: {self.detail}")


class BackendUnavailable(ApiError):
    def __init__(self, reason: str):
        super().__init__(503, {"message": "抱歉，系统暂时无法连接，请稍后再试，或转人工客服。", "reason": reason})


class Backend:
    """Async client with the service identity's bearer token, refreshed on 401."""

    def __init__(self) -> None:
        settings = get_settings()
        self._settings = settings
        self._client = httpx.AsyncClient(base_url=settings.api_url, timeout=settings.timeout)
        self._token: str | None = None
        self._lock = asyncio.Lock()

    async def _login(self) -> str:
        async with self._lock:
            if self._token is None:
                r = await self._client.post(
                    "/api/v1/auth/token",
                    data={"username": self._settings.username, "password": self._settings.password},
                )
                if r.status_code != 200:
                    raise BackendUnavailable(f"login failed: {r.status_code}")
                self._token = r.json()["access_token"]
            return self._token

    async def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> Any:
        """Call the backend; raise ApiError with the backend's message on failure."""
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {await self._login()}"}
            if token:
                headers["X-Verification-Token"] = token
            try:
                r = await self._client.request(method, path, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                log.warning("backend %s %s failed: %s", method, path, exc)
                raise BackendUnavailable(str(exc)) from exc
            if r.status_code == 401 and attempt == 1:
                self._token = None  # expired: log in again once
                continue
            if r.status_code >= 400:
                try:
                    detail = r.json().get("detail")
                except ValueError:
                    detail = None
                raise ApiError(r.status_code, detail if isinstance(detail, dict) else {"message": None})
            return r.json()
        raise BackendUnavailable("unauthorised")

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await self.request("POST", path, **kwargs)


_backend: Backend | None = None


def backend() -> Backend:
    """The process-wide client (created on first use, never at import)."""
    global _backend
    if _backend is None:
        _backend = Backend()
    return _backend
