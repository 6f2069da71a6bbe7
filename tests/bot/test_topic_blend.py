"""TopicBlend: trained on real tokenised FAQ examples, stored and loaded as Rasa's graph does."""

from __future__ import annotations

import pytest
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.topic_blend import TopicBlend

EXAMPLES = {
    "faq/hesitation_period": ["犹豫期是多少天", "犹豫期内退保全退吗", "冷静期有几天", "刚买的保险后悔了能退吗"],
    "faq/claim_documents": ["理赔要什么材料", "申请理赔需要准备哪些资料", "理赔要带身份证吗", "报销要发票原件吗"],
    "faq/service_hours": ["你们几点上班", "人工客服什么时间在", "周末有人值班吗", "营业时间是几点到几点"],
}
RESPONSES = {f"utter_{k}": [{"text": f"answer {k}"}] for k in EXAMPLES}


@pytest.fixture
def tokenizer(graph_context) -> JiebaTokenizer:
    return JiebaTokenizer.create(JiebaTokenizer.get_default_config(), **graph_context)


def message(tokenizer: JiebaTokenizer, text: str, topic: str | None = None) -> Message:
    m = Message({TEXT: text, **({INTENT: "faq", INTENT_RESPONSE_KEY: topic} if topic else {})})
    tokenizer.process_training_data(TrainingData([m]))
    return m


def with_selector(m: Message, *ranking: tuple[str, float]) -> Message:
    top, confidence = ranking[0]
    m.set("response_selector", {"all_retrieval_intents": ["faq"], "faq": {
        "response": {"responses": RESPONSES[f"utter_{top}"], "confidence": confidence, "intent_response_key": top,
                     "utter_action": f"utter_{top}"},
        "ranking": [{"id": i, "confidence": c, "intent_response_key": k} for i, (k, c) in enumerate(ranking)]}},
        add_to_output=True)
    return m


@pytest.fixture
def trained(tokenizer, graph_context) -> TopicBlend:
    data = TrainingData([message(tokenizer, t, k) for k, texts in EXAMPLES.items() for t in texts],
                        responses=RESPONSES)
    blend = TopicBlend.create({}, **graph_context)
    blend.train(data)
    return blend


def test_an_unsure_selector_is_settled_by_the_words_the_linear_model_learnt(trained, tokenizer):
    m = with_selector(message(tokenizer, "理赔要准备什么材料"), ("faq/service_hours", 0.40),
                      ("faq/claim_documents", 0.35), ("faq/hesitation_period", 0.25))
    [m] = trained.process([m])
    answer = m.get("response_selector")["faq"]["response"]
    assert answer["intent_response_key"] == "faq/claim_documents"
    assert answer["utter_action"] == "utter_faq/claim_documents"
    assert answer["responses"] == RESPONSES["utter_faq/claim_documents"]
    ranking = m.get("response_selector")["faq"]["ranking"]
    assert ranking[0]["confidence"] == answer["confidence"] and ranking[0]["id"] == 1
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)


def test_the_stored_model_loads_and_votes_the_same(trained, tokenizer, graph_context):
    loaded = TopicBlend.load({}, **graph_context)
    ranking = (("faq/hesitation_period", 0.34), ("faq/service_hours", 0.33), ("faq/claim_documents", 0.33))
    a = trained.process([with_selector(message(tokenizer, "犹豫期几天"), *ranking)])
    b = loaded.process([with_selector(message(tokenizer, "犹豫期几天"), *ranking)])
    assert a[0].get("response_selector") == b[0].get("response_selector")


def test_without_faq_examples_the_selector_decides_alone(tokenizer, graph_context):
    blend = TopicBlend.create({}, **graph_context)
    blend.train(TrainingData([message(tokenizer, "你好")]))
    m = with_selector(message(tokenizer, "犹豫期几天"), ("faq/hesitation_period", 0.6), ("faq/service_hours", 0.4))
    before = m.get("response_selector")["faq"]["response"].copy()
    assert blend.process([m])[0].get("response_selector")["faq"]["response"] == before


def test_a_second_question_in_the_message_is_listed_beside_the_answer(trained, tokenizer):
    """"犹豫期是多少天？理赔要准备哪些资料": one question is chosen, the other is not lost."""
    m = with_selector(message(tokenizer, "犹豫期是多少天？理赔要准备哪些资料"), ("faq/hesitation_period", 0.5),
                      ("faq/claim_documents", 0.4), ("faq/service_hours", 0.1))
    [m] = trained.process([m])
    faq = m.get("response_selector")["faq"]
    [other] = faq["also"]
    answered = [other["intent_response_key"], faq["response"]["intent_response_key"]]
    if not other["asked_first"]:
        answered.reverse()
    assert answered == ["faq/hesitation_period", "faq/claim_documents"]  # in the order asked


@pytest.mark.parametrize("text", [
    "我想问一下，犹豫期是多少天",          # one question with a lead-in
    "犹豫期是多少天？冷静期有几天",          # the same question twice
])
def test_one_question_gets_one_answer(trained, tokenizer, text):
    m = with_selector(message(tokenizer, text), ("faq/hesitation_period", 0.6), ("faq/service_hours", 0.4))
    [m] = trained.process([m])
    assert "also" not in m.get("response_selector")["faq"]


def test_a_letter_of_no_clear_topic_is_answered_question_by_question(trained, tokenizer):
    """Set 13: a formal letter ("烦请告知两事：一、…需准备哪些材料；二、…几点上班") got the menu of likely questions:
    as a whole it has no clear topic, but each of its questions has one."""
    text = "本人老伴上月住院手术，本月已出院。烦请告知两事：一、申请理赔需准备哪些资料；二、你们人工客服什么时间在"
    m = with_selector(message(tokenizer, text), ("faq/hesitation_period", 0.26), ("faq/service_hours", 0.25),
                      ("faq/claim_documents", 0.24))
    trained.config["linear_weight"] = 0.0  # the whole message as unsure as the selector is (below the floor)
    [m] = trained.process([m])
    faq = m.get("response_selector")["faq"]
    assert faq["response"]["intent_response_key"] == "faq/claim_documents"
    assert faq["response"]["confidence"] >= 0.3 and faq["ranking"][0]["intent_response_key"] == "faq/claim_documents"
    assert [o["intent_response_key"] for o in faq["also"]] == ["faq/service_hours"]
