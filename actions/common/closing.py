"""The end of a chat: how a customer says it is over, and the one rating question that follows."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common.reply import choice, say
from bot.script import to_simplified

# "我先把材料准备全了再说" / "回头再查" / "不行再说": not now
LATER = (r"(?:先|回头|改天|下次|以后|晚点|过两天|不行).{0,12}再(?:说|查|问|来|联系|弄|办)(?:吧|了|啦|啊|呀|哈)?"
         r"(?=[\s,，。.!！~]|谢|多谢|$)")
# "就这些" / "没有别的了" / "没事了": nothing more is wanted — or not now
# ("88" / "886" at the end: chat shorthand for bye-bye)
BYE_BYE = r"(?<![\d.])886?\s*$"
NOTHING_MORE = re.compile(r"就这些|就这样吧?\s*$|没(?:有)?(?:别的|其他|啥)(?:了|事|问题)|没事了|没了\s*$"
                          + "|" + BYE_BYE + "|" + LATER)

# Words that take leave, whatever else is said ("太慢了 算了 拜拜")
FAREWELL = re.compile(r"再见|再会|拜拜|拜了|\bbye\b|先这样|就这样|没事了|谢谢|多谢|不聊了|下线|告辞|别过|后会有期"
                      + "|" + BYE_BYE, re.IGNORECASE)

# "行吧我这礼拜就去弄", "好 我自己去网点问问": OK, and the customer will see to it themselves — no offer taken up
# "ok明白了 那我月底发了工资就交", "那我回头再补": when, then what — no question, no request
OWN_PLAN = re.compile(r"(?:这|今|明|下|过|回头|马上|自己|先|等下|一会|改天).{0,6}去"
                      r"(?:弄|办|准备|交|补|问|看|查|找|医院|网点)|我自己(?:去|来|弄|办)"
                      r"|(?:月底|月初|下个?月|明天|后天|周末|回头|过几天|过两天|等|发了?工资|有空|有钱).{0,8}(?:就|再)去?"
                      r"(?:交|补交|缴|续|弄|办|补|准备|处理|上传|提交)")


def plan_acknowledged(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"ok明白了 那我月底发了工资就交" after an answer: the customer will see to it; NLU, finding no request, reads
    it as out of scope or not at all. Acknowledged, with the door left open; None for anything else."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not OWN_PLAN.search(text) or re.search(r"[?？吗]|转|人工|[找叫](?:个)?人|投诉", text):
        return None
    say(dispatcher, tracker, "好的，明白了。到时候有任何问题，随时来找我。还有什么可以帮您的吗？")
    return []


def closes(tracker: Tracker) -> bool:
    """Does the message end the chat ("好的謝謝，沒有別的了", "拜拜")?"""
    intent = tracker.latest_message.get("intent", {}).get("name")
    return intent == "goodbye" or bool(NOTHING_MORE.search(to_simplified(tracker.latest_message.get("text") or "")))


def score_buttons() -> list[dict]:
    """1–5 as quick replies, best first."""
    return [choice(f"{n}分", "rate", score=str(n)) for n in (5, 4, 3, 2, 1)]


def ask_rating(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The rating question, once a chat; after that, just goodbye."""
    if tracker.get_slot("csat_asked"):
        say(dispatcher, tracker, "感谢您的咨询，祝您生活愉快，再见！")
        return []
    say(dispatcher, tracker, "感谢您的咨询！请为本次服务打个分吧（1-5分，5分为非常满意）：", score_buttons())
    return [SlotSet("csat_asked", True)]
