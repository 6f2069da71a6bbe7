"""An explicit request said as a clause of its own wins over whatever the rest of the message looks like.

Customers end a long story with "…，我要投诉" or "…，转人工"; the story's words then pull the classifiers
towards an FAQ topic or an answer (inform). A clause that is nothing but the request is unambiguous, so
it decides the intent. A question about the request ("我要投诉的话要准备什么？") is left to the classifiers."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.components.base import StatelessComponent, customer_texts
from bot.requests import explicit_request

CONFIDENCE = 0.95


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ExplicitRequest(StatelessComponent):
    """Runs after the intent classifiers, before FallbackClassifier."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Puts the explicitly requested intent first; the classifiers' ranking follows it."""
        for message, text in customer_texts(messages):
            wanted = explicit_request(text)
            current = message.get(INTENT) or {}
            # Already first but unsure (0.40 after a long story) is raised too: FallbackClassifier would
            # otherwise turn an outright "我要投诉" into nlu_fallback.
            if not wanted or (current.get(INTENT_NAME_KEY) == wanted
                              and current.get(PREDICTED_CONFIDENCE_KEY, 0) >= CONFIDENCE):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r[INTENT_NAME_KEY] != wanted]
            # the rest share what is left, in their order: a classifier sure of something else (faq 0.93 beside
            # "能不能转人工？") would otherwise tie with the request, and FallbackClassifier call it ambiguous
            rest = sum(r.get(PREDICTED_CONFIDENCE_KEY, 0) for r in ranking)
            if rest > 1 - CONFIDENCE:
                scale = (1 - CONFIDENCE) / rest
                ranking = [r | {PREDICTED_CONFIDENCE_KEY: r.get(PREDICTED_CONFIDENCE_KEY, 0) * scale} for r in ranking]
            top = {INTENT_NAME_KEY: wanted, PREDICTED_CONFIDENCE_KEY: CONFIDENCE}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages
