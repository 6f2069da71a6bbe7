"""A second opinion on the intent: a linear classifier, averaged with DIET's.

On a few thousand short examples a regularised linear model is as good as DIET (bench/README.md), and
the two err on different messages: DIET reads word order and the lexicon features, the linear model
weighs every n-gram it has seen. Its features: jieba words (1–2-grams), characters (1–3-grams), pinyin
syllables (1–2-grams: homophone typos 崔/催, 蟹蟹/谢谢 and typed "yuyue" sound alike), the shape of
the entities the extractors found (a bare "刘芳芳" reads "<person_name>", the way a form answer looks)
and the topic lexicons it names (data/nlu/lookups.yml: an insurance word or an everyday subject; "物业费
不交有什么后果" is shaped like a premium question, and only the subject says it is not ours).
Averaging the two classifiers' probabilities (soft voting) is steadier than either. Entities, the FAQ
topic and the fallback threshold are left to the components that own them."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.components.base import StoredModelComponent, customer_texts
from bot.pinyin import syllables


def words(message: Message) -> list[str]:
    """The tokenizer's words (jieba with the insurance dictionary), lower-cased."""
    return [token.text.lower() for token in message.get(TOKENS_NAMES[TEXT]) or []]


def entity_shape(message: Message) -> list[str]:
    """The words with each entity value replaced by its type: "刘芳芳" → ["<person_name>"],
    "改到后天下午两点" → ["改", "到", "<time>"]. What a bare answer to a form's question looks like.
    Zero-width entities (the script marker) and entities without offsets are not words of the text."""
    spans = [(e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END], e[ENTITY_ATTRIBUTE_TYPE])
             for e in message.get(ENTITIES) or []
             if (e.get(ENTITY_ATTRIBUTE_END) or 0) > (e.get(ENTITY_ATTRIBUTE_START) or 0)]
    shape: list[str] = []
    for token in message.get(TOKENS_NAMES[TEXT]) or []:
        label = next((f"<{kind}>" for start, end, kind in spans if start < token.end and token.start < end),
                     token.text.lower())
        if not (shape and label == shape[-1] and label.startswith("<")):
            shape.append(label)
    return shape


def topics(text: str, lexicons: dict[str, list[str]]) -> list[str]:
    """"<insurance_term>" / "<everyday_topic>" for each lexicon with a word in the text (lower-cased)."""
    text = text.lower()
    return [f"<{name}>" for name, elements in lexicons.items() if any(e in text for e in elements)]


def with_constant(tokens: list[str]) -> list[str]:
    """The tokens and one feature every message has: the vocabulary is never empty, even without lookups.
    (A marker for "no topic word" instead would pull every short "好的" towards the topic-less intents.)"""
    return ["<message>", *tokens]


def with_bigrams(tokens: list[str]) -> list[str]:
    """Word unigrams and bigrams of a tokenised message (module level, so the fitted model pickles)."""
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentBlend(StoredModelComponent, IntentClassifier):
    """Runs after DIETClassifier; rewrites `intent` and `intent_ranking` with the averaged probabilities.
    Without a model (trained on no data, e.g. core-only training) DIET's intent stands alone."""

    MODEL_FILE = "intent_blend.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # linear_weight: the linear model's share of the vote; C: its inverse regularisation;
        # lexicons: the lookup tables read as topic features.
        return {"linear_weight": 0.5, "C": 10.0, "lexicons": ["insurance_term", "everyday_topic"]}

    def _features(self, messages: list[Message], fit: bool = False) -> scipy.sparse.csr_matrix:
        method = "fit_transform" if fit else "transform"
        word_docs = [words(m) for m in messages]
        char_docs = [m.get(TEXT).lower() for m in messages]
        sound_docs = [syllables(m.get(TEXT)) for m in messages]
        shape_docs = [entity_shape(m) for m in messages]
        topic_docs = [topics(m.get(TEXT), self.model["lexicons"]) for m in messages]
        return scipy.sparse.hstack([getattr(self.model["words"], method)(word_docs),
                                    getattr(self.model["chars"], method)(char_docs),
                                    getattr(self.model["sounds"], method)(sound_docs),
                                    getattr(self.model["shapes"], method)(shape_docs),
                                    getattr(self.model["topics"], method)(topic_docs)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        self.model = {
            "words": TfidfVectorizer(analyzer=with_bigrams, sublinear_tf=True),
            "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
            "sounds": TfidfVectorizer(analyzer=with_bigrams, sublinear_tf=True),
            "shapes": TfidfVectorizer(analyzer=with_bigrams, sublinear_tf=True),
            "topics": CountVectorizer(analyzer=with_constant, binary=True),  # present or not
            "lexicons": {table["name"]: [str(e).lower() for e in table["elements"]]
                         for table in training_data.lookup_tables if table["name"] in self.config["lexicons"]},
            "classifier": LogisticRegression(C=self.config["C"], max_iter=5000),
        }
        self.model["classifier"].fit(self._features(examples, fit=True), [m.get(INTENT) for m in examples])
        return self.store()

    def process(self, messages: list[Message]) -> list[Message]:
        """Averages DIET's ranking with the linear model's probabilities, then re-ranks."""
        typed = [m for m, _ in customer_texts(messages) if m.get(INTENT)]
        if not self.model or not typed:
            return messages
        classifier = self.model["classifier"]
        weight = float(self.config["linear_weight"])
        for message, linear in zip(typed, classifier.predict_proba(self._features(typed)), strict=True):
            diet = {r[INTENT_NAME_KEY]: r[PREDICTED_CONFIDENCE_KEY] for r in message.get(INTENT_RANKING_KEY) or []}
            votes = {name: (1 - weight) * diet.get(name, 0.0) for name in diet}
            for name, p in zip(classifier.classes_, linear, strict=True):
                votes[name] = votes.get(name, 0.0) + weight * float(p)
            ranking = sorted(votes.items(), key=lambda kv: -kv[1])[: max(len(diet), 1)]
            ranking_out = [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: float(np.round(c, 6))} for n, c in ranking]
            message.set(INTENT, ranking_out[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking_out, add_to_output=True)
        return messages
