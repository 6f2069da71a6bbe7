"""Validation of the contact details every form asks for (format only; the backend re-checks)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common.forms import MOBILE, BaseFormValidator, free_text, latest_entity, values_before_this_turn
from bot.names import COMPOUND_SURNAMES, SURNAMES
from bot.script import to_simplified

# "我姓黄，手机…" / "电话139… 姓吴": the surname alone is how many customers give their name to a service line.
SURNAME_GIVEN = re.compile(r"(?<![名同])姓\s*([\u4e00-\u9fff]{1,2})\s*(先生|女士|小姐)?")
NAME_PREFIX = re.compile(r"^(我叫|我是|叫我|姓名是?|名字是?|本人)[:：]?")


def validate_name(form: BaseFormValidator, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
    name = NAME_PREFIX.sub("", str(value or "").strip()).strip("，。,. ")
    if not 1 <= len(name) <= 20 or re.search(r"\d", name):
        return form.reject(dispatcher, tracker, "person_name", "请告诉我您的姓名（例如：张三，或“王先生”）。")
    return form.accepted("person_name", name)


def validate_phone(form: BaseFormValidator, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(value or "")))
    digits = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    if not MOBILE.fullmatch(digits):
        if values_before_this_turn(tracker).get("phone") == value:
            return {"phone": None}  # a number from an earlier message ("编号26110388"), refused only now: dropped
        return form.reject(dispatcher, tracker, "phone", "手机号需要是11位数字（1开头），请重新输入。")
    return form.accepted("phone", digits)


class ContactFormValidator(BaseFormValidator):
    """Base for the forms that take the customer's name and mobile (appointments, complaints)."""

    async def extract_person_name(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # A bare name is often not tagged by the NLU: take the words when the name was asked for — unless they
        # carry another answer ("改成明天上午11点行不行" to the name question changes the time, names nobody).
        if not latest_entity(tracker, "person_name") and (surname := surname_given(tracker)):
            return {"person_name": surname}
        answer = free_text(tracker, "person_name")
        entities = tracker.latest_message.get("entities", [])
        other = any(e.get("entity") not in ("person_name", "script") for e in entities)
        return {"person_name": answer} if answer and not other and not latest_entity(tracker, "person_name") else {}

    async def validate_person_name(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return validate_name(self, value, dispatcher, tracker)

    async def validate_phone(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return validate_phone(self, value, dispatcher, tracker)


def surname_given(tracker: Tracker) -> str | None:
    """"黄" for "我姓黄" ("黄女士" for "我姓黄，黄女士"), when the message gives the surname and no full name."""
    match = SURNAME_GIVEN.search(to_simplified(tracker.latest_message.get("text") or ""))
    if not match:
        return None
    said = match.group(1)
    surname = said if said in COMPOUND_SURNAMES else said[0] if said[0] in SURNAMES else None
    return surname + (match.group(2) or "") if surname else None
