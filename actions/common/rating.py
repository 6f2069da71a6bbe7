"""How a message says it is a rating (1–5), wherever it is said; what score it gives, and storing it."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common.api import ApiError, backend
from actions.common.closing import score_buttons
from actions.common.reply import say
from bot.script import to_simplified

# "一分都不能少", "一分钱", "三分之一", "两分钟", "分期": 分 in an amount, a share or a time, not a score
# (nor 星 of 三星期 or 五星级)
_SCORE = r"([1-5一二两三四五])\s*(?:分(?![钱都也不没之钟期红险半])|星(?![级期])|颗星|stars?\b)"
_POINTS = _SCORE + r"|[⭐★🌟]"
# A rating nobody asked for counts only when it says it is one ("5分", "五星好评", "挺满意的"); a bare "4"
# outside the question is more likely a digit meant for something else.
# …or a digit after a word that grades: "评分？4啦", "一般般吧 3" (a bare "3" is no rating unasked)
SAYS_RATING = re.compile(_POINTS + r"|好评|差评|满意|满分"
                         r"|(?:评分|打分|评价|给你?|一般|还行|还可以|凑合|不错)\D{0,4}[1-5](?!\d)", re.IGNORECASE)
# …and a score said outright ("5分", "给四星"): what a customer says who thinks the task is done
SCORE_SAID = re.compile(_POINTS, re.IGNORECASE)

WORDS = {  # longest match wins, so 很不满意 beats 不满意 beats 满意
    "非常满意": 5, "很满意": 5, "超级满意": 5, "十分满意": 5, "满意": 4, "几满意": 4, "还行": 3, "一般": 3,
    "不满意": 2, "唔满意": 2, "很不满意": 1, "非常不满意": 1, "差评": 1, "满分": 5, "五星好评": 5,
}
STARS = re.compile(r"[⭐★🌟]")
NUMERALS = str.maketrans("一二两三四五", "122345")


def score_of(tracker: Tracker) -> int | None:
    """1–5 from the score entity, digits or Chinese numerals in the text, or satisfaction words."""
    raw = to_simplified(str(tracker.get_slot("score") or tracker.latest_message.get("text", "")))
    if said := re.search(_SCORE, raw, re.IGNORECASE):  # "一般般吧 3分": the points said, not the 一 of 一般
        return int(said.group(1).translate(NUMERALS))
    # figures before numerals ("一般般吧 3"), and not the 3 of "尾号7003"
    for text in (raw, raw.translate(NUMERALS)):
        if match := re.search(r"(?<!\d)[1-5](?!\d)", text):
            return int(match.group())
    if 1 <= (stars := len(STARS.findall(raw))) <= 5:  # "⭐⭐⭐⭐⭐"
        return stars
    return next((v for w, v in sorted(WORDS.items(), key=lambda kv: -len(kv[0])) if w in raw), None)


async def store_rating(dispatcher: CollectingDispatcher, tracker: Tracker, score: int | None) -> list[EventType]:
    """Store the chat's rating (asked again when no score can be read) and thank the customer."""
    if score is None:
        say(
            dispatcher,
            tracker,
            "请回复1到5之间的分数（5分为非常满意）。",
            score_buttons(),
        )
        return []
    try:
        await backend().post(
            "/api/v1/feedback",
            json={
                "score": score,
                "conversation_id": tracker.sender_id,
                "channel": tracker.get_latest_input_channel() or "rest",
                "case_number": tracker.get_slot("complaint_number") or tracker.get_slot("claim_number"),
            },
        )
    except ApiError:
        pass  # a lost rating must not spoil the goodbye
    say(dispatcher, tracker, "感谢您的评价，我们会继续改进服务！")
    return [SlotSet("score", None), SlotSet("csat_asked", True)]
