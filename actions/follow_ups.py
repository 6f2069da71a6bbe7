"""A message that leans on the FAQ answer just given. "买了两年了" after the hesitation-period answer, "那我自己那个
寿险呢也是两年吗" after the time limit to claim: NLU reads each message on its own, so a fact told or a short "and
then?" comes out as not understood, a bare answer or an unsure question. Read against the last answer, it is about
that answer's topic, unless it plainly asks about a neighbouring one ("那会亏多少啊" → surrender)."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import turns
from actions.common.reply import choice, say
from bot import topic_confidence
from bot.questions import ASKS, own_subject
from bot.script import to_simplified

FAQ_PREFIX = "utter_faq/"
MENU_OPENING = "我不太确定"  # bot/nlg.py CHOOSE_TEXT: a choice of questions is no answer to lean on
LONGEST = 24      # a longer message tells its own story
SHORT = 12        # …and a question this short cannot name a topic well enough on its own ("能贷多少")
# A likelier topic than the last answer's takes over only by this margin, and only above this floor (TopicBlend's
# confidences: an unsure question's ranking is flat, ~0.05 to 0.25).
MARGIN = 0.1
FLOOR = 0.12
# …or when the last answer's topic is out of the running for this message (it names another: "那我现在补缴要去哪里
# 缴" after the grace-period answer ranks premium payment 0.13, the grace period under 0.05)
OUT_OF_THE_RUNNING = 0.05
# "那…", "要是…", "如果…", "…呢": a question that builds on what was said
LEANS = re.compile(r"^(?:那|咁|如果|要是|假如|万一|可是|但是|但|可)|呢\s*$")
# "了解，那…" / "哦 那…": an acknowledgement before the follow-up
ACKNOWLEDGED = re.compile(r"^(?:好的?|嗯+|哦+|噢+|喔|了解|明白了?|知道了|懂了|原来如此|ok|OK)[\s,，.。!！~]*")
# A fact about the customer's own policy: how long, how much, which kind ("买了两年了", "我份寿险买咗三年喇")
FACT = re.compile(r"[\d一二两三四五六七八九十几半]+\s*(?:年|个?月|天|周|岁|万|千|块|元)|险|保单|合同")
# The customer's own policy named by its kind ("我那个是分红险"): part of the follow-up, not a subject of its own
PRODUCT = re.compile(r"[\u4e00-\u9fff]{0,4}险|保单|合同")
# Entities that give the message a task of its own: a case to look up, a booking's answers
OWN_TASK = {"claim_number", "complaint_number", "appointment_number", "phone", "person_name", "time", "service_type",
            "branch", "id_last4"}
STRIP = " ?？。.!！~～"
# A date told as something that happened to the policy or the customer
TOLD_DATE = re.compile(r"签收|收到|寄到|到手|买的|买了|投保|生效|扣款|到期|出险|住院|出院|报的|交的|出的事")
# A kind of policy named right after an answer ("那意外险呢") asks about that answer for it, not to buy one — unless
# buying is said
BUY_TOPIC = "faq/buy_insurance"
BUYING = re.compile(r"买|购买|投保|产品|推荐|价格|多少钱")


def last_answer(tracker: Tracker) -> tuple[str, bool] | None:
    """The FAQ answer (utter_faq/<topic>) the bot read out to the customer's previous message, if any, with whether
    it was itself that answer told again to a follow-up."""
    answers = [e["metadata"] for e in turns.reply(tracker, 1)
               if e.get("event") == "bot" and str((e.get("metadata") or {}).get("utter_action")).startswith(FAQ_PREFIX)
               and not to_simplified(e.get("text") or "").startswith(MENU_OPENING)]
    return (answers[-1]["utter_action"], answers[-1].get("in_context") == "follow_up") if answers else None


def leaning_answer(tracker: Tracker) -> tuple[str, bool] | None:
    """The FAQ answer for a message that leans on the last one, with whether it is that same answer again; None when
    the message does not lean on an FAQ answer."""
    answered = last_answer(tracker)
    message = tracker.latest_message
    text = ACKNOWLEDGED.sub("", to_simplified(message.get("text") or "").strip(STRIP))
    entities = {e.get("entity") for e in message.get("entities", [])}
    if entities & OWN_TASK == {"time"} and TOLD_DATE.search(text) and "约" not in text:
        entities = entities - {"time"}  # "保单是11月26号寄到我手上的": a date in the story, not a time proposed
    if not answered or not text or len(text) > LONGEST or entities & OWN_TASK:
        return None
    last, told_again = answered
    # (an answer already told again is not told a third time: the menu or a human serves better)
    if not ASKS.search(text):  # a fact, no question: "and in my case?"
        return (last, True) if FACT.search(text) and not told_again else None
    faq = message.get("response_selector", {}).get("faq", {})
    chosen = faq.get("response") or {}
    buying = bool(BUYING.search(text))
    if chosen.get("intent_response_key") == BUY_TOPIC and not buying and LEANS.search(text):
        chosen = {}  # "那意外险呢" after the claim documents: not a purchase
    if (chosen.get("confidence") or 0.0) >= topic_confidence.ANSWERED:
        # a question NLU is sure of is answered as asked — or, when NLU took it for out of scope though its topic is
        # the last answer's ("怎么退" after the surrender answer), that answer again
        same = chosen.get("utter_action") == last and (message.get("intent") or {}).get("name") != "faq"
        return (last, True) if same and not told_again else None
    long = len(re.sub(r"\s", "", text)) > SHORT
    if not LEANS.search(text) and (long or own_subject(PRODUCT.sub("", text), last_text(tracker))):
        return None  # "月球上能种西瓜吗": short, but about a thing of its own (the customer's policy is not one)
    scores = {r.get("intent_response_key"): r.get("confidence") or 0.0 for r in faq.get("ranking") or []
              if buying or r.get("intent_response_key") != BUY_TOPIC}
    base = scores.get(last.removeprefix("utter_"), 0.0)
    other, score = max(((key, value) for key, value in scores.items() if f"utter_{key}" != last),
                       key=lambda kv: kv[1], default=(None, 0.0))
    if other and score >= FLOOR and (score >= base + MARGIN or base < OUT_OF_THE_RUNNING):
        return f"utter_{other}", False
    return None if told_again else (last, True)


def told_twice(tracker: Tracker, utter: str | None) -> str | None:
    """The text of `utter` if it was the answer to each of the customer's last two messages: a third telling of the
    same long answer ("是不是骗子啊" after the scam-call answer twice) helps no one."""
    def told(back: int) -> list[str]:
        return [e.get("text") or "" for e in turns.reply(tracker, back)
                if e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == utter]
    last, before = told(1), told(2)
    return last[-1] if utter and last and before else None


# The gist of an answer: its first sentence, without the "关于刚才的「…」：" line that introduced it as a follow-up
GIST = re.compile(r"^(?:关于刚才的[^\n]*\n)?([^。！？\n]+[。！？])")


PAIRS = re.compile(r"(?=([\u4e00-\u9fff]{2}|\d+[\u4e00-\u9fff]))")
INTRO = "关于刚才的"


def line_asked_about(answer: str, asked: str) -> str | None:
    """The line of a told answer that shares most words with the question ("那普通的住院报销呢" → the line on ordinary
    claims), when one does."""
    words = set(PAIRS.findall(asked))
    scored = [(len(words & set(PAIRS.findall(line))), line.strip(" •·")) for line in answer.splitlines()
              if line.strip() and not line.startswith(INTRO)]
    best = max(scored, default=(0, ""), key=lambda sl: sl[0])
    if not best[0] or sum(1 for score, _ in scored if score == best[0]) > 1:
        return None
    line = best[1].rstrip("；;，,")
    return line if line.endswith(("。", "！", "？")) else line + "。"


def answered_already(dispatcher: CollectingDispatcher, tracker: Tracker, utter: str | None) -> list | None:
    """Instead of a third telling of the same answer, its gist, and a human for what it does not cover; None when
    `utter` was not told twice running."""
    text = told_twice(tracker, utter)
    if text is None:
        return None
    asked = to_simplified(tracker.latest_message.get("text") or "")
    gist = line_asked_about(to_simplified(text), asked) or (found.group(1) if (found := GIST.match(
        to_simplified(text))) else None)
    say(dispatcher, tracker, (f"简单说：{gist}" if gist else "") + "刚才的回答就是我这里能提供的信息；"
        "具体到您的情况，如果还有不清楚的地方，可以为您转人工客服，由专人帮您确认。",
        [choice("转人工客服", "request_human")])
    return []


def last_text(tracker: Tracker) -> str:
    return "".join(turns.said(turns.reply(tracker, 1)))


def answer_leaning(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """Answers a message that leans on the last FAQ answer (the same answer again is introduced as such by the NLG);
    None when it does not."""
    found = leaning_answer(tracker)
    if not found:
        return None
    utter, again = found
    dispatcher.utter_message(response=utter, in_context="follow_up" if again else "chosen")
    return []


CLAIM_MEANT = re.compile(r"理赔|赔|案件|进度|LP\d", re.IGNORECASE)


def policy_change_meant(tracker: Tracker) -> bool:
    """"福寿终身寿险 P2026000000103 身份证后四位5678" right after the answer on changing a policy's details: the policy
    whose details are to change, not one whose claims to look up."""
    answered = last_answer(tracker)
    message = tracker.latest_message
    named = {e.get("entity") for e in message.get("entities", [])}
    return bool(answered) and answered[0] == "utter_faq/change_policy_info" and "policy_number" in named and (
        "claim_number" not in named) and not CLAIM_MEANT.search(to_simplified(message.get("text") or ""))

