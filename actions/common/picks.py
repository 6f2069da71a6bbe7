"""A button picked in words instead of a click: "第二个那笔", "最后那个", "审核中的那个"."""

from __future__ import annotations

import json
import re

import cn2an
from rasa_sdk import Tracker

from actions.common import turns
from bot.script import to_simplified

# "第二个那笔", "第2个", "最后一个": a button picked by its place instead of a click.
# (Not "第二天下午" or "第三次": days and times are dates, not places in a list.)
# (Nor "最后三位是002": the last digits of a number.)
ORDINAL = re.compile(r"第\s*([一二两三四五六七八1-8])(?![\d一二三四五六七八九十]|\s*[天周年月日次期号])"
                     r"|(最后|倒数第一)(?!\s*[一二两三四五六七八九\d]\s*(?:位|码|个数|个号|个字))")
ORDINAL_VALUES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8} | {
    str(n): n for n in range(1, 9)}


def last_buttons(tracker: Tracker) -> list[dict]:
    """The buttons the bot showed last, in its reply to the customer's previous message (or already in this
    turn)."""
    shown = [(e.get("data") or {}).get("buttons") for e in turns.reply(tracker, 1) + turns.reply(tracker)
             if e.get("event") == "bot"]
    return next((buttons for buttons in reversed(shown) if buttons), [])


TITLE_PARTS = re.compile(r"[^（）()，,、：:\s|]+")


def picked_button(text: str, buttons: list[dict]) -> dict | None:
    """The button picked by its place ("第二个", "最后那个") or by a part of its title that no other button has
    ("审核中的那个" among "LP…（受理中，…）" and "LP…（审核中，…）")."""
    match = ORDINAL.search(text)
    if match:
        index = len(buttons) - 1 if match.group(2) else ORDINAL_VALUES[match.group(1)] - 1
        return buttons[index] if 0 <= index < len(buttons) else None
    if (by_amount := picked_by_amount(text, buttons)) is not None:
        return by_amount
    parts = [set(TITLE_PARTS.findall(str(b.get("title") or ""))) for b in buttons]
    named = {k for k, own in enumerate(parts) for part in own - set().union(*parts[:k], *parts[k + 1:])
             if len(part) >= 2 and said_whole(part, text)}
    return buttons[named.pop()] if len(named) == 1 else None


AMOUNT = re.compile(r"(\d+)元")
NUMBER = re.compile(r"\d+")


# "金额大的那个", "钱多的那笔", "小的那个": the largest or the smallest amount among the buttons
BIGGEST = re.compile(r"(?:金额|钱|数目|赔款)?(?:最?大|较大|最多|多)的?(?:那|嗰)")
SMALLEST = re.compile(r"(?:金额|钱|数目|赔款)?(?:最?小|较小|最少|少)的?(?:那|嗰)")


def picked_by_amount(text: str, buttons: list[dict]) -> dict | None:
    """The one button whose amount ("…，12800元）") the customer said, in digits or words ("一万二千八的那笔"), or
    the largest or smallest of them, said so ("就是金额大的那个")."""
    said = {int(n) for n in NUMBER.findall(in_digits(text))}
    named = [b for b in buttons if said & {int(a) for a in AMOUNT.findall(str(b.get("title") or ""))}]
    if len(named) == 1:
        return named[0]
    amounts = [(int(found[0]), b) for b in buttons if (found := AMOUNT.findall(str(b.get("title") or "")))]
    if len(amounts) == len(buttons) > 1 and len({a for a, _ in amounts}) == len(amounts):
        if BIGGEST.search(text) and not SMALLEST.search(text):
            return max(amounts, key=lambda ab: ab[0])[1]
        if SMALLEST.search(text) and not BIGGEST.search(text):
            return min(amounts, key=lambda ab: ab[0])[1]
    return None


def in_digits(text: str) -> str:
    """`text` with its Chinese numerals as digits ("一万二千八的那笔" → "12800的那笔"), or unchanged."""
    try:
        return cn2an.transform(text, "cn2an")
    except (ValueError, KeyError, IndexError):  # cn2an gives up on some mixed wording
        return text


def said_whole(part: str, text: str) -> bool:
    """Is `part` in `text`, not as a piece of a longer number or word ("13" of 13:00 is not in 13816620457)?"""
    before = r"(?<![0-9A-Za-z])" if part[0].isascii() and part[0].isalnum() else ""
    after = r"(?![0-9A-Za-z])" if part[-1].isascii() and part[-1].isalnum() else ""
    return re.search(before + re.escape(part) + after, text) is not None


def picked_button_entities(tracker: Tracker) -> dict:
    """The entities of the button the customer picked in words among the bot's last buttons ({} if none)."""
    buttons = last_buttons(tracker)
    button = picked_button(to_simplified(tracker.latest_message.get("text") or ""), buttons) if buttons else None
    return button_entities(button) if button else {}


def button_entities(button: dict) -> dict:
    """The entities a quick-reply button sends ('/inform{"time": "…"}' → {"time": "…"}; {} if none)."""
    payload = str(button.get("payload") or "")
    start = payload.find("{")
    try:
        entities = json.loads(payload[start:]) if start > 0 else {}
    except ValueError:
        return {}
    return entities if isinstance(entities, dict) else {}
