"""First NLU step: Traditional → Simplified and full-width → half-width, and the customer's script as an entity."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import opencc
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import cantonese, homophones, identifiers, names, script
from bot.components.base import StatelessComponent, customer_texts

SCRIPT_ENTITY = "script"


def normalise(text: str) -> str:
    """The text every later NLU component sees: half-width, Simplified, written Cantonese in Mandarin words (点解 →
    为何), numbers read out digit by digit as figures ("LP二零二六…" as the LP2026… the training data writes),
    insurance words typed as homophones restored (重急 → 重疾), same length as `text`."""
    simplified = script.to_simplified(script.normalise_width(text))
    return homophones.restore(identifiers.digits_spoken(cantonese.to_mandarin(simplified)))


# Registered as a tokenizer only for its place in the graph: the DefaultV1 recipe runs tokenizers and
# featurizers in config order on the training data *and* on each message, whereas extractors and
# classifiers would only see messages at inference, so Traditional training examples would stay Traditional.
@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ScriptNormaliser(StatelessComponent):
    """Normalises the script and width of user text and records which script the customer wrote in."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Invalidates cached training outputs when the conversion rules or OpenCC change."""
        modules = (__file__, script.__file__, cantonese.__file__, identifiers.__file__, homophones.__file__,
                   names.__file__)
        sources = b"".join(Path(module).read_bytes() for module in modules)
        return hashlib.sha256(sources + opencc.__version__.encode()).hexdigest()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalises every example's text, keeping entity annotations aligned, and the lookup data."""
        for example, text in customer_texts(training_data.training_examples):
            self._normalise_example(example, text)
        training_data.lookup_tables = [
            {**table, "elements": [normalise(e) for e in table["elements"]]}
            if isinstance(table.get("elements"), list)
            else table
            for table in training_data.lookup_tables
        ]
        training_data.entity_synonyms = {
            normalise(variant): value for variant, value in training_data.entity_synonyms.items()
        }
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalises each user message and adds a `script` entity when its script is evident."""
        for message, text in customer_texts(messages):
            normalised = normalise(text)
            if normalised != text:
                message.set(TEXT, normalised)
            written_in = script.detect_script(text)
            if written_in is not None:
                entity = {
                    ENTITY_ATTRIBUTE_TYPE: SCRIPT_ENTITY,
                    ENTITY_ATTRIBUTE_VALUE: written_in,
                    # Zero-width at 0: the script is a property of the whole message, and an empty span
                    # covers no token, so token-based evaluation and other extractors ignore it.
                    ENTITY_ATTRIBUTE_START: 0,
                    ENTITY_ATTRIBUTE_END: 0,
                    EXTRACTOR: self.__class__.__name__,
                }
                message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages

    @staticmethod
    def _normalise_example(example: Message, text: str) -> None:
        normalised = normalise(text)
        if normalised == text:
            return
        example.set(TEXT, normalised)
        entities = example.get(ENTITIES)
        if not entities:
            return
        # normalise() keeps every character at its offset, so spans stay put; only a value that was
        # the span's own text follows it (a value that differs is a synonym and is kept as written).
        realigned = []
        for entity in entities:
            start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
            if start is not None and end is not None and entity.get(ENTITY_ATTRIBUTE_VALUE) == text[start:end]:
                entity = {**entity, ENTITY_ATTRIBUTE_VALUE: normalised[start:end]}
            realigned.append(entity)
        example.set(ENTITIES, realigned)
