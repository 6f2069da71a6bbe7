"""Case numbers and mobiles come from the rules (bot.identifiers) alone: DIET's guesses of these kinds are dropped."""

from __future__ import annotations

import logging
import re
from typing import Any

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

from bot import identifiers
from bot.components.base import StatelessComponent, customer_texts, overlap

logger = logging.getLogger(__name__)

# ID and bank-card numbers are found only to be kept out of entities: never emitted, never in a slot.
EMITTED = identifiers.CASE_NUMBERS | {identifiers.PHONE}


_MISTYPED = re.compile(r"[A-Za-z]{0,2}[0-9][0-9 \-–—_]{5,}[0-9Xx]?")


def _mistyped_number(entity: dict[str, Any]) -> bool:
    return bool(_MISTYPED.fullmatch(str(entity.get(ENTITY_ATTRIBUTE_VALUE) or "").strip()))


def _covers(entity: dict[str, Any], identifier: identifiers.Identifier) -> bool:
    start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
    return start is not None and end is not None and start <= identifier.start and identifier.end <= end


def _within(entity: dict[str, Any], identifier: identifiers.Identifier) -> bool:
    start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
    return start is not None and end is not None and identifier.start <= start and end <= identifier.end


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class IdentifierExtractor(StatelessComponent, EntityExtractorMixin):
    """Emits claim/policy/complaint/appointment numbers and mobiles with canonical values; only its matches count."""

    def __init__(self) -> None:
        """Builds the spaCy rules at model load."""
        identifiers.load()

    def process(self, messages: list[Message]) -> list[Message]:
        """Replaces guesses of these kinds with the exact identifiers found in each message."""
        for message, text in customer_texts(messages):
            entities = message.get(ENTITIES, [])
            merged = self._merge(entities, identifiers.find(text))
            if merged != entities:
                message.set(ENTITIES, merged, add_to_output=True)
        return messages

    def _merge(self, entities: list[dict[str, Any]], found: list[identifiers.Identifier]) -> list[dict[str, Any]]:
        kept = []
        for entity in entities:
            label = entity.get(ENTITY_ATTRIBUTE_TYPE)
            # The formats are fixed, so the rules find every well-formed one. Another extractor's guess is kept
            # only where it overlaps none of them and looks like a mistyped number ("LP20261102"), so the
            # form can say what the format is; "5000元" or "886" as a phone is just noise.
            if label in EMITTED and (
                any(overlap(entity, i.start, i.end) for i in found) or not _mistyped_number(entity)
            ):
                logger.debug("Dropping %s entity at %s–%s: identifiers come from the rules.", label,
                             entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END))  # fmt: skip
                continue
            # Digits inside a case number the rules found are that number's ("TS 2026 1120 - 9001" read out in
            # groups: "1120" is no id_last4); a mobile's last four may well be the proof asked for
            if any(i.label in EMITTED - {identifiers.PHONE} and _within(entity, i) for i in found):
                logger.debug("Dropping %s entity: it is part of an identifier.", label)
                continue
            # Whatever its label, an entity holding a whole ID or bank-card number would put it in a slot.
            if any(i.label in identifiers.SENSITIVE and _covers(entity, i) for i in found):
                logger.debug("Dropping %s entity: it holds a whole ID or bank-card number.", label)
                continue
            kept.append(entity)
        ours = [
            {
                ENTITY_ATTRIBUTE_TYPE: identifier.label,
                ENTITY_ATTRIBUTE_START: identifier.start,
                ENTITY_ATTRIBUTE_END: identifier.end,
                ENTITY_ATTRIBUTE_VALUE: identifier.value,
            }
            for identifier in found
            if identifier.label in EMITTED
        ]
        return kept + self.add_extractor_name(ours)
