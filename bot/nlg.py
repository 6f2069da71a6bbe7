"""Domain responses in the customer's script: Traditional for customers who write Traditional (slot customer_script).
Also the one place every FAQ answer passes (rule faq → utter_faq, and action_faq_in_form mid-form): an answer the
topic model was unsure of is not read out; the customer picks among the likeliest questions instead (or a human),
and with no likely question at all gets the honest out-of-scope reply. A message that asked two questions gets
both answers, one after the other (TopicBlend lists the second topic). Whether a message leans on the answer before
it is the actions' call (actions/follow_ups.py); the NLG only introduces such an answer as being about it."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import topic_confidence
from bot.script import to_script

SCRIPT_SLOT = "customer_script"
_TITLED = ("buttons", "quick_replies")

FAQ_ANSWER_PREFIX = "utter_faq/"
# Below this topic confidence the chosen topic is more often wrong than right: a wrong answer misleads, a choice
# of the likeliest questions (or a human) does not (bot/topic_confidence.py).
MIN_TOPIC_CONFIDENCE = topic_confidence.ANSWERED
UNSURE_RESPONSE = "utter_out_of_scope"
# The unsure case: "这个状态啥意思？还要多久能到账" ranks status meanings 0.26 and payment time 0.22 — both are
# worth offering. Topics under CANDIDATE_CONFIDENCE are noise; at most MAX_CANDIDATES are offered.
CANDIDATE_CONFIDENCE = 0.05
MAX_CANDIDATES = 3
MENU_FILE = Path(__file__).with_name("faq_menu.yml")
CHOOSE_TEXT = "我不太确定您想了解的是哪一项，请选择最接近的问题："
FOLLOW_UP_TEXT = "关于刚才的「{question}」：\n"

NONE_OF_THEM = {"title": "都不是，转人工客服", "payload": "/request_human"}


class ScriptAwareNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's response templates, with the text and button titles converted to the customer's script.

    Enabled in endpoints.yml with `nlg: {type: bot.nlg.ScriptAwareNLG}`; Rasa builds it with the
    endpoint config and the domain, and refreshes `responses` whenever a model is loaded.
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        """Creates the generator over the domain's responses."""
        super().__init__(domain.responses if domain else {})

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        """The filled response for `utter_action`, converted after slot values are filled in."""
        # An action that read the message against the last answer (actions/follow_ups.py) says so: no choice of
        # questions, and the same answer again is introduced as being about that question.
        in_context = kwargs.get("in_context")
        if in_context == "follow_up" and utter_action in self.responses:
            response = await super().generate(utter_action, tracker, output_channel, **kwargs)
            if response and isinstance(response.get("text"), str):
                topic = utter_action.removeprefix(FAQ_ANSWER_PREFIX)
                response["text"] = FOLLOW_UP_TEXT.format(question=faq_menu().get(topic, topic)) + response["text"]
                return convert_response(response, tracker.get_slot(SCRIPT_SLOT))
        if not in_context and unsure_answer(utter_action, tracker):
            buttons = candidate_questions(tracker)
            if clear_lead(tracker):
                pass  # no choice worth offering: "什么叫现金价值？你说简单点" (0.26, the next 0.07) is answered
            elif out_of_scope_near(tracker) or no_topic_near(tracker):
                utter_action = UNSURE_RESPONSE  # "月球上能种西瓜吗": faq 0.55 / out of scope 0.34, no topic near 0.2
            elif buttons:
                return convert_response({"text": CHOOSE_TEXT, "buttons": [*buttons, NONE_OF_THEM]},
                                        tracker.get_slot(SCRIPT_SLOT))
            elif UNSURE_RESPONSE in self.responses:
                utter_action = UNSURE_RESPONSE
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if response and isinstance(response.get("text"), str):
            for other, first in other_answers(utter_action, tracker):
                extra = await super().generate(other, tracker, output_channel, **kwargs)
                if extra and extra.get("text"):
                    texts = [extra["text"], response["text"]] if first else [response["text"], extra["text"]]
                    response["text"] = "\n\n".join(texts)
        return convert_response(response, tracker.get_slot(SCRIPT_SLOT)) if response else response


def faq_selection(tracker: DialogueStateTracker) -> dict[str, Any]:
    """The FAQ topic chosen for the latest message, its ranking and the other questions' topics ("also")."""
    return tracker.latest_message.parse_data.get("response_selector", {}).get("faq", {})


