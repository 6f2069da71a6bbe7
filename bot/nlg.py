"""Domain responses in the customer's script: Traditional for customers who write Traditional (slot customer_script)."""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.script import to_script

SCRIPT_SLOT = "customer_script"
_TITLED = ("buttons", "quick_replies")


class ScriptAwareNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's response templates, with the text and button titles converted to the customer's script.

    Enabled in endpoints.yml with `nlg: {type: bot.nlg.ScriptAwareNLG}`; Rasa builds it with the
    endpoint config and the domain, and refreshes `responses` whenever a model is loaded.
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        """Creates the generator over the domain's responses."""
        super().__init__(domain.responses if domain else {})

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        """The filled response for `utter_action`, converted after slot values are filled in."""
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        return convert_response(response, tracker.get_slot(SCRIPT_SLOT)) if response else response


def convert_response(response: dict[str, Any], script: str | None) -> dict[str, Any]:
    """`response` with its text and button/quick-reply titles in `script`; payloads are left untouched."""
    if isinstance(response.get("text"), str):
        response["text"] = to_script(response["text"], script)
    for key in _TITLED:
        if isinstance(response.get(key), list):
            response[key] = [
                {**item, "title": to_script(item["title"], script)}
                if isinstance(item, dict) and isinstance(item.get("title"), str)
                else item
                for item in response[key]
            ]
    return response
