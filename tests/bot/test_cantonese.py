"""Written Cantonese read in Mandarin words by the NLU (bot/cantonese.py)."""

import pytest

from bot.cantonese import WORDS, to_mandarin
from bot.components.script_normaliser import normalise


@pytest.mark.parametrize(("said", "read"), [
    ("点解仲话冇", "为何还说没"),
    ("咁而家补返要几耐先有钱收", "那现在补返要多久先有钱收"),
    ("我个理赔到咗未？", "我个理赔到了没？"),
    ("你哋系咪搞错咗", "你们是否搞错了"),
    ("我系林美华", "我是林美华"),
    ("唔该", "谢谢"),  # set 17: read as 不该, a no, "唔該" to a read-back had not booked
    ("唔该晒", "谢谢你"),
    ("唔使客气", "不使客气"),
])
def test_cantonese_words_are_read_as_mandarin(said, read):
    assert to_mandarin(said) == read


@pytest.mark.parametrize("text", ["系统升级了", "联系电话换了", "跟这个没关系", "这个系列的产品", "走仲裁",
                                  "未成年人的保单"])
def test_mandarin_words_are_left_alone(text):
    assert to_mandarin(text) == text


def test_traditional_cantonese_is_read_after_its_script_keeping_every_offset():
    said = "張單係港幣嘅，你哋內地保單claim唔claim到㗎？嗰間分行幾時開門"
    read = normalise(said)
    assert read == "张单是港币的,你们内地保单claim不claim到的?那间分行何时开门"
    assert len(read) == len(said)  # entity spans stay where the customer typed them


def test_every_replacement_keeps_the_length():
    assert all(len(word) == len(mandarin) for word, mandarin in WORDS.items())
