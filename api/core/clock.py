"""The one source of 'now' (aware, UTC); tests and the sweep can pass their own."""

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local(moment: dt.datetime) -> dt.datetime:
    """The moment in Asia/Shanghai, for display and calendar arithmetic."""
    return moment.astimezone(SHANGHAI)
