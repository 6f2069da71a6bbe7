"""The identity acting in a request (a staff member, the bot, or the system sweep)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    full_name: str = ""


SYSTEM = Principal("system", "system", "系统")
