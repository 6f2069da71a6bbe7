"""A second opinion on the FAQ topic: a linear classifier over the FAQ examples, averaged with the
ResponseSelector's ranking, as IntentBlend does for the intent.

On the FAQ examples alone (5 folds, bench/README.md) a regularised linear model on jieba words, characters
and pinyin syllables picks the topic as often as the ResponseSelector or more, and the two err on different
questions. The averaged confidence is what bot.nlg's floor (MIN_TOPIC_CONFIDENCE) reads.

A message that asks two things ("犹豫期是多少天？退保要带什么材料") gets both answers: each question in it is
put to the linear model alone, and a confident topic other than the chosen one is listed under "also" beside
the prediction (bot.nlg appends its answer)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    TOKENS_NAMES,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot import topic_confidence
from bot.components.base import StoredModelComponent, customer_texts
from bot.components.intent_blend import with_bigrams, words
from bot.pinyin import syllables
from bot.questions import question_spans

ALSO_KEY = "also"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicBlend(StoredModelComponent):
    """Runs after the ResponseSelector; rewrites its prediction and ranking for `retrieval_intent`."""

    MODEL_FILE = "topic_blend.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # linear_weight: the linear model's share of the vote; C: its inverse regularisation.
        # also_confidence: how sure the linear model must be of a second question's topic, on that question alone
        return {"retrieval_intent": "faq", "linear_weight": 0.5, "C": 10.0, "also_confidence": 0.25}

    def _features(self, messages: list[Message], fit: bool = False) -> scipy.sparse.csr_matrix:
        method = "fit_transform" if fit else "transform"
        docs = {"words": [words(m) for m in messages], "chars": [m.get(TEXT).lower() for m in messages],
                "sounds": [syllables(m.get(TEXT)) for m in messages]}
        return scipy.sparse.hstack([getattr(self.model[name], method)(d) for name, d in docs.items()]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples
                    if m.get(INTENT) == self.config["retrieval_intent"] and m.get(TEXT)]
        labels = [m.get_full_intent() for m in examples]
        if len(set(labels)) < 2:
            return self.resource  # nothing to choose between: the ResponseSelector decides alone
        self.model = {
            "words": TfidfVectorizer(analyzer=with_bigrams, sublinear_tf=True),
            "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
            "sounds": TfidfVectorizer(analyzer=with_bigrams, sublinear_tf=True),
            "classifier": LogisticRegression(C=self.config["C"], max_iter=5000),
            "responses": {key: value for key, value in training_data.responses.items()},
        }
        self.model["classifier"].fit(self._features(examples, fit=True), labels)
        return self.store()

    def process(self, messages: list[Message]) -> list[Message]:
        """Averages the selector's ranking with the linear model's probabilities; the top one is the answer."""
        key = self.config["retrieval_intent"]
        selected = [m for m, _ in customer_texts(messages)
                    if (m.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(key)]
        if not self.model or not selected:
            return messages
        classifier, weight = self.model["classifier"], float(self.config["linear_weight"])
        for message, linear in zip(selected, classifier.predict_proba(self._features(selected)), strict=True):
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME)
            prediction, ranking = properties[key][RESPONSE_SELECTOR_PREDICTION_KEY], properties[key][
                RESPONSE_SELECTOR_RANKING_KEY]
            ids = {r[INTENT_RESPONSE_KEY]: r.get("id") for r in ranking}
            votes = {r[INTENT_RESPONSE_KEY]: (1 - weight) * r[PREDICTED_CONFIDENCE_KEY] for r in ranking}
            for topic, p in zip(classifier.classes_, linear, strict=True):
                votes[topic] = votes.get(topic, 0.0) + weight * float(p)
            order = sorted(votes.items(), key=lambda kv: -kv[1])[: max(len(ranking), 1)]
            top, confidence = order[0]
            if confidence < topic_confidence.ANSWERED and (asked := self._sure_questions(message)):
                # "烦请告知两事：一、…需准备哪些材料；二、…大约多久可以审核完毕": the whole letter is of no clear topic,
                # but each question in it is — the first one asked is the answer, the others follow ("also")
                top, confidence = asked[0][0], min(p for _, p in asked)
                order = [(top, confidence), *[(t, c) for t, c in order if t != top]]
            utter = f"utter_{top}"
            properties[key] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self.model["responses"].get(
                        utter, prediction.get(RESPONSE_SELECTOR_RESPONSES_KEY)),
                    PREDICTED_CONFIDENCE_KEY: float(np.round(confidence, 6)),
                    INTENT_RESPONSE_KEY: top,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter,
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {"id": ids.get(topic), PREDICTED_CONFIDENCE_KEY: float(np.round(c, 6)), INTENT_RESPONSE_KEY: topic}
                    for topic, c in order],
            }
            also = self._other_questions(message, top)
            if also:
                properties[key][ALSO_KEY] = also
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages

    def _sure_questions(self, message: Message) -> list[tuple[str, float]]:
        """(topic, probability) of each question in the message, when it asks two or more different things and the
        linear model is sure enough of each to answer it on its own; otherwise []."""
        found = self._question_topics(message)
        if len({topic for topic, _ in found}) < 2 or any(p < topic_confidence.ANSWERED for _, p in found):
            return []
        return found

    def _question_topics(self, message: Message) -> list[tuple[str, float]]:
        """The linear model's likeliest topic of each question in the message (none when it asks one thing)."""
        text, tokens = message.get(TEXT), message.get(TOKENS_NAMES[TEXT]) or []
        spans = question_spans(text)
        if not spans:
            return []
        parts = [Message(data={TEXT: text[start:end],
                               TOKENS_NAMES[TEXT]: [t for t in tokens if start <= t.start and t.end <= end]})
                 for start, end in spans]
        classifier = self.model["classifier"]
        return [(classifier.classes_[i], float(p[i])) for p in classifier.predict_proba(self._features(parts))
                for i in [int(np.argmax(p))]]

    def _other_questions(self, message: Message, top: str) -> list[dict[str, Any]]:
        """Topics of the message's other questions, when each question has a confident topic of its own and one
        of them is the chosen topic (otherwise the questions are one question in several pieces)."""
        found = self._question_topics(message)
        sure = [(topic, p) for topic, p in found if p >= float(self.config["also_confidence"])]
        topics = [topic for topic, _ in sure]
        if top not in topics:
            return []
        others = {topic: (p, topics.index(topic) < topics.index(top)) for topic, p in sure if topic != top}
        # "asked_first": answered before the chosen topic, so that the answers come in the order asked
        return [{INTENT_RESPONSE_KEY: topic, PREDICTED_CONFIDENCE_KEY: round(p, 6), "asked_first": first}
                for topic, (p, first) in others.items()]
