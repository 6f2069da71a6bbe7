"""ScriptAwareNLG: domain responses in the customer's script, loaded the way endpoints.yml loads it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg import NaturalLanguageGenerator, TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlg import CHOOSE_TEXT, ScriptAwareNLG, faq_menu

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  customer_script:
    type: categorical
    values: [simplified, traditional]
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: script
  claim_number:
    type: text
    mappings:
      - type: from_entity
        entity: claim_number
responses:
  utter_claim_status:
    - text: "您的理赔{claim_number}正在审核中，请耐心等待。"
      buttons:
        - title: "转人工客服"
          payload: '/handover{"reason": "审核进度"}'
        - title: "没有问题了"
          payload: "/goodbye"
"""
)


def reply_for(customer_script: str | None) -> dict:
    nlg = NaturalLanguageGenerator.create(EndpointConfig(type="bot.nlg.ScriptAwareNLG"), DOMAIN)
    events = [SlotSet("claim_number", "LP2026110290101")]
    if customer_script:
        events.append(SlotSet("customer_script", customer_script))
    tracker = DialogueStateTracker.from_events("c1", events, slots=DOMAIN.slots)
    return asyncio.run(nlg.generate("utter_claim_status", tracker, "rest", domain_responses=DOMAIN.responses))


def test_endpoints_entry_loads_the_script_aware_generator_with_the_domains_responses():
    nlg = NaturalLanguageGenerator.create(EndpointConfig(type="bot.nlg.ScriptAwareNLG"), DOMAIN)
    assert isinstance(nlg, ScriptAwareNLG)
    # Agent.load_model refreshes `responses` only on templated generators, so this must stay one.
    assert isinstance(nlg, TemplatedNaturalLanguageGenerator)
    assert nlg.responses == DOMAIN.responses


def test_traditional_customer_gets_text_and_button_titles_in_traditional():
    reply = reply_for("traditional")
    assert reply["text"] == "您的理賠LP2026110290101正在審核中，請耐心等待。"
    assert [b["title"] for b in reply["buttons"]] == ["轉人工客服", "沒有問題了"]


def test_button_payloads_are_never_converted():
    assert [b["payload"] for b in reply_for("traditional")["buttons"]] == [
        '/handover{"reason": "审核进度"}',
        "/goodbye",
    ]


@pytest.mark.parametrize("customer_script", ["simplified", None])
def test_other_customers_get_the_response_as_written(customer_script):
    reply = reply_for(customer_script)
    assert reply["text"] == "您的理赔LP2026110290101正在审核中，请耐心等待。"
    assert [b["title"] for b in reply["buttons"]] == ["转人工客服", "没有问题了"]


def test_conversion_does_not_alter_the_domains_templates():
    reply_for("traditional")
    assert DOMAIN.responses["utter_claim_status"][0]["text"] == "您的理赔{claim_number}正在审核中，请耐心等待。"


def test_unknown_response_is_still_none():
    nlg = ScriptAwareNLG(domain=DOMAIN)
    tracker = DialogueStateTracker.from_events("c1", [SlotSet("customer_script", "traditional")], slots=DOMAIN.slots)
    assert asyncio.run(nlg.generate("utter_missing", tracker, "rest")) is None


FAQ_DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [faq]
responses:
  utter_faq/lost_policy:
    - text: "保单丢失不影响保障。"
  utter_faq/hesitation_period:
    - text: "犹豫期为15天。"
  utter_out_of_scope:
    - text: "抱歉，这个问题超出了我能回答的范围，可以为您转人工客服。"
