"""Replay protection for WeChat callbacks: a signed timestamp must be recent and its nonce unused.

In plaintext mode WeChat's signature covers only token, timestamp and nonce — not the body — so a
captured query string could carry any message until its nonce is remembered. The memory is per
process; several Rasa instances behind one URL would need a shared store (Redis SET NX with a TTL).
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict

WINDOW = 300.0  # seconds either side of our clock that a signed timestamp is accepted


class ReplayGuard:
    """Remembers each (timestamp, nonce) for as long as its timestamp is accepted."""

    def __init__(self, window: float = WINDOW, max_entries: int = 200_000) -> None:
        self.window, self.max_entries = window, max_entries
        self._seen: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()

    def check(self, timestamp: str, nonce: str, body: bytes) -> str | None:
        """Why the request must be refused, or None; call only after the signature was verified.

        The same nonce with the very same body is let through: that is WeChat resending a callback
        it got no answer to, and the channel answers it from its de-duplication instead of the bot.
        """
        now = time.time()
        try:
            sent = int(timestamp)
        except (TypeError, ValueError):
            return "timestamp missing or not a number"
        if abs(now - sent) > self.window:
            return "timestamp outside the accepted window"
        self._forget_expired(now)
        key = (timestamp, nonce)
        digest = hashlib.sha256(body).hexdigest()
        seen = self._seen.get(key)
        if seen is not None:
            return None if seen[1] == digest else "nonce already used"
        self._seen[key] = (sent + self.window, digest)
        if len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return None

    def _forget_expired(self, now: float) -> None:
        # Insertion order is close to timestamp order; a few out-of-order entries just live a bit longer.
        while self._seen:
            key, (expires, _) = next(iter(self._seen.items()))
            if expires >= now:
                break
            del self._seen[key]
