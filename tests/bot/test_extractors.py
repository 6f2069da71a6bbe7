"""IdentifierExtractor and TimeExtractor on real Rasa messages carrying DIET-style predictions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from rasa.shared.nlu.constants import ENTITIES

from bot.components.identifier_extractor import IdentifierExtractor
from bot.components.name_extractor import NameExtractor
from bot.components.script_normaliser import ScriptNormaliser
from bot.components.shape_filter import ShapeFilter
from bot.components.time_extractor import TimeExtractor
from bot.timeparse import SHANGHAI

MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def diet(label: str, text: str, part: str, value: str | None = None) -> dict:
    """An entity as DIETClassifier predicts it: span, raw value, confidence, extractor."""
    start = text.index(part)
    return {
        "entity": label,
        "start": start,
        "end": start + len(part),
        "value": value if value is not None else part,
        "confidence_entity": 0.93,
        "extractor": "DIETClassifier",
    }


def with_predictions(user_messages, text: str, *entities: dict):
    [message] = user_messages(text)
    if entities:
        message.set(ENTITIES, list(entities), add_to_output=True)
    return message


@pytest.fixture
def identifiers(graph_context) -> IdentifierExtractor:
    return IdentifierExtractor.create({}, **graph_context)


@pytest.fixture
def times() -> TimeExtractor:
    return TimeExtractor({**TimeExtractor.get_default_config()}, clock=lambda: MONDAY_MORNING)


# --- identifiers --------------------------------------------------------------------------------


def test_identifier_replaces_diets_partial_guess_with_the_exact_number(identifiers, user_messages):
    text = "帮我查下lp2026110290101的进度"
    message = with_predictions(user_messages, text, diet("claim_number", text, "lp20261102901"))
    [message] = identifiers.process([message])
    assert message.get(ENTITIES) == [
        {
            "entity": "claim_number",
            "start": 4,
            "end": 19,
            "value": "LP2026110290101",
            "extractor": "IdentifierExtractor",
        }
    ]


def test_identifier_overrides_diets_wrong_label_on_the_same_span(identifiers, user_messages):
    text = "手机13812345678"
    message = with_predictions(user_messages, text, diet("claim_number", text, "13812345678"))
    [message] = identifiers.process([message])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("phone", "13812345678")]


def test_other_entities_are_kept(identifiers, user_messages):
    text = "我叫张三，手机13812345678"
    name = diet("person_name", text, "张三")
    [message] = identifiers.process([with_predictions(user_messages, text, name, diet("phone", text, "138123"))])
    assert message.get(ENTITIES)[0] == name
    assert [e["entity"] for e in message.get(ENTITIES)] == ["person_name", "phone"]


def test_digits_inside_a_case_number_read_out_in_groups_are_no_entity_of_their_own(identifiers, user_messages):
    """Set 14: "TS 2026 1120 - 9001 手机尾号 8 0 0 1" had 2026, 1120 and 9001 tagged as last digits too."""
    text = "TS 2026 1120 - 9001 手机尾号 8 0 0 1"
    guesses = [diet("id_last4", text, part) for part in ("2026", "1120", "9001")]
    [message] = identifiers.process([with_predictions(user_messages, text, *guesses)])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("complaint_number", "TS20261120-9001")]
    # a mobile's last four stay: they may be the proof
    text = "LP2026110290102 手机13800138001"
    [message] = identifiers.process([with_predictions(user_messages, text, diet("id_last4", text, "8001"))])
    assert ("id_last4", "8001") in [(e["entity"], e["value"]) for e in message.get(ENTITIES)]


def test_id_number_never_becomes_an_entity(identifiers, user_messages):
    text = "身份证110105199001011234"
    guesses = [diet("phone", text, "11010519900"), diet("person_name", text, "110105199001011234")]
    last4 = diet("id_last4", text, "1234")
    [message] = identifiers.process([with_predictions(user_messages, text, *guesses, last4)])
    assert message.get(ENTITIES) == [last4]


def test_a_mistyped_number_is_left_for_the_form_to_explain_the_format(identifiers, user_messages):
    text = "案号LP20261102"
    entity = diet("claim_number", text, "LP20261102")
    [message] = identifiers.process([with_predictions(user_messages, text, entity)])
    assert message.get(ENTITIES) == [entity]


@pytest.mark.parametrize(
    ("label", "text", "part"),
    [
        ("phone", "预算5000元", "5000"),
        ("phone", "886", "886"),
        ("claim_number", "我想查理赔进度", "理赔"),
        ("appointment_number", "改到12月8号下午", "12月8号下午"),
    ],
)
def test_guesses_of_identifier_kinds_that_are_no_number_are_dropped(identifiers, user_messages, label, text, part):
    [message] = identifiers.process([with_predictions(user_messages, text, diet(label, text, part))])
    assert not message.get(ENTITIES)


def test_identifier_is_found_after_full_width_normalisation(identifiers, user_messages, graph_context):
    messages = ScriptNormaliser.create({}, **graph_context).process(
        user_messages("保單號ＬＰ２０２６１１０２９０１０１")
    )
    [message] = identifiers.process(messages)
    assert {"entity": "claim_number", "value": "LP2026110290101"}.items() <= message.get(ENTITIES)[-1].items()


# --- names --------------------------------------------------------------------------------------


def test_rule_name_replaces_diets_clipped_name_and_keeps_other_entities(graph_context, user_messages):
    text = "我叫梁家豪，约明天"
    clipped, when = diet("person_name", text, "梁家"), diet("time", text, "明天")
    [message] = NameExtractor.create({}, **graph_context).process(
        [with_predictions(user_messages, text, clipped, when)]
    )
    assert message.get(ENTITIES) == [
        when,
        {"entity": "person_name", "start": 2, "end": 5, "value": "梁家豪", "extractor": "NameExtractor"},
    ]


def test_diets_name_stays_when_the_rules_find_none(graph_context, user_messages):
    text = "联系人Tom"
    guess = diet("person_name", text, "Tom")
    [message] = NameExtractor.create({}, **graph_context).process([with_predictions(user_messages, text, guess)])
    assert message.get(ENTITIES) == [guess]


# --- shapes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "text", "part", "kept"),
    [
        ("id_last4", "尾号305X", "305X", True),
        ("id_last4", "０７３５", "０７３５", True),
        ("id_last4", "886", "886", False),
        ("score", "打5分", "5", True),
        ("score", "886", "886", False),
        ("person_name", "我叫王先生", "王先生", True),
        ("person_name", "联系人 Tom Lee", "Tom Lee", True),
        ("person_name", "地球到月亮有多远", "月亮", False),
        ("person_name", "講唔明", "明", False),
        ("branch", "去浦东", "浦东", True),
    ],
)
def test_entities_that_cannot_be_a_value_of_their_type_are_dropped(graph_context, user_messages, label, text, part,
                                                                     kept):  # fmt: skip
    entity = diet(label, text, part)
    [message] = ShapeFilter.create({}, **graph_context).process([with_predictions(user_messages, text, entity)])
    assert (message.get(ENTITIES) or []) == ([entity] if kept else [])


# --- times --------------------------------------------------------------------------------------


def test_diets_time_entity_gets_an_absolute_value_and_grain(times, user_messages):
    text = "下周三下午三点可以吗"
    [message] = times.process([with_predictions(user_messages, text, diet("time", text, "下周三下午三点"))])
    [entity] = message.get(ENTITIES)
    assert entity["value"] == "2026-12-02T15:00:00+08:00"
    assert entity["additional_info"] == {"grain": "hour"}
    assert (entity["extractor"], entity["processors"]) == ("DIETClassifier", ["TimeExtractor"])
    assert (entity["start"], entity["end"]) == (0, 7)


def test_diet_span_that_covers_only_part_of_the_expression_gets_the_whole_expression(times, user_messages):
    text = "就明天下午3点半吧"
    [message] = times.process([with_predictions(user_messages, text, diet("time", text, "下午3点半"))])
    [entity] = message.get(ENTITIES)
    assert entity["value"] == "2026-11-24T15:30:00+08:00"
    assert text[entity["start"] : entity["end"]] == "明天下午3点半"


def test_diet_fragments_of_one_expression_become_one_entity(times, user_messages):
    text = "明天下午三点去网点"
    fragments = diet("time", text, "明天"), diet("time", text, "下午三点")
    [message] = times.process([with_predictions(user_messages, text, *fragments)])
    [entity] = message.get(ENTITIES)
    assert (entity["start"], entity["end"], entity["value"]) == (0, 6, "2026-11-24T15:00:00+08:00")


def test_a_time_diet_missed_beside_one_it_found_is_added(times, user_messages):
    """Set 6: "30号要带孩子打疫苗 能不能改到12月3号" — DIET tagged only 30号, and the day wanted was lost."""
    text = "30号要带孩子打疫苗 能不能改到12月3号 同样时间"
    [message] = times.process([with_predictions(user_messages, text, diet("time", text, "30号"))])
    assert [(e["value"], e["additional_info"]) for e in message.get(ENTITIES)] == [
        ("2026-11-30T00:00:00+08:00", {"grain": "day"}), ("2026-12-03T00:00:00+08:00", {"grain": "day"})]


def test_time_entity_that_is_no_time_is_dropped_so_the_form_asks_again(times, user_messages):
    text = "等我有空再说"
    name = diet("person_name", text, "我")
    [message] = times.process([with_predictions(user_messages, text, diet("time", text, "有空"), name)])
    assert message.get(ENTITIES) == [name]


def test_time_missed_by_diet_is_added_by_the_parser(times, user_messages):
    text = "改到12月1号上午10点"
    [message] = times.process([with_predictions(user_messages, text)])
    assert message.get(ENTITIES) == [
        {
            "entity": "time",
            "start": 2,
            "end": 12,
            "value": "2026-12-01T10:00:00+08:00",
            "additional_info": {"grain": "hour"},
            "extractor": "TimeExtractor",
        }
    ]
    assert "entities" in message.as_dict(only_output_properties=True)


@pytest.mark.parametrize("text", ["我有三点要说", "三点", "就这两点"])
def test_parser_alone_does_not_add_a_bare_hour(times, user_messages, text):
    [message] = times.process([with_predictions(user_messages, text)])
    assert message.get(ENTITIES) is None


def test_bare_hour_tagged_by_diet_is_resolved(times, user_messages):
    text = "三点"
    [message] = times.process([with_predictions(user_messages, text, diet("time", text, "三点"))])
    assert message.get(ENTITIES)[0]["value"] == "2026-11-23T15:00:00+08:00"


def test_parser_does_not_claim_a_span_another_extractor_owns(times, user_messages):
    text = "投诉单TS20261120-9001"
    complaint = diet("complaint_number", text, "TS20261120-9001")
    [message] = times.process([with_predictions(user_messages, text, complaint)])
    assert message.get(ENTITIES) == [complaint]


def test_default_clock_is_the_current_shanghai_time(graph_context, user_messages):
    extractor = TimeExtractor.create({}, **graph_context)
    [message] = extractor.process(user_messages("明天"))
    value = datetime.fromisoformat(message.get(ENTITIES)[0]["value"])
    assert value.date() == (datetime.now(SHANGHAI) + timedelta(days=1)).date()
