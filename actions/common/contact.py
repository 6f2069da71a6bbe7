"""Validation of the contact details every form asks for (format only; the backend re-checks)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.forms import MOBILE, BaseFormValidator, free_text, latest_entity, values_before_this_turn
from actions.common.reply import choice, say
from bot.names import COMPOUND_SURNAMES, SURNAMES
from bot.script import to_simplified

# "我姓黄，手机…" / "电话139… 姓吴": the surname alone is how many customers give their name to a service line.
SURNAME_GIVEN = re.compile(r"(?<![名同])姓\s*([\u4e00-\u9fff]{1,2})\s*(先生|女士|小姐)?")
# …unless it is someone else's surname: "业务员姓孙 你们自己查不到吗？" names the salesman, not the contact
OTHERS_SURNAME = re.compile(r"(?:业务员|代理人|代理|经理|客服|专员|员工|工作人员|查勘员|师傅|医生|他|她|对方|那个?人)"
                            r"\s*(?:也)?姓")
NAME_PREFIX = re.compile(r"^(我叫|我是|叫我|姓名是?|名字是?|本人)[:：]?")


def validate_name(form: BaseFormValidator, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
    name = NAME_PREFIX.sub("", str(value or "").strip()).strip("，。,. ")
    if not 1 <= len(name) <= 20 or re.search(r"\d", name):
        return form.reject(dispatcher, tracker, "person_name", "请告诉我您的姓名（例如：张三，或“王先生”）。")
    if not name_shaped(name) or REPLY_WORDS.fullmatch(to_simplified(name)):
        # ("对" to the name question, right after a time was agreed, had been registered as the contact's name)
        # "到时候她估计还下不了床，我一个人去行不行" to the name question had become the contact's name
        return form.reject(dispatcher, tracker, "person_name",
                           "抱歉，这句话我没法当作姓名登记。请告诉我联系人的姓名（例如：张三，或“王先生”）。")
    return form.accepted("person_name", name)


# Words that answer a question rather than name anyone: yes, no, fillers, "the same as before"
# ("对 就这样" to the name question, said as if confirming, had become the contact's name: several of them too)
# …or courtesies ("OK 麻烦了" to the name question had become the contact's name)
_REPLY = (r"(?:对|是|好|行|嗯|哦|噢|恩|可以|没有|不是|不用|确认|没错|就是|同上|一样|知道了?|收到|就这样|这样|就这个"
          r"|没问题|ok|okay|yes|no|麻烦(?:你|您|晒)?|谢谢(?:你|您)?|多谢|感谢|唔该(?:晒)?|拜托|辛苦(?:你|您)?|thanks?)"
          r"(?:的|啊|呀|吧|了|呢|哈|嗯|喔|哦|啦)*")
REPLY_WORDS = re.compile(rf"{_REPLY}(?:[\s,，]*{_REPLY})*", re.IGNORECASE)


def name_shaped(name: str) -> bool:
    """Could `name` be a person's name: no sentence punctuation, and a Chinese one of at most five characters
    (minority and foreign names written with "·" or in Latin letters may be longer)?"""
    if re.search(r"[，。？！?!,;；、]", name):
        return False
    return "·" in name or "•" in name or len(re.findall(r"[\u4e00-\u9fff]", name)) <= 5


def validate_phone(form: BaseFormValidator, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(value or "")))
    digits = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    if not MOBILE.fullmatch(digits):
        if values_before_this_turn(tracker).get("phone") == value:
            return {"phone": None}  # a number from an earlier message ("编号26110388"), refused only now: dropped
        return form.reject(dispatcher, tracker, "phone", "手机号需要是11位数字（1开头），请重新输入。")
    return form.accepted("phone", digits)


# "是中华的华 不是花" / "不是花，是中华的华": one character of the name put right, told by a word it is in
NAME_CHAR_FIX = re.compile(r"(?:是|应该是|写成)\s*[\u4e00-\u9fff]{0,3}的(?P<new>[\u4e00-\u9fff])\s*[，,]?\s*不是\s*"
                           r"[\u4e00-\u9fff]{0,3}?的?(?P<old>[\u4e00-\u9fff])(?![\u4e00-\u9fff])"
                           r"|不是\s*[\u4e00-\u9fff]{0,3}?的?(?P<old2>[\u4e00-\u9fff])\s*[，,]?\s*(?:而)?是\s*"
                           r"[\u4e00-\u9fff]{0,3}的(?P<new2>[\u4e00-\u9fff])")
# "最后三位是002" / "后四位改成9002": the end of the mobile put right
PHONE_TAIL_FIX = re.compile(r"(?:最后|后|末)\s*(?P<n>[一二两三四五六七八\d])\s*位(?:数字|数)?"
                            r"\s*(?:是|应该是|改成|为|换成)?\s*(?P<digits>\d{1,8})(?!\d)")
COUNTS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}


def name_char_fixed(name: str | None, text: str) -> str | None:
    """`name` with the character the customer says was wrong replaced ("林美花" → "林美华"), if it is in it."""
    match = NAME_CHAR_FIX.search(to_simplified(text))
    if not name or not match:
        return None
    old, new = match.group("old") or match.group("old2"), match.group("new") or match.group("new2")
    return name.replace(old, new) if old in name and old != new else None


def phone_tail_fixed(phone: str | None, text: str) -> str | None:
    """`phone` with its last digits as the customer now says them, if they say as many as they count."""
    match = PHONE_TAIL_FIX.search(unicodedata.normalize("NFKC", text))
    if not phone or not match:
        return None
    count, digits = COUNTS.get(match.group("n")) or int(match.group("n")), match.group("digits")
    return phone[: -count] + digits if len(digits) == count < len(phone) else None


# The customer verified in this chat, offered as the contact of what is booked or filed next (asks.ask): "对",
# "可以", "就用这个", "就是这个号", "用登记的" take the offer.
CONTACT_OFFER = "联系人就用"
# The mobile on record, meant: "打保单上留的那支手机", "就用登记的号码", "还是原来那个电话"
# …or, from whoever just proved a case with its mobile's last digits, "电话就这个手机号"
ON_RECORD = re.compile(r"(?:保单|登记|预留|留|原来|之前|系统)(?:上|里)?(?:留)?的?(?:那个|那支|那部)?"
                       r"(?:手机|电话|号码|号)|(?:用|打)(?:原来|之前|登记|预留)的?(?:那个)?(?:手机|电话|号码|号)?"
                       r"|(?:就|用)(?:用|打)?(?:这个|这支)(?:手机|电话|号码|号)")
TAKES_OFFER = re.compile(r"^(?:对|是|好|行|嗯|可以|没问题|没错|ok|就用|就是|用)|这个号|登记的|原来的|留的"
                         r"|就这么|就这样|照这个|按这个|登记吧", re.IGNORECASE)

# A mobile outside the mainland ("+852 9123 4478", "澳门号码6612 3456"): the records take mainland mobiles only
FOREIGN_MOBILE = re.compile(r"\+\s*(?!86)\d{1,3}[\s-]*\d[\d\s-]{6,}\d"
                            r"|(?:香港|澳门|台湾|海外|国外)(?:的)?(?:手机|电话)?号码?")
ONLY_MAINLAND = "我们的系统目前只能登记内地11位手机号码"

# "对 但是电话换了", "不是我本人": the offer declined, whatever word it starts with
DECLINES_OFFER = re.compile(r"不是|不对|不用|换了|换个|换成|别的|另一个|新号|新的|不要")


async def verified_contact(tracker: Tracker) -> dict[str, str] | None:
    """Name and mobile of the customer whose case was verified in this chat (None: none was, or the proof expired)."""
    token = tracker.get_slot("verification_token")
    if not token:
        return None
    try:
        return await backend().post("/api/v1/verify/contact",
                                    json={"token": token, "conversation_id": tracker.sender_id})
    except ApiError:
        return None


def typed(tracker: Tracker, value: str) -> bool:
    """Did the customer type `value` (digits compared without separators) in this chat?"""
    def plain(text: str) -> str:
        return re.sub(r"[\s-]", "", to_simplified(unicodedata.normalize("NFKC", text)))
    return any(plain(value) in plain(e.get("text") or "") for e in tracker.events if e.get("event") == "user")


def masked_name(name: str) -> str:
    """"林*华", "王*": how a name from the records is shown to whoever proved four digits."""
    return name[0] + "*" * max(len(name) - 2, 1) + (name[-1] if len(name) > 2 else "")


def shown_name(tracker: Tracker, name: str | None) -> str:
    """The contact's name as a read-back shows it: masked when it came from the verified customer's record."""
    return "" if not name else name if typed(tracker, name) else masked_name(name)


def shown_phone(tracker: Tracker, phone: str | None) -> str:
    """The mobile as a read-back shows it: whole when the customer typed it in this chat; masked when it came from
    the verified customer's record (whoever proved four digits need not see the rest)."""
    if not phone:
        return ""
    return phone if typed(tracker, phone) else f"{phone[:3]}****{phone[-4:]}"


