"""Reading a part of a message with the assistant's own NLU (the Rasa server's token-protected /model/parse).

A message that asks two things gets one intent and one FAQ topic; its second question is read on its own here.
Where the Rasa server is not reachable (unit tests, a restart) the part is simply not read: the customer still
gets the answer to the first question."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import httpx

from actions.common.settings import ROOT

log = logging.getLogger(__name__)
TIMEOUT = 2.0


def _where() -> tuple[str, str]:
    url = os.environ.get("RASA_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    if not token and (saved := Path(ROOT / "var" / "rasa_token")).exists():
        token = saved.read_text().strip()  # written by scripts/run-rasa.sh
    return url.rstrip("/"), token


async def parse(text: str) -> dict | None:
    """NLU's reading of `text`, or None when the Rasa server cannot be asked."""
    url, token = _where()
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            reply = await client.post(f"{url}/model/parse", params={"token": token}, json={"text": text})
        reply.raise_for_status()
        return reply.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("could not read a part of a message: %s", exc)
        return None
