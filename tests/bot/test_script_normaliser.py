"""ScriptNormaliser on real Rasa messages and training data, and where the recipe puts it in the graph."""

from __future__ import annotations

import pytest
from rasa.engine import validation
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot import script
from bot.components.script_normaliser import ScriptNormaliser

NLU_YAML = """
version: "3.1"
nlu:
- intent: check_claim
  examples: |
    - 我想查[LP2026110290101](claim_number)的理賠進度
    - [下週三下午三點](time)可以[預約](service_type)嗎
    - 我的[醫療保險]{"entity": "product", "value": "medical"}報銷
- intent: greet
  examples: |
    - 你好
- synonym: 醫療險
  examples: |
    - 醫療保障
- lookup: branch
  examples: |
    - 臺北分行
"""


@pytest.fixture
def normaliser(graph_context) -> ScriptNormaliser:
    return ScriptNormaliser.create({}, **graph_context)


def test_traditional_message_reaches_the_tokenizer_in_simplified(normaliser, user_messages, graph_context):
    messages = normaliser.process(user_messages("我想查一下理賠進度，保單號ＬＰ２０２６１１０２９０１０１"))
    tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), **graph_context)
    [message] = tokenizer.process(messages)
    assert message.get(TEXT) == "我想查一下理赔进度,保单号LP2026110290101"
    tokens = [t.text for t in message.get(TOKENS_NAMES[TEXT])]
    # (理赔进度 is one word once the insurance dictionary is loaded, as it is in the product)
    assert any(t.startswith("理赔") for t in tokens) and "LP2026110290101" in tokens


def test_a_number_read_out_digit_by_digit_reaches_the_classifier_as_figures(normaliser, user_messages):
    """Set 10: "我查下理赔 号码是LP二零二六…" read as a complaint: the training data writes case numbers in figures."""
    [message] = normaliser.process(user_messages("我查下理赔 号码是LP二零二六一一零三九零一零三"))
    assert message.get(TEXT) == "我查下理赔 号码是LP2026110390103"
    [message] = normaliser.process(user_messages("一二三四 上山打老虎"))  # a few digit words are words
    assert message.get(TEXT) == "一二三四 上山打老虎"


@pytest.mark.parametrize(
    ("text", "script_value"),
    [("下週三可以嗎", "traditional"), ("下周三可以吗", "simplified")],
)
def test_script_entity_records_the_customers_script(normaliser, user_messages, text, script_value):
    [message] = normaliser.process(user_messages(text))
    assert message.get(ENTITIES) == [
        {"entity": "script", "value": script_value, "start": 0, "end": 0, "extractor": "ScriptNormaliser"}
    ]
    assert "entities" in message.as_dict(only_output_properties=True)


def test_message_that_shows_no_script_leaves_the_slot_alone(normaliser, user_messages):
    [message] = normaliser.process(user_messages("你好"))
    assert message.get(ENTITIES) is None


def test_button_payloads_pass_untouched(normaliser, user_messages):
    payload = '/inform{"branch": "臺北分行"}'
    [message] = normaliser.process(user_messages(payload))
    assert message.get(TEXT) == payload and message.get(ENTITIES) is None


def test_training_examples_are_simplified_with_entities_still_aligned(normaliser):
    training_data = normaliser.process_training_data(RasaYAMLReader().reads(NLU_YAML))
    examples = {m.get(TEXT): m for m in training_data.intent_examples}
    assert set(examples) == {
        "我想查LP2026110290101的理赔进度",
        "下周三下午三点可以预约吗",
        "我的医疗保险报销",
        "你好",
    }
    for example in examples.values():
        for entity in example.get(ENTITIES) or []:
            span = example.get(TEXT)[entity["start"] : entity["end"]]
            assert entity["value"] in (span, "medical")
    assert [e["value"] for e in examples["下周三下午三点可以预约吗"].get(ENTITIES)] == ["下周三下午三点", "预约"]
    assert training_data.entity_synonyms["医疗保障"] == "醫療險"
    assert training_data.lookup_tables[0]["elements"] == ["台北分行"]


def test_training_example_stays_aligned_when_a_conversion_would_change_its_length(normaliser, monkeypatch):
    real = script._convert

    def lengthening(config: str, text: str) -> str:
        converted = real(config, text)
        return converted + "…" if len(text) > 1 else converted  # a phrase rule that adds a character

    monkeypatch.setattr(script, "_convert", lengthening)
    training_data = normaliser.process_training_data(RasaYAMLReader().reads(NLU_YAML))
    example = next(m for m in training_data.intent_examples if "LP2026110290101" in m.get(TEXT))
    assert example.get(TEXT) == "我想查LP2026110290101的理赔进度"
    [claim] = example.get(ENTITIES)
    assert example.get(TEXT)[claim["start"] : claim["end"]] == "LP2026110290101"


def test_recipe_runs_the_normaliser_before_the_tokenizer_in_training_and_inference():
    config = {
        "recipe": "default.v1",
        "language": "zh",
        "pipeline": [
            {"name": "bot.components.script_normaliser.ScriptNormaliser"},
            {"name": "JiebaTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "DIETClassifier", "epochs": 1},
            {"name": "bot.components.identifier_extractor.IdentifierExtractor"},
            {"name": "bot.components.time_extractor.TimeExtractor"},
        ],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)
    validation.validate(graph)  # Rasa's own type and wiring checks of every node

    normaliser = "run_bot.components.script_normaliser.ScriptNormaliser0"
    train, predict = graph.train_schema.nodes, graph.predict_schema.nodes
    assert train[normaliser].fn == "process_training_data"
    assert train[normaliser].needs["training_data"] == "nlu_training_data_provider"
    assert train["run_JiebaTokenizer1"].needs["training_data"] == normaliser
    assert predict[normaliser].needs["messages"] == "nlu_message_converter"
    assert predict["run_JiebaTokenizer1"].needs["messages"] == normaliser
    assert predict["run_bot.components.identifier_extractor.IdentifierExtractor4"].needs["messages"] == (
        "run_DIETClassifier3"
    )
    assert predict["run_bot.components.time_extractor.TimeExtractor5"].needs["messages"] == (
        "run_bot.components.identifier_extractor.IdentifierExtractor4"
    )