class ContactFormValidator(BaseFormValidator):
    """Base for the forms that take the customer's name and mobile (appointments, complaints)."""

    async def extract_phone(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if latest_entity(tracker, "phone"):
            return {}
        text = to_simplified(tracker.latest_message.get("text") or "")
        if not tracker.get_slot("phone") and FOREIGN_MOBILE.search(text) and not any(
                ONLY_MAINLAND in said for said in turns.said(tracker.events)):
            # "电话 +852 9123 4478": said at once why it cannot be taken, and what can — not "11位手机号" over and over
            say(dispatcher, tracker, f"抱歉，{ONLY_MAINLAND}，您留的境外号码登记不了。"
                "方便的话请留一个内地手机号（家人的也可以）；没有的话可以转人工客服，由客服为您登记其他联系方式。",
                [choice("转人工客服", "request_human")])
        if not tracker.get_slot("phone") and ON_RECORD.search(text) and (contact := await verified_contact(tracker)):
            # "打保單上留的那支手機就好" from a customer verified in this chat: the mobile on their records, and
            # their name with it unless another is given ("就打保单上那个号", then "两点" had been asked a name)
            say(dispatcher, tracker, f"好的，就用您登记的手机号（尾号{contact['mobile'][-4:]}）。")
            named = tracker.get_slot("person_name") or latest_entity(tracker, "person_name")
            return {"phone": contact["mobile"]} | ({} if named else {"person_name": contact["name"]})
        fixed = phone_tail_fixed(tracker.get_slot("phone"), tracker.latest_message.get("text") or "")
        return {"phone": fixed} if fixed else {}  # "电话也错了 最后三位是002"

    async def extract_person_name(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        text = to_simplified(tracker.latest_message.get("text") or "").strip()
        offered = tracker.get_slot("requested_slot") == "person_name" and CONTACT_OFFER in turns.last_bot_text(tracker)
        accepts = (tracker.latest_message.get("intent", {}).get("name") == "affirm" or TAKES_OFFER.search(text)) and (
            not DECLINES_OFFER.search(text))
        if offered and accepts and not latest_entity(tracker, "phone") and (contact := await verified_contact(tracker)):
            named = latest_entity(tracker, "person_name")
            if not named or named.get("value") == contact["name"]:  # "对 就是这个号", "林美华 就是保单上这个号码"
                return {"person_name": contact["name"], "phone": contact["mobile"]}
        if fixed := name_char_fixed(tracker.get_slot("person_name"), tracker.latest_message.get("text") or ""):
            return {"person_name": fixed}  # "哎名字打错了 是中华的华 不是花"
        names = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "person_name"]
        if len(names) > 1:
            # "黄志强 电话139… 我阿妈叫何惠芳": the name given first is the speaker's (Rasa's mapping takes the last)
            return {"person_name": names[0]}
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
    text = to_simplified(tracker.latest_message.get("text") or "")
    match = SURNAME_GIVEN.search(text)
    if not match or OTHERS_SURNAME.search(text):
        return None
    said = match.group(1)
    surname = said if said in COMPOUND_SURNAMES else said[0] if said[0] in SURNAMES else None
    return surname + (match.group(2) or "") if surname else None
