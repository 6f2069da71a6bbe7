"""Features by sound: Rasa's CountVectorsFeaturizer counting the pinyin syllables of each token.

A customer who types 里陪 or "lipei" means 理赔. As words they share nothing (jieba even cuts the typo
into 里 + 陪); as sounds all three are "li pei". DIET gets these counts next to the word and character
counts (bench/README.md)."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.pinyin import syllables


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SoundFeaturizer(CountVectorsFeaturizer):
    """Each token of the text is counted as its syllables ("理赔" → li, pei); other attributes as usual."""

    def _get_message_tokens_by_attribute(self, message: Message, attribute: str) -> list[str]:
        tokens = super()._get_message_tokens_by_attribute(message, attribute)
        if attribute != TEXT:
            return tokens
        return [" ".join(syllables(token)) or token for token in tokens]
