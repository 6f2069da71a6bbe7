"""Where the questions of a message are: each gets its answer (bot/questions.py)."""

from __future__ import annotations

import pytest

from bot.questions import ASKS, question_spans


def questions(text: str) -> list[str]:
    return [text[start:end] for start, end in question_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("犹豫期是多少天？退保要带什么材料", ["犹豫期是多少天？", "退保要带什么材料"]),
    ("犹豫期多久，退保要什么材料", ["犹豫期多久，", "退保要什么材料"]),
    ("宽限期多长时间？另外保单借款利息多少", ["宽限期多长时间？", "另外保单借款利息多少"]),
    ("理赔要什么材料 还有多久能到账", ["理赔要什么材料 ", "还有多久能到账"]),
    # questions cut by a space alone (set 10, set 11)
    ("住院病历是去医院复印吗 补齐了以后还要多久", ["住院病历是去医院复印吗 ", "补齐了以后还要多久"]),
    ("受理中是什么意思 大概要多久", ["受理中是什么意思 ", "大概要多久"]),
    # a piece that asks nothing goes with a question: the lead-in with the next one, a tail with the last one
    ("我想问下，犹豫期几天？我刚买的，退保能全退吗，谢谢", ["我想问下，犹豫期几天？", "我刚买的，退保能全退吗，谢谢"]),
])
def test_each_question_is_found_with_the_words_around_it(text, expected):
    assert questions(text) == expected


@pytest.mark.parametrize("text", ["我想问一下，犹豫期多久", "我退保了，钱多久到账", "请问犹豫期多少天，谢谢",
                                  "你好", "对了，上门服务收费吗", "",
                                  # a yes-or-no asked on about the question before (set 13: the limitation answer came
                                  # too): no question word, nothing named of its own
                                  "听说有个什么犹豫期，我现在还来得及吗？", "几点上班？周末呢？",
                                  "凭什么拒赔？我交了好几年保费了",  # "好几年" tells, it does not ask
                                  "你好 我老公住院了 刚出院 想报销 要准备哪些东西啊",  # told in pieces, one question
                                  # set 14: pressing the question before, nothing asked of its own
                                  "都通过了咋还没到账 啥情况", "钱怎么还没到 到底怎么回事啊"])
def test_one_question_is_not_split(text):
    assert questions(text) == []


@pytest.mark.parametrize(("text", "asks"), [("今天北京下雪没", True), ("钱到账了没有", True), ("保单号我没有", False),
                                            ("根本没有", False), ("还没", False), ("材料交了没", True)])
def test_a_sentence_final_mei_asks_only_after_what_happened(text, asks):
    assert bool(ASKS.search(text)) is asks


@pytest.mark.parametrize(("text", "asks"), [("这么晚还能办事不", True), ("那今晚能打给我不", True), ("我就是不", False),
                                            ("我先不", False), ("呢个礼拜五下昼三点", False)])
def test_a_question_closed_by_bu_asks_and_cantonese_ni_go_does_not(text, asks):
    """Set 12: "这么晚还能办事不" was taken for giving up; Cantonese 呢个 ("this") for a question."""
    assert bool(ASKS.search(text)) is asks
