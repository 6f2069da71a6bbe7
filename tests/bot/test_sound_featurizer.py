"""SoundFeaturizer: words are counted by their pinyin, so a homophone typo gets the word's features."""

from __future__ import annotations

from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sound_featurizer import SoundFeaturizer


def featurised(featurizer: SoundFeaturizer, tokenizer: JiebaTokenizer, text: str):
    m = Message({TEXT: text})
    tokenizer.process([m])
    featurizer.process([m])
    _, sentence = m.get_sparse_features(TEXT)
    return sentence.features.toarray()


def test_a_homophone_typo_and_typed_pinyin_get_the_features_of_the_word(graph_context):
    tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), **graph_context)
    data = TrainingData([Message({TEXT: t, "intent": "x"}) for t in ("查理赔", "理赔进度", "你好")])
    tokenizer.process_training_data(data)
    featurizer = SoundFeaturizer.create(SoundFeaturizer.get_default_config(), **graph_context)
    featurizer.train(data)

    word = featurised(featurizer, tokenizer, "理赔")
    assert word.sum() > 0
    assert (featurised(featurizer, tokenizer, "里陪") == word).all()
    assert (featurised(featurizer, tokenizer, "lipei") == word).all()
    assert not (featurised(featurizer, tokenizer, "你好") == word).all()
