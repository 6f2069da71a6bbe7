"""Bot tests run in the bot's own venv (.venv-bot: Rasa 3.6, Python 3.10); elsewhere they are not collected."""

from __future__ import annotations

import importlib.util

# The API's venv collects the whole tests/ tree too; without Rasa these modules cannot even be imported.
if importlib.util.find_spec("rasa") is None or importlib.util.find_spec("opencc") is None:
    collect_ignore_glob = ["test_*.py"]
else:
    from collections.abc import Callable
    from pathlib import Path

    import pytest
    from rasa.core.channels import UserMessage
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.graph_components.converters.nlu_message_converter import NLUMessageConverter
    from rasa.shared.nlu.training_data.message import Message

    @pytest.fixture
    def graph_context(tmp_path: Path) -> dict:
        """What Rasa's graph passes to a component's `create`: storage, resource, execution context."""
        return {
            "model_storage": LocalModelStorage(tmp_path),
            "resource": Resource("component"),
            "execution_context": ExecutionContext(GraphSchema({}), "test-model"),
        }

    @pytest.fixture
    def user_messages(graph_context: dict) -> Callable[..., list[Message]]:
        """NLU messages built from user texts exactly as Rasa's NLUMessageConverter builds them."""
        converter = NLUMessageConverter.create({}, **graph_context)

        def build(*texts: str) -> list[Message]:
            return [m for text in texts for m in converter.convert_user_message([UserMessage(text, sender_id="c1")])]

        return build