def unsure_answer(utter_action: str, tracker: DialogueStateTracker) -> bool:
    """Is `utter_action` the FAQ answer the ResponseSelector chose for the latest message, with low confidence?
    Not when the message asked several questions and each was found on its own ("also"): a letter asking two
    things ("一、…需准备哪些材料；二、…大约多久可以审核完毕") is unsure as a whole, not question by question."""
    if not utter_action.startswith(FAQ_ANSWER_PREFIX):
        return False
    faq = faq_selection(tracker)
    selected = faq.get("response", {})
    if selected.get("utter_action") != utter_action or faq.get("also"):
        return False
    return (selected.get("confidence") or 0.0) < MIN_TOPIC_CONFIDENCE


# Out of scope as NLU's close second reading: with no topic even CHOICE-likely, the honest reply, not a menu
OUT_OF_SCOPE_NEAR = 0.25


def out_of_scope_near(tracker: DialogueStateTracker) -> bool:
    """Was out of scope a likely reading of the latest message (OUT_OF_SCOPE_NEAR), and no FAQ topic even worth
    offering (topic_confidence.CHOICE)? Then no question of ours is what was asked."""
    parse = tracker.latest_message.parse_data
    ranking = {r.get("name"): float(r.get("confidence") or 0.0) for r in parse.get("intent_ranking") or []}
    chosen = float(faq_selection(tracker).get("response", {}).get("confidence") or 0.0)
    return ranking.get("out_of_scope", 0.0) >= OUT_OF_SCOPE_NEAR and chosen < topic_confidence.CHOICE


def no_topic_near(tracker: DialogueStateTracker) -> bool:
    """Is even the likeliest FAQ topic of the latest message under topic_confidence.MENU?"""
    return float(faq_selection(tracker).get("response", {}).get("confidence") or 0.0) < topic_confidence.MENU


# Unsure, yet far ahead of every other topic: a choice would offer one likely question among unlikely ones
LEAD = 3.0


def clear_lead(tracker: DialogueStateTracker) -> bool:
    """Is the chosen topic likely enough to be offered (topic_confidence.CHOICE) and LEAD times as likely as the
    next one — so that a menu would hold one real candidate?"""
    faq = faq_selection(tracker)
    chosen = float(faq.get("response", {}).get("confidence") or 0.0)
    others = [float(r.get("confidence") or 0.0) for r in faq.get("ranking") or []][1:2]
    return chosen >= topic_confidence.CHOICE and all(chosen >= LEAD * other for other in others)


def other_answers(utter_action: str, tracker: DialogueStateTracker) -> list[tuple[str, bool]]:
    """The answers to the other questions of the latest message when `utter_action` answers one of them, each
    with whether it was asked before that one ("犹豫期是多少天？退保要带什么材料": the hesitation period, then
    surrender, whichever of the two the selector chose)."""
    if not utter_action.startswith(FAQ_ANSWER_PREFIX):
        return []
    faq = faq_selection(tracker)
    if (faq.get("response") or {}).get("utter_action") != utter_action:
        return []
    return [(f"utter_{other['intent_response_key']}", bool(other.get("asked_first"))) for other in faq.get("also") or []
            if other.get("intent_response_key")]


@cache
def faq_menu() -> dict[str, str]:
    """FAQ topic → the question a button asks for it (bot/faq_menu.yml)."""
    return yaml.safe_load(MENU_FILE.read_text(encoding="utf-8"))


def candidate_questions(tracker: DialogueStateTracker) -> list[dict[str, str]]:
    """Buttons for the likeliest FAQ topics of the latest message; a click sends the question itself, which the
    topic model knows, so it is answered like any typed question."""
    ranking = faq_selection(tracker).get("ranking") or []
    menu = faq_menu()
    topics = [r.get("intent_response_key", "").removeprefix("faq/") for r in ranking
              if (r.get("confidence") or 0.0) >= CANDIDATE_CONFIDENCE]
    return [{"title": menu[t], "payload": menu[t]} for t in topics if t in menu][:MAX_CANDIDATES]


def convert_response(response: dict[str, Any], script: str | None) -> dict[str, Any]:
    """`response` with its text and button/quick-reply titles in `script`; payloads are left untouched."""
    if isinstance(response.get("text"), str):
        response["text"] = to_script(response["text"], script)
    for key in _TITLED:
        if isinstance(response.get(key), list):
            response[key] = [
                {**item, "title": to_script(item["title"], script)}
                if isinstance(item, dict) and isinstance(item.get("title"), str)
                else item
                for item in response[key]
            ]
    return response
