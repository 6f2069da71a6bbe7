"""IntentBlend: trained on real tokenised examples, stored and loaded as Rasa's graph does."""

from __future__ import annotations

import pytest
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.intent_blend import IntentBlend, entity_shape

EXAMPLES = {
    "check_claim_progress": ["我的理赔到哪一步了", "帮我查下理赔进度", "理赔审核完了吗", "我那个理赔怎么样了"],
    "file_complaint": ["我要投诉你们业务员", "投诉理赔员态度差", "我要投诉", "对服务不满意要投诉"],
    "greet": ["你好", "您好啊", "早上好", "哈喽"],
}


@pytest.fixture
def tokenizer(graph_context) -> JiebaTokenizer:
    # jieba's own dictionary: a user dictionary would stay loaded in jieba for every later test
    return JiebaTokenizer.create(JiebaTokenizer.get_default_config(), **graph_context)


def message(tokenizer: JiebaTokenizer, text: str, intent: str | None = None) -> Message:
    m = Message({TEXT: text, **({INTENT: intent} if intent else {})})
    tokenizer.process_training_data(TrainingData([m]))
    return m


def with_diet(m: Message, *ranking: tuple[str, float]) -> Message:
    out = [{"name": name, "confidence": conf} for name, conf in ranking]
    m.set(INTENT, out[0], add_to_output=True)
    m.set(INTENT_RANKING_KEY, out, add_to_output=True)
    return m


@pytest.fixture
def trained(tokenizer, graph_context) -> IntentBlend:
    data = TrainingData([message(tokenizer, t, i) for i, texts in EXAMPLES.items() for t in texts])
    blend = IntentBlend.create({}, **graph_context)
    blend.train(data)
    return blend


def test_an_unsure_diet_is_settled_by_the_words_the_linear_model_learnt(trained, tokenizer):
    m = with_diet(message(tokenizer, "理赔进度查一下"), ("file_complaint", 0.45), ("check_claim_progress", 0.40))
    [m] = trained.process([m])
    assert m.get(INTENT)["name"] == "check_claim_progress"
    ranking = m.get(INTENT_RANKING_KEY)
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert ranking[0] == m.get(INTENT)


def test_a_sure_diet_and_an_agreeing_linear_model_keep_the_intent_with_high_confidence(trained, tokenizer):
    m = with_diet(message(tokenizer, "我要投诉业务员"), ("file_complaint", 0.98), ("greet", 0.01))
    [m] = trained.process([m])
    assert m.get(INTENT)["name"] == "file_complaint" and m.get(INTENT)["confidence"] > 0.6


def test_the_stored_model_loads_and_votes_the_same(trained, tokenizer, graph_context):
    loaded = IntentBlend.load({}, **graph_context)
    texts = ["理赔到哪了", "你好呀", "投诉一下"]
    a = trained.process([with_diet(message(tokenizer, t), ("greet", 0.34), ("file_complaint", 0.33)) for t in texts])
    b = loaded.process([with_diet(message(tokenizer, t), ("greet", 0.34), ("file_complaint", 0.33)) for t in texts])
    assert [m.get(INTENT_RANKING_KEY) for m in a] == [m.get(INTENT_RANKING_KEY) for m in b]
    assert [m.get(INTENT)["name"] for m in a] == ["check_claim_progress", "greet", "file_complaint"]


def test_a_button_payload_keeps_the_intent_it_names(trained, tokenizer):
    m = with_diet(Message({TEXT: "/greet"}), ("greet", 1.0))
    [m] = trained.process([m])
    assert m.get(INTENT) == {"name": "greet", "confidence": 1.0}


def test_without_training_data_diet_decides_alone(tokenizer, graph_context):
    empty = IntentBlend.load({}, **graph_context)  # nothing was ever written for this resource
    m = with_diet(message(tokenizer, "你好"), ("greet", 0.7), ("file_complaint", 0.2))
    assert empty.process([m])[0].get(INTENT) == {"name": "greet", "confidence": 0.7}


def test_a_homophone_typo_and_typed_pinyin_are_heard_as_the_words_learnt(trained, tokenizer):
    # 里陪/禁度 share no character or word with the examples, only their sound (li pei, jin du);
    # DIET is left undecided, so the linear model's reading decides
    for text in ("我的里陪禁度", "lipei jindu"):
        undecided = (("greet", 0.34), ("file_complaint", 0.33), ("check_claim_progress", 0.33))
        m = with_diet(message(tokenizer, text), *undecided)
        [m] = trained.process([m])
        assert m.get(INTENT)["name"] == "check_claim_progress", text


def test_an_entity_value_reads_as_its_type(tokenizer):
    m = message(tokenizer, "改到后天下午两点，我叫刘芳芳")
    text = m.get(TEXT)
    spans = [("后天下午两点", "time"), ("刘芳芳", "person_name")]
    m.set(ENTITIES, [{"start": text.index(v), "end": text.index(v) + len(v), "entity": k, "value": v}
                     for v, k in spans] + [{"start": 0, "end": 0, "entity": "script", "value": "simplified"}])
    assert entity_shape(m) == ["改", "到", "<time>", "，", "我", "叫", "<person_name>"]


def test_a_bare_answer_to_a_form_is_recognised_by_the_shape_of_its_entities(tokenizer, graph_context):
    # no example has these names: only "a message that is a person's name" was learnt
    names = {"张伟": "inform", "王秀英": "inform", "我要投诉": "file_complaint", "投诉业务员": "file_complaint",
             "你好": "greet", "早上好": "greet"}
    data = []
    for text, intent in names.items():
        m = message(tokenizer, text, intent)
        if intent == "inform":
            m.set(ENTITIES, [{"start": 0, "end": len(text), "entity": "person_name", "value": text}])
        data.append(m)
    blend = IntentBlend.create({}, **graph_context)
    blend.train(TrainingData(data))
    m = with_diet(message(tokenizer, "欧阳娜娜"), ("greet", 0.4), ("inform", 0.3), ("file_complaint", 0.3))
    m.set(ENTITIES, [{"start": 0, "end": 4, "entity": "person_name", "value": "欧阳娜娜"}])
    [m] = blend.process([m])
    assert m.get(INTENT)["name"] == "inform"
