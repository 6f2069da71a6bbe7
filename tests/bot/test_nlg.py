"""ScriptAwareNLG: domain responses in the customer's script, loaded the way endpoints.yml loads it."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.nlg import NaturalLanguageGenerator, TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
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
