"""Words about the customer's own personal data and the requests about it (RULES §7), shared by the request's
form and by the claim and complaint look-ups that give way to a request's own look-up."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from bot.identifiers import CASE_NUMBERS, DATA_REQUEST_NUMBER
from bot.script import to_simplified

# The customer's own data, however it is called ("我的资料", "个人信息", "我在你们这的数据"); not "我的预约信息"
OWN_DATA = re.compile(r"(?:个人|我的|本人|我在你们(?:这|那)边?的?)(?:个人)?(?:信息|资料|数据|隐私)|隐私|個人資料")
# How a request stands: "进度", "办得怎么样了", "到哪一步", "有结果了吗"
STANDING = re.compile(r"进度|进展|到哪|哪一步|怎么样了|咋样了|如何了|办好|办完|处理好|处理完|好了没|结果|状态|多久")
# A request made before, in so many words: "我上周申请删除个人信息", "之前提交的查询申请"
MADE_BEFORE = re.compile(r"申请了?(?:删|查|更正|改|注销)|(?:提交|提|交|递|办|登记)(?:了|过)?的?.{0,6}申请|申请单")
# The request filed earlier in this chat, asked about in words ("刚才那个申请 查一下进度")
REQUEST_WORDS = re.compile(r"申请|个人信息|个人资料|我的(?:信息|资料|数据)")
OTHER_CASE_WORDS = re.compile(r"投诉|理赔|赔款|预约|保单")


def data_request_meant(tracker: Tracker) -> bool:
    """Is a personal-data request what the message is about: its number named ("GR20261207-0001 办得怎么样了"), the
    one filed in this chat asked about, or one made before asked after ("我上周申请删除个人信息 现在办得怎么样了")?
    Not when a claim, complaint or booking is named."""
    kinds = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    if DATA_REQUEST_NUMBER in kinds:
        return True
    text = to_simplified(tracker.latest_message.get("text") or "")
    if kinds & CASE_NUMBERS or OTHER_CASE_WORDS.search(text):
        return False
    filed_here = bool(tracker.get_slot("data_request_number")) and bool(REQUEST_WORDS.search(text))
    made_before = bool(MADE_BEFORE.search(text) and OWN_DATA.search(text) and STANDING.search(text))
    return filed_here or made_before
