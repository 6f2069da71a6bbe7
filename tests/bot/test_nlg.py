"""ScriptAwareNLG: domain responses in the customer's script, loaded the way endpoints.yml loads it."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.nlg import NaturalLanguageGenerator, TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlg import ScriptAwareNLG

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
  utter_out_of_scope:
    - text: "抱歉，这个问题超出了我能回答的范围，可以为您转人工客服。"
"""
)


def faq_reply(text: str, topic_confidence: float) -> str:
    nlg = NaturalLanguageGenerator.create(EndpointConfig(type="bot.nlg.ScriptAwareNLG"), FAQ_DOMAIN)
    parse = {"intent": {"name": "faq", "confidence": 0.96}, "entities": [], "response_selector": {"faq": {
        "response": {"utter_action": "utter_faq/lost_policy", "confidence": topic_confidence}}}}
    tracker = DialogueStateTracker.from_events("c2", [UserUttered(text, parse_data=parse)])
    return asyncio.run(nlg.generate("utter_faq/lost_policy", tracker, "rest"))["text"]


def test_an_faq_answer_the_selector_was_unsure_of_becomes_the_honest_out_of_scope_reply():
    """"保单借款利息多少" has no topic; the selector's best guess (lost policy, 0.14) must not be read out."""
    assert faq_reply("保单借款利息多少", 0.14).startswith("抱歉，这个问题超出了")
    assert faq_reply("保单丢了怎么办", 0.89) == "保单丢失不影响保障。"
