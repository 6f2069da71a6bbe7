"""What the rule-based NLU components share: Rasa's `create` for a component without state, span overlap."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START


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
