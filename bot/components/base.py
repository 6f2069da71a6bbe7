"""What the NLU components share: Rasa's `create` for a stateless component, create/store/load for one that
keeps a trained scikit-learn model, the customer's texts, span overlap."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import joblib
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


class StoredModelComponent(GraphComponent):
    """A trainable component whose state is one joblib file (`model` is None until trained, or when trained
    on no data: the component then leaves the messages as they are)."""

    MODEL_FILE = "model.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: dict[str, Any] | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model_storage, self.resource, self.model = model_storage, resource, model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls(config, model_storage, resource)

    def store(self) -> Resource:
        with self.model_storage.write_to(self.resource) as directory:
            joblib.dump(self.model, directory / self.MODEL_FILE)
        return self.resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> GraphComponent:
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            model = None  # nothing was stored (e.g. core-only training)
        return cls(config, model_storage, resource, model)


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
