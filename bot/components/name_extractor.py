"""Personal names by rule (bot.names) replace DIET's guesses for the same span; DIET's other names stay."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
)
from rasa.shared.nlu.training_data.message import Message

from bot import names
from bot.components.base import StatelessComponent, customer_texts, overlap

PERSON_NAME = "person_name"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class NameExtractor(StatelessComponent, EntityExtractorMixin):
    """Emits `person_name` for names after a cue or standing alone; a rule name wins over any overlapping entity."""

    def __init__(self) -> None:
        """Loads the dictionary the name rules consult at model load."""
        names.load()

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the names found in each message, dropping entities that overlap them."""
        for message, text in customer_texts(messages):
            found = names.find(text)
            if not found:
                continue
            kept = [e for e in message.get(ENTITIES, []) if not any(overlap(e, n.start, n.end) for n in found)]
            ours = [
                {
                    ENTITY_ATTRIBUTE_TYPE: PERSON_NAME,
                    ENTITY_ATTRIBUTE_START: n.start,
                    ENTITY_ATTRIBUTE_END: n.end,
                    ENTITY_ATTRIBUTE_VALUE: n.value,
                }
                for n in found
            ]
            message.set(ENTITIES, kept + self.add_extractor_name(ours), add_to_output=True)
        return messages
