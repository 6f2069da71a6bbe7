"""Gives every `time` entity an absolute ISO value (Asia/Shanghai) from bot.timeparse, Duckling's stand-in."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
)
from rasa.shared.nlu.training_data.message import Message

from bot import timeparse
from bot.components.base import customer_texts, overlap

logger = logging.getLogger(__name__)

ADDITIONAL_INFO = "additional_info"
# "三点" alone is as often "three points" as "three o'clock"; only DIET, which sees the context, may tag it.
# Written in digits ("11点") it is a clock time.
BARE_CLOCK = re.compile(r"\s*[零〇一二两三四五六七八九十]+[点點时時]\s*")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class TimeExtractor(GraphComponent, EntityExtractorMixin):
    """Resolves DIET's `time` entities to ISO datetimes with a grain; finds times DIET missed.

    A `time` entity whose text is no time expression is dropped: its slot stays empty and the form
    asks again, so every `time` value an action sees is an ISO datetime it can act on.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The entity this component resolves."""
        return {"entity": "time"}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TimeExtractor:
        """Creates the component."""
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: dict[str, Any], clock: Callable[[], datetime] | None = None) -> None:
        """`clock` gives the reference time; the current Shanghai time unless a test fixes it."""
        self._entity = config["entity"]
        self._clock = clock or (lambda: datetime.now(timeparse.SHANGHAI))

    def process(self, messages: list[Message]) -> list[Message]:
        """Resolves or adds `time` entities on each message."""
        for message, text in customer_texts(messages):
            matches = timeparse.parse(text, self._clock())
            entities = message.get(ENTITIES, [])
            if any(e.get(ENTITY_ATTRIBUTE_TYPE) == self._entity for e in entities):
                entities_now = self._resolve_predicted(entities, matches)
            else:
                entities_now = entities
            # and the times DIET missed beside the ones it found ("30号要带孩子打疫苗 能不能改到12月3号": both)
            updated = entities_now + self._found_by_parser(entities_now, matches)
            if updated != entities:
                message.set(ENTITIES, updated, add_to_output=True)
        return messages

    def _resolve_predicted(
        self, entities: list[dict[str, Any]], matches: list[timeparse.TimeMatch]
    ) -> list[dict[str, Any]]:
        # The parser knows where a time expression starts and ends; DIET only where it saw one. So a DIET
        # `time` takes the span (and value) of the expression it overlaps most, and two DIET fragments of
        # one expression ("明天" + "下午三点") become one entity.
        resolved, taken = [], set()
        for entity in entities:
            if entity.get(ENTITY_ATTRIBUTE_TYPE) != self._entity:
                resolved.append(entity)
                continue
            best = max(matches, key=lambda m: overlap(entity, m.start, m.end), default=None)
            if best is None or overlap(entity, best.start, best.end) == 0:
                logger.debug("Dropping %s entity %r: no time expression there.", self._entity, entity.get("value"))
                continue
            if (best.start, best.end) in taken:
                continue
            taken.add((best.start, best.end))
            span = {ENTITY_ATTRIBUTE_START: best.start, ENTITY_ATTRIBUTE_END: best.end}
            resolved.append(self.add_processor_name({**entity, **span, **self._value(best)}))
        return resolved

    def _found_by_parser(
        self, entities: list[dict[str, Any]], matches: list[timeparse.TimeMatch]
    ) -> list[dict[str, Any]]:
        found = [
            {
                ENTITY_ATTRIBUTE_TYPE: self._entity,
                ENTITY_ATTRIBUTE_START: match.start,
                ENTITY_ATTRIBUTE_END: match.end,
                **self._value(match),
            }
            for match in matches
            if not BARE_CLOCK.fullmatch(match.text) and not any(overlap(e, match.start, match.end) for e in entities)
        ]
        return self.add_extractor_name(found)

    @staticmethod
    def _value(match: timeparse.TimeMatch) -> dict[str, Any]:
        return {ENTITY_ATTRIBUTE_VALUE: match.value.isoformat(), ADDITIONAL_INFO: {"grain": match.grain}}
