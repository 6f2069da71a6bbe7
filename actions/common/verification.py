"""Identity check through the backend (attempts are counted and limited there, not here)."""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk import Tracker

from actions.common.api import ApiError, backend


@dataclass(frozen=True)
class Verification:
    ok: bool
    token: str | None
    locked: bool
    message: str


async def verify(tracker: Tracker, case_number: str, last4: str) -> Verification:
    """Ask the backend to check `last4` for `case_number` in this conversation."""
    try:
        out = await backend().post(
            "/api/v1/verify", json={"case_number": case_number, "last4": last4, "conversation_id": tracker.sender_id}
        )
    except ApiError as exc:
        return Verification(False, None, exc.status == 429 or bool(exc.detail.get("locked")), exc.message)
    return Verification(True, out["token"], False, "")
