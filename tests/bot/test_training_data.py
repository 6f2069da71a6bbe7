"""The training data teaches DIET the same spans the rule extractors emit at run time.

IdentifierExtractor replaces DIET's case numbers and mobiles and TimeExtractor widens DIET's `time` to the
whole expression; an annotation that disagrees with them teaches DIET a span the pipeline will never keep.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jieba
import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot import identifiers, names, timeparse
from bot.components.identifier_extractor import EMITTED
from bot.components.script_normaliser import normalise
from bot.components.time_extractor import BARE_CLOCK

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "nlu"
REFERENCE = datetime(2026, 11, 24, 10, 0, tzinfo=timeparse.SHANGHAI)
EXAMPLES = load_data(str(DATA)).intent_examples


def spans(message, types) -> set:
    text = message.get("text")
    return {(text[e["start"] : e["end"]], e["entity"]) for e in message.get("entities") or [] if e["entity"] in types}


@pytest.fixture(scope="module", autouse=True)
def rules() -> None:
    identifiers.load()


def test_every_annotated_identifier_is_what_the_identifier_rules_find():
    wrong = []
    for message in EXAMPLES:
        text = message.get("text")
        found = {(text[i.start : i.end], i.label) for i in identifiers.find(normalise(text)) if i.label in EMITTED}
        if found != spans(message, EMITTED):
            wrong.append((text, sorted(spans(message, EMITTED)), sorted(found)))
    assert not wrong, wrong


def test_every_annotated_time_is_a_whole_expression_of_the_time_parser():
    wrong = []
    for message in EXAMPLES:
        text = message.get("text")
        parsed = {(text[m.start : m.end], "time") for m in timeparse.parse(normalise(text), REFERENCE)}
        if spans(message, {"time"}) - parsed:
            wrong.append((text, sorted(spans(message, {"time"})), sorted(parsed)))
    assert not wrong, wrong


def test_every_time_expression_the_parser_adds_alone_is_annotated():
    """Like Duckling, TimeExtractor emits every time expression whatever the intent ("明天会下雨吗" too),
    so the data annotates them all; only bare clocks ("三点") are left to DIET's reading of the context."""
    missing = []
    for message in EXAMPLES:
        text, annotated = message.get("text"), message.get("entities") or []
        for m in timeparse.parse(normalise(text), REFERENCE):
            owned = any(e["start"] < m.end and m.start < e["end"] for e in annotated)
            if not owned and not BARE_CLOCK.fullmatch(m.text):
                missing.append((text, text[m.start : m.end]))
    assert not missing, missing


def test_every_name_the_name_rules_find_is_annotated_as_such():
    """NameExtractor overrides DIET; a name left unannotated would teach DIET the opposite of what it emits."""
    wrong = []
    for message in EXAMPLES:
        text = message.get("text")
        found = {(text[n.start : n.end], "person_name") for n in names.find(normalise(text))}
        if found - spans(message, {"person_name"}):
            wrong.append((text, sorted(found)))
    assert not wrong, wrong


def test_every_annotation_starts_and_ends_on_a_jieba_token_boundary():
    """Rasa drops an annotation that cuts a token ("听/日出") from DIET's training, with only a warning."""
    tokenizer = jieba.Tokenizer()
    for dictionary in sorted((ROOT / "bot" / "dictionary").glob("*.txt")):
        tokenizer.load_userdict(str(dictionary))  # as config.yml's JiebaTokenizer does
    misaligned = []
    for message in EXAMPLES:
        text = normalise(message.get("text"))
        bounds = {b for _, start, end in tokenizer.tokenize(text) for b in (start, end)}
        misaligned += [(text, text[e["start"] : e["end"]]) for e in message.get("entities") or []
                       if e["start"] not in bounds or e["end"] not in bounds]  # fmt: skip
    assert not misaligned, misaligned


def test_the_check_sees_a_wrong_span():
    """Guards the two tests above against comparing nothing: a clipped annotation is caught."""
    text = "明天下午三点可以"
    parsed = {(text[m.start : m.end], "time") for m in timeparse.parse(text, REFERENCE)}
    assert ("明天下午三点", "time") in parsed and ("下午三点", "time") not in parsed
    assert sum(bool(spans(m, {"time"})) for m in EXAMPLES) > 50
    assert sum(bool(spans(m, EMITTED)) for m in EXAMPLES) > 50