"""
)


def faq_response(text: str, ranking: list[tuple[str, float]], script: str | None = None,
                 also: tuple[tuple[str, bool], ...] = (), intents: tuple[tuple[str, float], ...] = (("faq", 0.96),)
                 ) -> dict:
    nlg = NaturalLanguageGenerator.create(EndpointConfig(type="bot.nlg.ScriptAwareNLG"), FAQ_DOMAIN)
    parse = {"intent": {"name": intents[0][0], "confidence": intents[0][1]},
             "intent_ranking": [{"name": n, "confidence": c} for n, c in intents],
             "entities": [], "response_selector": {"faq": {
        "response": {"utter_action": f"utter_faq/{ranking[0][0]}", "confidence": ranking[0][1]},
        "ranking": [{"intent_response_key": f"faq/{t}", "confidence": c} for t, c in ranking],
        **({"also": [{"intent_response_key": f"faq/{t}", "confidence": 0.8, "asked_first": first}
                     for t, first in also]} if also else {})}}}
    events = [UserUttered(text, parse_data=parse)] + ([SlotSet("customer_script", script)] if script else [])
    tracker = DialogueStateTracker.from_events("c2", events, slots=DOMAIN.slots)
    return asyncio.run(nlg.generate(f"utter_faq/{ranking[0][0]}", tracker, "rest"))


def faq_reply(text: str, topic_confidence: float) -> str:
    return faq_response(text, [("lost_policy", topic_confidence)])["text"]


def test_a_sure_faq_answer_is_read_out():
    assert faq_reply("保单丢了怎么办", 0.89) == "保单丢失不影响保障。"


def test_two_questions_get_both_answers_in_the_order_asked():
    response = faq_response("保单丢了怎么办？犹豫期几天", [("lost_policy", 0.7)], also=(("hesitation_period", False),))
    assert response["text"] == "保单丢失不影响保障。\n\n犹豫期为15天。"
    response = faq_response("犹豫期几天？保单丢了怎么办", [("lost_policy", 0.7)], also=(("hesitation_period", True),))
    assert response["text"] == "犹豫期为15天。\n\n保单丢失不影响保障。"
    traditional = faq_response("保單丟了怎麼辦？猶豫期幾天", [("lost_policy", 0.7)], "traditional",
                               also=(("hesitation_period", False),))
    assert traditional["text"] == "保單丟失不影響保障。\n\n猶豫期為15天。"


def test_an_unsure_faq_answer_becomes_a_choice_of_the_likeliest_questions():
    """"这个状态啥意思啊？还要多久能到账": two topics near 0.25, neither read out; both offered, and a human."""
    response = faq_response("这个状态啥意思啊？还要多久能到账", [
        ("claim_status_overview", 0.26), ("claim_payment_time", 0.22), ("claim_status_accepted", 0.08),
        ("claim_status_reviewing", 0.04)])
    assert response["text"] == CHOOSE_TEXT
    assert [b["payload"] for b in response["buttons"]] == [
        "理赔状态分别是什么意思", "赔款什么时候到账", "受理中是什么意思", "/request_human"]


def test_the_choice_comes_in_the_customers_script():
    response = faq_response("呢個狀態咩意思", [("claim_status_overview", 0.26), ("claim_payment_time", 0.22)],
                            script="traditional")
    assert response["text"].startswith("我不太確定")
    assert response["buttons"][0]["title"] == "理賠狀態分別是什麼意思"


def test_an_unsure_faq_reading_after_an_answer_is_still_a_choice():
    """"咁要幾耐先有錢？" after the documents answer asks about time: the likeliest questions, not that answer (the
    actions read a message against the last answer, actions/follow_ups.py; the NLG only offers the choice)."""
    response = faq_response("咁要幾耐先有錢？", [("claim_payment_time", 0.22), ("lost_policy", 0.1)])
    assert response["text"] == CHOOSE_TEXT


def test_a_topic_far_ahead_of_the_rest_is_answered_rather_than_offered_among_unlikely_ones():
    """Set 13: "看不太懂，什么叫现金价值？你说简单点" (cash value 0.26, the next 0.07) got a menu."""
    assert faq_reply("看不太懂，什么叫保单丢了？你说简单点", 0.26) == "保单丢失不影响保障。"
    lead = faq_response("看不太懂，保单丢了？", [("lost_policy", 0.26), ("hesitation_period", 0.07)])
    assert lead["text"] == "保单丢失不影响保障。"
    assert faq_reply("保单?", 0.12) == CHOOSE_TEXT  # too unsure even alone: asked which it is
    near = faq_response("保单丢了？还是犹豫期？", [("lost_policy", 0.26), ("hesitation_period", 0.12)])
    assert near["text"] == CHOOSE_TEXT  # a second candidate near enough: the choice


def test_questions_each_found_on_their_own_are_answered_though_the_whole_is_unsure():
    """Set 13: a letter asking two things ("一、…需准备哪些材料；二、…大约多久可以审核完毕") scored 0.16 as a
    whole; each of its questions had a topic of its own."""
    ranking, also = [("lost_policy", 0.16), ("hesitation_period", 0.1)], (("hesitation_period", False),)
    response = faq_response("烦请告知两事：一、保单丢了怎么办；二、犹豫期几天", ranking, also=also)
    assert response["text"] == "保单丢失不影响保障。\n\n犹豫期为15天。"


def test_out_of_scope_as_a_near_reading_with_no_likely_topic_is_the_honest_reply_not_a_menu():
    """"月球上能种西瓜吗" (faq 0.55, out of scope 0.34; topics 0.10 and 0.05) got a menu of claim questions."""
    ranking = [("lost_policy", 0.10), ("hesitation_period", 0.05)]
    honest = faq_response("月球上能种西瓜吗", ranking, intents=(("faq", 0.55), ("out_of_scope", 0.34)))
    assert honest["text"].startswith("抱歉，这个问题超出了")
    assert faq_response("保单咋整", ranking)["text"] == CHOOSE_TEXT  # out of scope no likely reading: the choice


def test_an_faq_answer_with_no_likely_topic_becomes_the_honest_out_of_scope_reply():
    """Nothing but a guess at 0.04: no question worth offering, the honest reply instead."""
    assert faq_reply("火星上能买保险吗", 0.04).startswith("抱歉，这个问题超出了")
    # set 14: "话说你觉得宁德时代能冲吗 明天开盘买点？" (its best topic 0.08, out of scope only 0.07) got a menu of one
    stock = faq_response("话说你觉得宁德时代能冲吗", [("lost_policy", 0.08), ("hesitation_period", 0.05)],
                         intents=(("faq", 0.76), ("out_of_scope", 0.07)))
    assert stock["text"].startswith("抱歉，这个问题超出了")


def test_every_faq_topic_has_a_menu_question_the_topic_model_was_trained_on():
    """A click on a menu button sends its question; being a training example of the topic, it is read back
    as that topic rather than as another unsure guess."""
    data = yaml.safe_load(Path("data/nlu/faq.yml").read_text(encoding="utf-8"))["nlu"]
    examples = {item["intent"].removeprefix("faq/"): item["examples"] for item in data}
    assert set(faq_menu()) == set(examples)
    for topic, question in faq_menu().items():
        assert f"- {question}\n" in examples[topic], topic


def test_an_answer_an_action_read_in_context_is_no_choice_and_a_follow_up_says_so():
    """actions/follow_ups.py: "买了两年了" after the hesitation answer gets it again, introduced as such; a topic the
    action chose from an unsure ranking is read out, not offered as a choice."""
    nlg = NaturalLanguageGenerator.create(EndpointConfig(type="bot.nlg.ScriptAwareNLG"), FAQ_DOMAIN)
    unsure = {"intent": {"name": "faq", "confidence": 0.9}, "entities": [], "response_selector": {"faq": {
        "response": {"utter_action": "utter_faq/hesitation_period", "confidence": 0.2},
        "ranking": [{"intent_response_key": "faq/hesitation_period", "confidence": 0.2},
                    {"intent_response_key": "faq/lost_policy", "confidence": 0.1}]}}}
    tracker = DialogueStateTracker.from_events("c4", [UserUttered("买了两年了", parse_data=unsure)], slots=DOMAIN.slots)
    again = asyncio.run(nlg.generate("utter_faq/hesitation_period", tracker, "rest", in_context="follow_up"))
    assert again["text"] == "关于刚才的「什么是犹豫期」：\n犹豫期为15天。"
    chosen = asyncio.run(nlg.generate("utter_faq/hesitation_period", tracker, "rest", in_context="chosen"))
    assert chosen["text"] == "犹豫期为15天。"
    assert asyncio.run(nlg.generate("utter_faq/hesitation_period", tracker, "rest"))["text"] == CHOOSE_TEXT
