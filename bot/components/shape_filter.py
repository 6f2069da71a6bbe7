"""Drops entities whose text cannot be a value of their type, whoever guessed them (in practice DIET):
a 3-digit "id_last4", a score of 886, a "person_name" that starts with no surname (月亮, 损失)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE
from rasa.shared.nlu.training_data.message import Message

from bot import names
from bot.components.base import StatelessComponent, customer_texts


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


# A score's value is 1–5 once EntitySynonymMapper has mapped words (满意 → 4, 五 → 5) to digits.
SHAPES: dict[str, Callable[[str], bool]] = {
    "id_last4": lambda v: re.fullmatch(r"[0-9]{3}[0-9Xx]", v) is not None,
    "score": lambda v: v in {"1", "2", "3", "4", "5"},
    "person_name": names.plausible,
}


def _fits(entity: dict[str, Any]) -> bool:
    shape = SHAPES.get(entity.get(ENTITY_ATTRIBUTE_TYPE))
    return shape is None or shape(_text(entity.get(ENTITY_ATTRIBUTE_VALUE)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ShapeFilter(StatelessComponent):
    """Runs after the extractors and the synonym mapper; keeps every entity whose type has no shape rule."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Removes the misshapen entities of each message."""
        for message, _ in customer_texts(messages):
            entities = message.get(ENTITIES) or []
            kept = [e for e in entities if _fits(e)]
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
