"""What the rule-based NLU components share: Rasa's `create` for a stateless component, the customer's texts,
span overlap."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message


class StatelessComponent(GraphComponent):
    """A component built from code alone: no config, nothing trained or stored."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component (it has no state)."""
        return cls()


def overlap(entity: dict[str, Any], start: int, end: int) -> int:
    """How many characters of `entity` fall in [start, end); 0 for an entity without offsets."""
    e_start, e_end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
    if e_start is None or e_end is None:
        return 0
    return max(0, min(e_end, end) - max(e_start, start))


def customer_texts(messages: Iterable[Message]) -> Iterator[tuple[Message, str]]:
    """Each message with text the customer typed; a button's payload ("/rate{...}") says exactly what it means."""
    for message in messages:
        text = message.get(TEXT)
        if isinstance(text, str) and not text.startswith(INTENT_MESSAGE_PREFIX):
            yield message, text
